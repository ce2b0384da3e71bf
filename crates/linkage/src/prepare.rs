//! Preparation: standardised records interned into compact per-record structs, so that the
//! hot comparison loop touches only integers and borrowed byte slices. Placeholder names,
//! dates of birth, addresses and postcodes (`placeholder`) become missing values here.

use crate::metrics::phonetic;
use crate::placeholder::Placeholders;
use crate::record::LinkRecord;
use crate::standardise::{self, Nicknames};
use hearth_model::standardise::{address, names};
use rayon::prelude::*;
use std::collections::HashMap;

/// A fast non-cryptographic hasher (FxHash) for interning; inputs are our own data and
/// iteration order never leaks into output.
#[derive(Default, Clone, Copy)]
pub(crate) struct FxHasher(u64);

impl std::hash::Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            self.add(u64::from_le_bytes(c.try_into().unwrap_or([0; 8])));
        }
        for &b in chunks.remainder() {
            self.add(b as u64);
        }
    }
    fn write_u8(&mut self, i: u8) {
        self.add(i as u64);
    }
    fn write_u32(&mut self, i: u32) {
        self.add(i as u64);
    }
    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

impl FxHasher {
    #[inline]
    fn add(&mut self, x: u64) {
        self.0 = (self.0.rotate_left(5) ^ x).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

pub(crate) type FxBuild = std::hash::BuildHasherDefault<FxHasher>;

/// String interner: ids are assigned in first-seen order (deterministic for a given input
/// order); id 0 is reserved for "missing".
#[derive(Debug, Default)]
pub(crate) struct Interner {
    ids: HashMap<Box<str>, u32, FxBuild>,
    strings: Vec<Box<str>>,
}

impl Interner {
    pub(crate) fn new() -> Self {
        Interner {
            ids: HashMap::default(),
            strings: vec!["".into()],
        }
    }
    pub(crate) fn intern(&mut self, s: &str) -> u32 {
        if s.is_empty() {
            return 0;
        }
        if let Some(&id) = self.ids.get(s) {
            return id;
        }
        let id = self.strings.len() as u32;
        self.strings.push(s.into());
        self.ids.insert(s.into(), id);
        id
    }
    pub(crate) fn get(&self, id: u32) -> &str {
        &self.strings[id as usize]
    }
    pub(crate) fn len(&self) -> usize {
        self.strings.len()
    }
    /// Forgets the strings interned after the first `len` (a lookup's own names).
    pub(crate) fn truncate(&mut self, len: usize) {
        while self.strings.len() > len.max(1) {
            if let Some(s) = self.strings.pop() {
                self.ids.remove(&s);
            }
        }
    }
}

/// Facts about one distinct name, computed once.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct NameInfo {
    /// Phonetic code of the name.
    pub phon: u32,
    /// Phonetic code of the nickname-canonical form (for blocking given names).
    pub canon_phon: u32,
    /// First letter of the canonical form.
    pub canon_initial: u8,
    /// Up to two nickname groups (u32::MAX = none).
    pub groups: [u32; 2],
    /// The buckets of the name's bytes (`metrics::buckets`), for a quick "too far apart".
    pub buckets: u64,
    /// Records using it as a given name.
    pub given_count: u32,
    /// Records using it as a family name (whole, joined).
    pub family_count: u32,
}

/// A name's phonetic codes and nickname groups, as `prepare` computes them (counts 0: a
/// lookup's name is in no record).
pub(crate) fn name_info(nicknames: &Nicknames, n: &str) -> NameInfo {
    let g = nicknames.groups(n);
    let canon = nicknames.canonical(n);
    NameInfo {
        phon: phonetic(n.as_bytes()),
        canon_phon: phonetic(canon.as_bytes()),
        canon_initial: canon.bytes().next().unwrap_or(0),
        groups: [
            g.first().copied().unwrap_or(u32::MAX),
            g.get(1).copied().unwrap_or(u32::MAX),
        ],
        buckets: crate::metrics::buckets(n.as_bytes()),
        given_count: 0,
        family_count: 0,
    }
}

/// One record, compact. All strings are interned ids (0 = missing).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct Rec {
    pub source: u16,
    pub sex: u8,
    pub given: u32,
    pub middle: u32,
    pub family: u32,
    pub family_w: [u32; 2],
    pub dob: u32,
    pub pc: u32,
    pub sector: u32,
    pub district: u32,
    pub addr: u32,
    pub house: u32,
    pub nhs: u32,
    pub ni: u32,
    pub upn: u32,
    pub extra: [u32; 3],
}

