//! The mapping file as written: the serde structs TOML is read into, before the rules in
//! `crates/intake/MAPPINGS.md` are checked (see `rules`).
//!
//! It does not check anything beyond the TOML's shape (unknown keys, kinds of values, the
//! spelling of name patterns and date formats).

use hearth_model::standardise::dates::DateFormat;
use hearth_model::standardise::names::NamePattern;
use serde::de::{self, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};
use std::collections::BTreeMap;
use std::fmt;

/// How a partner file's text is encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
pub enum Encoding {
    /// UTF-8, with or without a byte-order mark.
    #[serde(rename = "utf-8")]
    Utf8,
    /// Windows-1252 (Western European), as older Windows systems export: `£` is one byte.
    #[serde(rename = "windows-1252")]
    Windows1252,
    /// UTF-8 when the bytes are valid UTF-8, otherwise Windows-1252.
    #[default]
    #[serde(rename = "auto")]
    Auto,
}

/// What to do with a row whose NHS number, NI number, UPN or postcode is invalid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
pub enum InvalidIdentifiers {
    /// Quarantine the row (the default): a data officer corrects and re-sends it.
    #[default]
    #[serde(rename = "quarantine")]
    Quarantine,
    /// Keep the row without that identifier, and count it as a warning in the summary.
    #[serde(rename = "drop")]
    Drop,
}

/// What to do with a value that a translation table does not list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
pub enum Untranslated {
    /// Quarantine the row, naming the column and the value (the default): the table, or the
    /// partner's value, needs correcting.
    #[default]
    #[serde(rename = "quarantine")]
    Quarantine,
    /// Keep the value as the partner wrote it, and count a warning in the summary.
    #[serde(rename = "keep")]
    Keep,
}

/// How a whole name is written: one pattern for every row, or found row by row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameOrder {
    /// Every row is written in this pattern.
    Pattern(NamePattern),
    /// Each row's pattern is found from the name itself (`NamePattern::detect`).
    Detect,
}

impl fmt::Display for NameOrder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NameOrder::Pattern(p) => p.fmt(f),
            NameOrder::Detect => f.write_str("detect"),
        }
    }
}

/// The type of an attribute's values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AttrType {
    /// Text, trimmed; optionally limited to a list of allowed values.
    Text,
    /// A number: `12`, `3.5`, `1,234`.
    Number,
    /// Pounds: `£1,234.50`, `0.00`, `-£5`; stored as a number.
    Money,
    /// Yes/no: `Y`/`N`, `Yes`/`No`, `True`/`False`, `1`/`0`.
    Bool,
    /// A date, stored as ISO `yyyy-mm-dd` text.
    Date,
}

/// One or more columns of the partner file feeding one Hearth field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnSpec {
    /// The column names (several only for `address`).
    pub(crate) columns: Vec<String>,
    /// Whether an empty value quarantines the row; `None` means the field's default.
    pub(crate) required: Option<bool>,
    /// Accepted date formats (date fields only); `None` means the mapping's default.
    pub(crate) formats: Option<Vec<DateFormat>>,
    /// How a whole name is written (`full_name` only).
    pub(crate) pattern: Option<NameOrder>,
    /// A partner's codes and the values Hearth stores for them (`sex` only).
    pub(crate) translate: Option<BTreeMap<String, String>>,
    /// What to do with a value the table does not list.
    pub(crate) untranslated: Option<Untranslated>,
    /// The same value for every row, for files that do not carry it (`fact` dates only),
    /// as `yyyy-mm-dd`.
    pub(crate) value: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ColumnTable {
    column: Option<String>,
    columns: Option<Vec<String>>,
    required: Option<bool>,
    formats: Option<Vec<DateFormat>>,
    pattern: Option<String>,
    translate: Option<BTreeMap<String, String>>,
    untranslated: Option<Untranslated>,
    value: Option<String>,
}

impl<'de> Deserialize<'de> for ColumnSpec {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = ColumnSpec;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str(
                    "a column name, a list of column names, or a table such as \
                     { column = \"DOB\", required = true }",
                )
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<ColumnSpec, E> {
                Ok(ColumnSpec {
                    columns: vec![v.to_string()],
                    required: None,
                    formats: None,
                    pattern: None,
                    translate: None,
                    untranslated: None,
                    value: None,
                })
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<ColumnSpec, A::Error> {
                let mut columns = Vec::new();
                while let Some(c) = seq.next_element::<String>()? {
                    columns.push(c);
                }
                Ok(ColumnSpec {
                    columns,
                    required: None,
                    formats: None,
                    pattern: None,
                    translate: None,
                    untranslated: None,
                    value: None,
                })
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<ColumnSpec, A::Error> {
                let t = ColumnTable::deserialize(de::value::MapAccessDeserializer::new(map))?;
                let columns = match (t.column, t.columns) {
                    (Some(c), None) => vec![c],
                    (None, Some(cs)) => cs,
                    (Some(_), Some(_)) => {
                        return Err(de::Error::custom("give `column` or `columns`, not both"))
                    }
                    (None, None) if t.value.is_some() => Vec::new(),
                    (None, None) => return Err(de::Error::missing_field("column")),
                };
                if t.value.is_some() && !columns.is_empty() {
                    return Err(de::Error::custom(
                        "give `column` or `value` (the same value for every row), not both",
                    ));
                }
                let pattern = match t.pattern {
                    None => None,
                    Some(p) if p.trim().eq_ignore_ascii_case("detect") => Some(NameOrder::Detect),
                    Some(p) => Some(
                        NamePattern::from_spelling(&p)
                            .map(NameOrder::Pattern)
                            .ok_or_else(|| {
                                de::Error::custom(format!(
                                    "unknown name pattern \"{p}\"; use one of: {}, detect",
                                    NamePattern::SPELLINGS.join(", ")
                                ))
                            })?,
                    ),
                };
                Ok(ColumnSpec {
                    columns,
                    required: t.required,
                    formats: t.formats,
                    pattern,
                    translate: t.translate,
                    untranslated: t.untranslated,
                    value: t.value,
                })
            }
        }
        d.deserialize_any(V)
    }
}

