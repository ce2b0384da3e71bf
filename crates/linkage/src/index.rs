//! Records by key: (key, record) pairs sorted, so that a key's records are one slice, in
//! record order. Used where a pass looks records up by a key over millions of records (the
//! last-records passes, a lookup's blocking keys): no per-key allocation, built in parallel.

use rayon::prelude::*;

pub(crate) struct KeyIndex(Vec<(u64, u32)>);

impl KeyIndex {
    /// Indexes records `0..n` under each of their keys (`keys(i)`).
    pub(crate) fn build<I: Iterator<Item = u64>>(
        n: usize,
        keys: impl Fn(usize) -> I + Sync,
    ) -> KeyIndex {
        let mut v: Vec<(u64, u32)> = (0..n)
            .into_par_iter()
            .flat_map_iter(|i| keys(i).map(move |k| (k, i as u32)))
            .collect();
        v.par_sort_unstable();
        KeyIndex(v)
    }

    /// Indexes pairs given as (key, record), in any order.
    pub(crate) fn from_pairs(mut v: Vec<(u64, u32)>) -> KeyIndex {
        v.par_sort_unstable();
        v.dedup();
        KeyIndex(v)
    }

    /// The records with key `k`, in record order.
    pub(crate) fn get(&self, k: u64) -> impl ExactSizeIterator<Item = u32> + '_ {
        let lo = self.0.partition_point(|e| e.0 < k);
        let hi = lo + self.0[lo..].partition_point(|e| e.0 == k);
        self.0[lo..hi].iter().map(|e| e.1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_gives_its_records_in_record_order_and_nothing_else() {
        let keys = [vec![7u64, 3], vec![3], vec![], vec![7]];
        let ix = KeyIndex::build(keys.len(), |i| keys[i].iter().copied());
        assert_eq!(ix.get(7).collect::<Vec<_>>(), vec![0, 3]);
        assert_eq!(ix.get(3).collect::<Vec<_>>(), vec![0, 1]);
        assert_eq!(ix.get(5).count(), 0);
        let pairs = KeyIndex::from_pairs(vec![(7, 3), (3, 1), (7, 0), (3, 0), (7, 3)]);
        assert_eq!(pairs.get(7).collect::<Vec<_>>(), vec![0, 3]);
    }
}