/// Everything the comparison and blocking stages need.
pub(crate) struct Prepared {
    /// Unique per preparation in this process (keys caches of interned-id results).
    pub generation: u64,
    pub recs: Vec<Rec>,
    pub names: Interner,
    pub name_info: Vec<NameInfo>,
    pub text: Interner,
    /// Non-empty given names and family names counted (for term frequencies).
    pub given_total: u32,
    pub family_total: u32,
}

pub(crate) struct StdRecord {
    source: u16,
    sex: u8,
    given: String,
    middle: String,
    family: String,
    family_w: [String; 2],
    dob: u32,
    pc: Option<standardise::StdPostcode>,
    addr: Option<address::Address>,
    nhs: String,
    ni: String,
    upn: String,
    extra: Vec<(String, String)>,
}

pub(crate) fn standardise_one(r: &LinkRecord, placeholders: &Placeholders) -> StdRecord {
    // Placeholder values ("NOT KNOWN", 01/01/1900) are missing values.
    fn known<'a>(v: &'a Option<String>, p: &Placeholders) -> Option<&'a str> {
        v.as_deref().filter(|v| !p.is_name(v))
    }
    let n = names::names(
        known(&r.given_name, placeholders),
        known(&r.middle_name, placeholders),
        known(&r.family_name, placeholders),
        known(&r.full_name, placeholders),
    );
    // A placeholder address ("No fixed abode") or postcode (`ZZ99 3VZ`, "NFA") is no address:
    // nothing to compare, so strangers recorded so get no address evidence.
    let pc = r
        .postcode
        .as_deref()
        .filter(|p| !placeholders.is_postcode(p))
        .and_then(standardise::postcode);
    let written = r.address.as_deref().filter(|a| !placeholders.is_address(a));
    // No postcode of its own, but one written at the end of the address (`12 High St, AB1
    // 2DE`, as police and housing systems write them): that is the record's postcode, as
    // intake reads it.
    let (written, pc) = match (written, pc) {
        (Some(a), None) => match address::split_postcode(a) {
            Some((rest, found)) if !placeholders.is_postcode(found.as_str()) => {
                (Some(rest), standardise::postcode(found.as_str()))
            }
            _ => (Some(a), None),
        },
        other => other,
    };
    let addr = written.and_then(|a| address::address(a, pc.as_ref().map(|p| p.full.as_str())));
    let nhs = r
        .nhs_number
        .as_deref()
        .and_then(|s| hearth_model::NhsNumber::parse(s).ok())
        .map(|n| n.as_str().to_owned())
        .unwrap_or_default();
    let ni = r
        .ni_number
        .as_deref()
        .and_then(|s| hearth_model::NiNumber::parse(s).ok())
        .map(|n| n.stem().to_owned())
        .unwrap_or_default();
    let upn = r
        .upn
        .as_deref()
        .and_then(|s| hearth_model::Upn::parse(s).ok())
        .map(|n| n.as_str().to_owned())
        .unwrap_or_default();
    let mut extra: Vec<(String, String)> = r
        .other_ids
        .iter()
        .map(|(k, v)| {
            let v: String = v
                .chars()
                .filter(|c| c.is_ascii_alphanumeric())
                .map(|c| c.to_ascii_uppercase())
                .collect();
            (k.clone(), v)
        })
        .filter(|(_, v)| !v.is_empty())
        .collect();
    extra.sort();
    let fam_joined = n.family.join(" ");
    let mut fw = n.family.iter().cloned();
    StdRecord {
        source: r.source,
        sex: match r.sex.as_deref().and_then(hearth_model::Sex::parse) {
            Some(hearth_model::Sex::Female) => 1,
            Some(hearth_model::Sex::Male) => 2,
            _ => 0,
        },
        given: n.given,
        middle: n.middle.into_iter().next().unwrap_or_default(),
        family: fam_joined,
        family_w: [fw.next().unwrap_or_default(), fw.next().unwrap_or_default()],
        dob: r
            .date_of_birth
            .filter(|&d| !placeholders.is_date(d))
            .map(|d| d.0)
            .unwrap_or(0),
        pc,
        addr,
        nhs,
        ni,
        upn,
        extra,
    }
}

