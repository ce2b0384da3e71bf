//! The borough's streets and postcodes: every address is a pure function of its index.
//!
//! Two postcode districts (WA7, WA8) with realistic sectors; each street lies in one sector
//! and is split into postcode units of a few dozen addresses. Some streets are blocks of flats
//! ("Flat 3, 40 High Street").

/// Postcode sectors of the borough: (district, sector digit, town).
const SECTORS: &[(&str, u8, &str)] = &[
    ("WA7", 1, "Runcorn"),
    ("WA7", 2, "Runcorn"),
    ("WA7", 3, "Runcorn"),
    ("WA7", 4, "Runcorn"),
    ("WA7", 5, "Runcorn"),
    ("WA7", 6, "Runcorn"),
    ("WA8", 0, "Widnes"),
    ("WA8", 3, "Widnes"),
    ("WA8", 5, "Widnes"),
    ("WA8", 6, "Widnes"),
    ("WA8", 7, "Widnes"),
    ("WA8", 8, "Widnes"),
    ("WA8", 9, "Widnes"),
];

/// Letters allowed in the inward code's unit (not C, I, K, M, O, V).
const UNIT_LETTERS: &[u8; 20] = b"ABDEFGHJLNPQRSTUWXYZ";

const STREET_FIRST: &[&str] = &[
    "Acacia",
    "High",
    "Church",
    "Station",
    "Victoria",
    "Park",
    "Mill",
    "Green",
    "Manor",
    "Queens",
    "Kings",
    "Grange",
    "Chapel",
    "Beech",
    "Oak",
    "Elm",
    "Ash",
    "Willow",
    "Cedar",
    "Birch",
    "Holly",
    "Hawthorn",
    "Rowan",
    "Laburnum",
    "Lime",
    "Poplar",
    "Sycamore",
    "Chestnut",
    "Meadow",
    "Field",
    "Brook",
    "River",
    "Canal",
    "Bridge",
    "Castle",
    "Abbey",
    "Priory",
    "Albert",
    "Alexandra",
    "Windsor",
    "York",
    "Lancaster",
    "Chester",
    "Derby",
    "Warrington",
    "Liverpool",
    "Halton",
    "Moor",
    "Heath",
    "Hill",
    "Dale",
    "Vale",
    "Orchard",
    "School",
    "Market",
    "North",
    "South",
    "West",
    "East",
    "New",
    "Springfield",
    "Fairfield",
    "Highfield",
    "Lynton",
    "Clifton",
    "Ellesmere",
    "Grosvenor",
    "Cavendish",
    "Stanley",
    "Derwent",
    "Kendal",
    "Keswick",
    "Coniston",
    "Windermere",
    "Buttermere",
    "Ennerdale",
    "Rydal",
    "Ambleside",
    "Primrose",
    "Bluebell",
    "Daisy",
    "Foxglove",
    "Heather",
    "Lavender",
    "Marlborough",
    "Belvedere",
    "Regent",
    "Princess",
    "Cromwell",
    "Nelson",
    "Wellington",
    "Mersey",
    "Weaver",
    "Runcorn",
    "Ditton",
    "Halebank",
    "Farnworth",
    "Appleton",
    "Hough",
];
const STREET_KIND: &[&str] = &[
    "Road", "Street", "Avenue", "Lane", "Close", "Drive", "Grove", "Crescent", "Way", "Place",
    "Gardens", "Court", "Walk", "View",
];

/// A postal address: the first line, the post town and the postcode (normal form).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Address {
    /// e.g. `12 Acacia Avenue` or `Flat 3, 40 High Street`.
    pub line: String,
    /// `Runcorn` or `Widnes`.
    pub town: &'static str,
    /// e.g. `WA7 1AB`.
    pub postcode: String,
}

/// The borough's address book: enough addresses for `capacity` households.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Geography {
    per_unit: usize,
}

const UNITS_PER_STREET: usize = 3;

impl Geography {
    /// A geography with room for at least `capacity` distinct addresses.
    pub(crate) fn with_capacity(capacity: usize) -> Geography {
        let units = SECTORS.len() * UNIT_LETTERS.len() * UNIT_LETTERS.len() * 9 / 10;
        let per_unit = capacity.div_ceil(units).max(15);
        Geography { per_unit }
    }

    /// The address with this index. Distinct indices give distinct addresses.
    pub(crate) fn address(&self, index: usize) -> Address {
        let street_len = self.per_unit * UNITS_PER_STREET;
        let street = index / street_len;
        let offset = index % street_len;
        let (district, sector_digit, town) = SECTORS[street % SECTORS.len()];
        let street_in_sector = street / SECTORS.len();
        let unit = street_in_sector * UNITS_PER_STREET + offset / self.per_unit;
        let l = UNIT_LETTERS.len();
        // Walk the units of the sector in a scrambled but fixed order; 9 inward digits of the
        // 10 are used for the sector digit itself, so a unit is identified by its two letters
        // (with wrap-around naming for very large boroughs: the street name still differs).
        let unit = (unit * 7 + 3) % (l * l);
        let postcode = format!(
            "{district} {sector_digit}{}{}",
            UNIT_LETTERS[unit / l] as char,
            UNIT_LETTERS[unit % l] as char
        );
        let name = street_name(street);
        let line = if street % 6 == 5 {
            // A street of blocks of flats: eight flats per building, odd building numbers.
            let building = (offset / 8) * 2 + 1;
            format!("Flat {}, {building} {name}", offset % 8 + 1)
        } else {
            format!("{} {name}", offset + 1)
        };
        Address {
            line,
            town,
            postcode,
        }
    }
}

fn street_name(street: usize) -> String {
    let f = STREET_FIRST.len();
    let first = STREET_FIRST[(street * 37) % f];
    let kind = STREET_KIND[(street / f + street) % STREET_KIND.len()];
    format!("{first} {kind}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use hearth_model::Postcode;
    use std::collections::BTreeSet;

    #[test]
    fn addresses_are_distinct_and_postcodes_valid() {
        let g = Geography::with_capacity(200_000);
        let mut seen = BTreeSet::new();
        for i in (0..200_000).step_by(7) {
            let a = g.address(i);
            let pc = Postcode::parse(&a.postcode).expect("valid postcode");
            assert_eq!(pc.as_str(), a.postcode);
            assert!(seen.insert((a.line.clone(), a.postcode.clone())), "{a:?}");
        }
    }
}
