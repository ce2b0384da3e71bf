//! Hash mixing shared by blocking keys, comparison caches and seeded sampling: a fast,
//! deterministic 64-bit mix (splitmix64 finaliser). Not for security, not for hash maps
//! (`prepare::FxHasher` is).

/// Mixes `b` into `a`; never 0 (0 means "no key" to blocking).
#[inline]
pub(crate) fn mix(a: u64, b: u64) -> u64 {
    let mut z = a ^ b.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    (z ^ (z >> 31)) | 1
}