pub(crate) fn intern_one(
    s: &StdRecord,
    kinds: &[String],
    names: &mut Interner,
    text: &mut Interner,
) -> Rec {
    let mut extra = [0u32; 3];
    for (k, v) in &s.extra {
        if let Ok(i) = kinds.binary_search(k) {
            if extra[i] == 0 {
                extra[i] = text.intern(v);
            }
        }
    }
    let (pc, sector, district) = match &s.pc {
        Some(p) => (
            text.intern(&p.full),
            text.intern(&p.sector),
            text.intern(&p.district),
        ),
        None => (0, 0, 0),
    };
    let (addr, house) = match &s.addr {
        Some(a) => (
            text.intern(&a.text),
            text.intern(a.numbers.first().map(String::as_str).unwrap_or("")),
        ),
        None => (0, 0),
    };
    Rec {
        source: s.source,
        sex: s.sex,
        given: names.intern(&s.given),
        middle: names.intern(&s.middle),
        family: names.intern(&s.family),
        family_w: [names.intern(&s.family_w[0]), names.intern(&s.family_w[1])],
        dob: s.dob,
        pc,
        sector,
        district,
        addr,
        house,
        nhs: text.intern(&s.nhs),
        ni: text.intern(&s.ni),
        upn: text.intern(&s.upn),
        extra,
    }
}

/// Standardises (in parallel) and interns (in record order) every record.
pub(crate) fn prepare(
    records: &[LinkRecord],
    nicknames: &Nicknames,
    placeholders: &Placeholders,
) -> Prepared {
    let mut names = Interner::new();
    let mut text = Interner::new();
    let mut kinds: Vec<String> = records
        .iter()
        .flat_map(|r| r.other_ids.iter().map(|(k, _)| k.clone()))
        .collect();
    kinds.sort();
    kinds.dedup();
    kinds.truncate(3);
    let mut recs = Vec::with_capacity(records.len());
    // Standardise in parallel, chunk by chunk (bounded memory), intern in record order: one
    // thread interns a chunk while the others standardise the next.
    let mut done: Vec<StdRecord> = Vec::new();
    for chunk in records.chunks(1 << 16) {
        let (std, ()) = rayon::join(
            || {
                chunk
                    .par_iter()
                    .map(|r| standardise_one(r, placeholders))
                    .collect::<Vec<StdRecord>>()
            },
            || {
                for s in &done {
                    recs.push(intern_one(s, &kinds, &mut names, &mut text));
                }
            },
        );
        done = std;
    }
    for s in &done {
        recs.push(intern_one(s, &kinds, &mut names, &mut text));
    }
    let mut name_info: Vec<NameInfo> = (0..names.len())
        .into_par_iter()
        .map(|id| name_info(nicknames, names.get(id as u32)))
        .collect();
    let (mut given_total, mut family_total) = (0, 0);
    for r in &recs {
        if r.given != 0 {
            name_info[r.given as usize].given_count += 1;
            given_total += 1;
        }
        if r.family != 0 {
            name_info[r.family as usize].family_count += 1;
            family_total += 1;
        }
    }
    static GENERATION: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let generation = GENERATION.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    Prepared {
        generation,
        recs,
        names,
        name_info,
        text,
        given_total,
        family_total,
    }
}

impl Prepared {
    pub(crate) fn name(&self, id: u32) -> &[u8] {
        self.names.get(id).as_bytes()
    }
    pub(crate) fn info(&self, id: u32) -> &NameInfo {
        &self.name_info[id as usize]
    }
}