/// Which columns give who a row is about. Each role is optional.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct IdentityMapping {
    pub source_person_id: Option<ColumnSpec>,
    pub given_name: Option<ColumnSpec>,
    pub middle_name: Option<ColumnSpec>,
    pub family_name: Option<ColumnSpec>,
    pub full_name: Option<ColumnSpec>,
    pub date_of_birth: Option<ColumnSpec>,
    pub sex: Option<ColumnSpec>,
    pub address: Option<ColumnSpec>,
    pub postcode: Option<ColumnSpec>,
    pub nhs_number: Option<ColumnSpec>,
    pub ni_number: Option<ColumnSpec>,
    pub upn: Option<ColumnSpec>,
}

impl IdentityMapping {
    /// Every mapped role with its name, in a fixed order.
    pub(crate) fn roles(&self) -> [(&'static str, Option<&ColumnSpec>); 12] {
        [
            ("source_person_id", self.source_person_id.as_ref()),
            ("given_name", self.given_name.as_ref()),
            ("middle_name", self.middle_name.as_ref()),
            ("family_name", self.family_name.as_ref()),
            ("full_name", self.full_name.as_ref()),
            ("date_of_birth", self.date_of_birth.as_ref()),
            ("sex", self.sex.as_ref()),
            ("address", self.address.as_ref()),
            ("postcode", self.postcode.as_ref()),
            ("nhs_number", self.nhs_number.as_ref()),
            ("ni_number", self.ni_number.as_ref()),
            ("upn", self.upn.as_ref()),
        ]
    }
}

/// Which columns give the fact's dates.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FactMapping {
    pub event_date: Option<ColumnSpec>,
    pub end_date: Option<ColumnSpec>,
}

/// One attribute of the fact.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct AttributeMapping {
    /// The partner's column; `None` when `value` gives the same value for every row.
    pub column: Option<String>,
    /// The same value for every row (a number, text or true/false), instead of a column.
    pub value: Option<toml::Value>,
    #[serde(rename = "type")]
    pub ty: AttrType,
    #[serde(default)]
    pub required: bool,
    pub allowed: Option<Vec<String>>,
    pub formats: Option<Vec<DateFormat>>,
    /// A partner's codes and the values Hearth stores for them.
    pub translate: Option<BTreeMap<String, String>>,
    /// What to do with a value `translate` does not list.
    #[serde(default)]
    pub untranslated: Untranslated,
    /// The column is a percentage of this other (number) attribute; the attribute is that
    /// share of it.
    pub percent_of: Option<String>,
    /// With `percent_of`: the column gives the other share (attendance for sessions missed),
    /// so the attribute is 100% minus it.
    #[serde(default)]
    pub percent_complement: bool,
    /// The column is a count of the opposite (sessions attended for sessions missed): the
    /// attribute is this other (number) attribute minus it.
    pub subtract_from: Option<String>,
}

impl AttributeMapping {
    /// The fixed value as the text a cell would hold (`190`, `87.5`, `true`, `Crime`).
    pub(crate) fn value_text(&self) -> Option<String> {
        self.value.as_ref().map(|v| match v {
            toml::Value::String(s) => s.clone(),
            other => other.to_string(),
        })
    }

    /// The attribute this one is worked out from, if it is derived.
    pub(crate) fn derived_from(&self) -> Option<&str> {
        self.percent_of.as_deref().or(self.subtract_from.as_deref())
    }
}

impl RawMapping {
    /// Gives every date format the mapping lists the two-digit-year pivot `pivot`.
    pub(crate) fn set_pivot(&mut self, pivot: u8) {
        let set = |formats: &mut Option<Vec<DateFormat>>| {
            for f in formats.iter_mut().flatten() {
                *f = f.clone().with_pivot(pivot);
            }
        };
        set(&mut self.date_formats);
        let id = &mut self.identity;
        for spec in [
            &mut id.date_of_birth,
            &mut self.fact.event_date,
            &mut self.fact.end_date,
        ]
        .into_iter()
        .flatten()
        {
            set(&mut spec.formats);
        }
        for a in self.attributes.values_mut() {
            set(&mut a.formats);
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawMapping {
    pub source: String,
    pub name: Option<String>,
    pub files: Vec<String>,
    #[serde(default)]
    pub encoding: Encoding,
    pub sheet: Option<String>,
    /// The CSV separator: `","` (default), `";"`, `"\t"` or `"|"`.
    pub delimiter: Option<String>,
    /// The row (1-based, as a spreadsheet numbers it) holding the header.
    pub header_row: Option<u32>,
    /// The decimal mark of the file's numbers: `"."` or `","`; unset, found per column in a
    /// semicolon-separated file.
    pub decimal: Option<String>,
    pub event_type: String,
    pub date_formats: Option<Vec<DateFormat>>,
    /// Two-digit years (`%y`) below this are 20xx, from it 19xx.
    pub two_digit_year_pivot: Option<u8>,
    #[serde(default)]
    pub invalid_identifiers: InvalidIdentifiers,
    #[serde(default)]
    pub identity: IdentityMapping,
    #[serde(default)]
    pub fact: FactMapping,
    #[serde(default)]
    pub attributes: BTreeMap<String, AttributeMapping>,
    /// The data sharing agreement and lawful basis (optional).
    pub sharing: Option<super::sharing::Sharing>,
}
