//! Records by key: (key, record) pairs sorted, so that a key's records are one slice, in
//! record order. Used where a pass looks records up by a key over millions of records (the
//! last-records passes, a lookup's blocking keys): no per-key allocation, built in parallel.
//!
//! A lookup goes straight to its part of the array: keys are stored scrambled (a bijection
//! of the key, so scrambled keys are equal exactly when the keys are) and sorted by the
//! scrambled key, and a table gives where each value of its top bits starts. A binary search
//! over the whole array (tens of millions of entries at 10 million records) missed the cache
//! at nearly every one of its ~25 steps: the attachment passes spent most of their 6 s there.

use rayon::prelude::*;

pub(crate) struct KeyIndex {
    /// (scrambled key, record), sorted.
    entries: Vec<(u64, u32)>,
    /// `starts[b]..starts[b + 1]`: the entries whose scrambled key's top `bits` bits are `b`.
    starts: Vec<u32>,
    bits: u32,
}

/// A bijection of `u64` (the SplitMix64 finaliser: each step can be undone) that spreads
/// any keys, small integers included, over the top bits.
fn scramble(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

impl KeyIndex {
    /// Indexes records `0..n` under each of their keys (`keys(i)`).
    pub(crate) fn build<I: Iterator<Item = u64>>(
        n: usize,
        keys: impl Fn(usize) -> I + Sync,
    ) -> KeyIndex {
        let mut v: Vec<(u64, u32)> = (0..n)
            .into_par_iter()
            .flat_map_iter(|i| keys(i).map(move |k| (scramble(k), i as u32)))
            .collect();
        v.par_sort_unstable();
        KeyIndex::from_sorted(v)
    }

    /// Indexes pairs given as (key, record), in any order.
    pub(crate) fn from_pairs(mut v: Vec<(u64, u32)>) -> KeyIndex {
        v.par_iter_mut().for_each(|e| e.0 = scramble(e.0));
        v.par_sort_unstable();
        v.dedup();
        KeyIndex::from_sorted(v)
    }

    fn from_sorted(entries: Vec<(u64, u32)>) -> KeyIndex {
        // About one to two entries a slot.
        let bits = (usize::BITS - entries.len().leading_zeros()).saturating_sub(1);
        let slots = 1usize << bits;
        let mut starts = vec![0u32; slots + 1];
        for e in &entries {
            starts[Self::slot(e.0, bits) + 1] += 1;
        }
        for b in 0..slots {
            starts[b + 1] += starts[b];
        }
        KeyIndex {
            entries,
            starts,
            bits,
        }
    }

    fn slot(scrambled: u64, bits: u32) -> usize {
        if bits == 0 {
            0
        } else {
            (scrambled >> (64 - bits)) as usize
        }
    }

    /// The records with key `k`, in record order.
    pub(crate) fn get(&self, k: u64) -> impl ExactSizeIterator<Item = u32> + '_ {
        let h = scramble(k);
        let b = Self::slot(h, self.bits);
        let slot = &self.entries[self.starts[b] as usize..self.starts[b + 1] as usize];
        let lo = slot.partition_point(|e| e.0 < h);
        let hi = lo + slot[lo..].partition_point(|e| e.0 == h);
        slot[lo..hi].iter().map(|e| e.1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_key_gives_its_records_in_record_order_and_nothing_else() {
        let keys = [vec![7u64, 3], vec![3], vec![], vec![7]];
        let ix = KeyIndex::build(keys.len(), |i| keys[i].iter().copied());
        assert_eq!(ix.get(7).collect::<Vec<_>>(), vec![0, 3]);
        assert_eq!(ix.get(3).collect::<Vec<_>>(), vec![0, 1]);
        assert_eq!(ix.get(5).count(), 0);
        let pairs = KeyIndex::from_pairs(vec![(7, 3), (3, 1), (7, 0), (3, 0), (7, 3)]);
        assert_eq!(pairs.get(7).collect::<Vec<_>>(), vec![0, 3]);
        let empty = KeyIndex::build(0, |_| std::iter::empty());
        assert_eq!(empty.get(1).count(), 0);
    }

    proptest! {
        /// Whatever the keys (few and repeated, or any), a key gives exactly the records that
        /// have it, in order, as a plain map would.
        #[test]
        fn the_index_answers_as_a_map_does(
            keys in proptest::collection::vec(
                proptest::collection::vec(prop_oneof![0u64..8, any::<u64>()], 0..4),
                0..300,
            ),
            probes in proptest::collection::vec(prop_oneof![0u64..8, any::<u64>()], 0..20),
        ) {
            let ix = KeyIndex::build(keys.len(), |i| keys[i].iter().copied());
            let mut map: std::collections::BTreeMap<u64, Vec<u32>> = Default::default();
            for (i, ks) in keys.iter().enumerate() {
                for &k in ks {
                    map.entry(k).or_default().push(i as u32);
                }
            }
            for (k, want) in &map {
                prop_assert_eq!(&ix.get(*k).collect::<Vec<_>>(), want);
            }
            for p in probes {
                let want = map.get(&p).cloned().unwrap_or_default();
                prop_assert_eq!(ix.get(p).collect::<Vec<_>>(), want);
            }
        }
    }
}
