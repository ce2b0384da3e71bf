//! Internal audit's sample of a batch: seeded, so that the same batch and seed always give
//! the same claims (an auditor, or the national team's spot check, can draw it again years
//! later and get the same list).

use rand::SeedableRng;

/// `size` of the claims `claim_ids` (all of them if fewer), drawn with ChaCha8 seeded by
/// `seed` (portable: the same on every machine and version of Hearth), in claim order. The
/// draw depends only on the set of claims, not on the order they are given in.
pub fn audit_sample(claim_ids: &[i64], size: usize, seed: u64) -> Vec<i64> {
    let mut ids = claim_ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    if ids.len() <= size {
        return ids;
    }
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    let mut picked: Vec<i64> = rand::seq::index::sample(&mut rng, ids.len(), size)
        .into_iter()
        .map(|i| ids[i])
        .collect();
    picked.sort_unstable();
    picked
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sample_is_the_same_for_the_same_seed_and_pinned() {
        let ids: Vec<i64> = (1..=200).collect();
        let a = audit_sample(&ids, 10, 20150401);
        let mut shuffled = ids.clone();
        shuffled.reverse();
        assert_eq!(a, audit_sample(&shuffled, 10, 20150401));
        assert_eq!(a.len(), 10);
        assert_ne!(a, audit_sample(&ids, 10, 20150402));
        // Pinned: a change of algorithm would change past samples; it must not.
        assert_eq!(a, PINNED.to_vec(), "{a:?}");
    }

    const PINNED: [i64; 10] = [3, 22, 43, 55, 128, 130, 132, 152, 161, 184];

    #[test]
    fn a_small_batch_is_sampled_whole() {
        assert_eq!(audit_sample(&[3, 1, 2], 10, 1), vec![1, 2, 3]);
        assert!(audit_sample(&[], 10, 1).is_empty());
    }

    proptest::proptest! {
        #[test]
        fn a_sample_is_a_subset_of_the_right_size(n in 0usize..300, size in 1usize..50, seed: u64) {
            let ids: Vec<i64> = (0..n as i64).map(|i| i * 3).collect();
            let s = audit_sample(&ids, size, seed);
            proptest::prop_assert_eq!(s.len(), size.min(n));
            proptest::prop_assert!(s.windows(2).all(|w| w[0] < w[1]));
            proptest::prop_assert!(s.iter().all(|i| ids.contains(i)));
            proptest::prop_assert_eq!(s, audit_sample(&ids, size, seed));
        }
    }
}
