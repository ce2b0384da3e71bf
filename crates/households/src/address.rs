//! Address keys: two spellings of one address give one key.

use hearth_model::Postcode;

const FLAT_WORDS: &[&str] = &["flat", "apartment", "apt", "unit", "room", "no", "number"];

/// A key that two recordings of the same dwelling share: the normalised postcode plus the
/// numbers in the address (flat and house number), which typing errors in street names do
/// not disturb. Addresses without numbers (named houses) use their first two words. Without a
/// valid postcode the whole normalised address is the key. `None` when there is no address.
pub fn address_key(address: Option<&str>, postcode: Option<&str>) -> Option<String> {
    let address = address.map(str::trim).filter(|a| !a.is_empty())?;
    let lowered = address.to_lowercase();
    let words: Vec<&str> = lowered
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty() && !FLAT_WORDS.contains(w))
        .collect();
    let postcode = postcode.and_then(|p| Postcode::parse(p).ok());
    match postcode {
        Some(pc) => {
            let numbers: Vec<&str> = words
                .iter()
                .copied()
                .filter(|w| w.chars().next().is_some_and(|c| c.is_ascii_digit()))
                .collect();
            let tail = if numbers.is_empty() {
                words.iter().take(2).copied().collect::<Vec<_>>().join(" ")
            } else {
                numbers.join(" ")
            };
            Some(format!("{}|{}", pc.as_str(), tail))
        }
        None => Some(words.join(" ")),
    }
}

/// The postcode sector of an address key (`WA7 2ES|34` → `WA7 2`): the area a family is
/// filtered and counted by. A sector holds a few thousand addresses, so it places a family
/// without identifying it. `None` for a key made without a valid postcode.
pub fn postcode_sector(address_key: &str) -> Option<String> {
    let (postcode, _) = address_key.split_once('|')?;
    Postcode::parse(postcode)
        .ok()
        .map(|p| p.sector().to_string())
}
