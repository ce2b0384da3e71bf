//! Mapping files: how one partner source's columns become Hearth's identity and fact fields.
//!
//! The format is documented in `crates/intake/MAPPINGS.md`; [`Mapping::load`] checks every
//! rule there and names the mapping file in its errors.

use crate::values::{DateFormat, NamePattern};
use serde::de::{self, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};
use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

/// A problem with a mapping file, or with a mapping against a partner file's header.
/// Messages name the mapping file and columns only, never cell values.
#[derive(Debug, thiserror::Error)]
pub enum MappingError {
    /// The mapping file (or the directory of mappings) could not be read.
    #[error("cannot read mapping {path}: {source}")]
    Io {
        /// The mapping file or directory.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The mapping file is not valid TOML, has an unknown key, or a value of the wrong kind.
    #[error("mapping {path} is not valid: {message}")]
    Syntax {
        /// The mapping file.
        path: PathBuf,
        /// What is wrong and where (line and column), from the TOML reader.
        message: String,
    },
    /// The mapping file is valid TOML but breaks a rule in MAPPINGS.md.
    #[error("mapping {path}: {message}")]
    Invalid {
        /// The mapping file.
        path: PathBuf,
        /// What is wrong and how to fix it.
        message: String,
    },
    /// Columns named in the mapping are not in the partner file's header.
    #[error(
        "mapping {mapping} names column(s) {} that the file's header does not have; the header has: {}",
        quote_list(missing),
        quote_list(found)
    )]
    MissingColumns {
        /// The mapping file.
        mapping: PathBuf,
        /// The mapped columns not found.
        missing: Vec<String>,
        /// The columns the header does have.
        found: Vec<String>,
    },
    /// A mapped column appears more than once in the header, so Hearth cannot tell which to use.
    #[error("mapping {mapping} names column \"{column}\", which appears more than once in the file's header; rename one of them")]
    DuplicateColumn {
        /// The mapping file.
        mapping: PathBuf,
        /// The column name.
        column: String,
    },
    /// No mapping in the directory applies to the file.
    #[error("no mapping in {dir} applies to file {file_name}; the mappings there cover: {}", known.join("; "))]
    NoMapping {
        /// The directory of mappings searched.
        dir: PathBuf,
        /// The partner file's name.
        file_name: String,
        /// Each mapping's source and file patterns, e.g. `police (police*.csv)`.
        known: Vec<String>,
    },
    /// More than one mapping applies to the file.
    #[error("more than one mapping applies to file {file_name}: {}; make their `files` patterns distinct", paths.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", "))]
    Ambiguous {
        /// The partner file's name.
        file_name: String,
        /// The mapping files that match.
        paths: Vec<PathBuf>,
    },
}

fn quote_list(v: &[String]) -> String {
    v.iter()
        .map(|s| format!("\"{s}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

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
    pub(crate) pattern: Option<NamePattern>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ColumnTable {
    column: Option<String>,
    columns: Option<Vec<String>>,
    required: Option<bool>,
    formats: Option<Vec<DateFormat>>,
    pattern: Option<String>,
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
                    (None, None) => return Err(de::Error::missing_field("column")),
                };
                let pattern = match t.pattern {
                    None => None,
                    Some(p) => Some(NamePattern::from_spelling(&p).ok_or_else(|| {
                        de::Error::custom(format!(
                            "unknown name pattern \"{p}\"; use one of: {}",
                            NamePattern::SPELLINGS.join(", ")
                        ))
                    })?),
                };
                Ok(ColumnSpec {
                    columns,
                    required: t.required,
                    formats: t.formats,
                    pattern,
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
    pub column: String,
    #[serde(rename = "type")]
    pub ty: AttrType,
    #[serde(default)]
    pub required: bool,
    pub allowed: Option<Vec<String>>,
    pub formats: Option<Vec<DateFormat>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMapping {
    source: String,
    files: Vec<String>,
    #[serde(default)]
    encoding: Encoding,
    sheet: Option<String>,
    event_type: String,
    date_formats: Option<Vec<DateFormat>>,
    #[serde(default)]
    invalid_identifiers: InvalidIdentifiers,
    #[serde(default)]
    identity: IdentityMapping,
    #[serde(default)]
    fact: FactMapping,
    #[serde(default)]
    attributes: BTreeMap<String, AttributeMapping>,
}

/// A checked mapping for one partner source: where its columns go in Hearth.
///
/// Built only by [`Mapping::load`] or [`Mapping::parse`], which check the rules in
/// MAPPINGS.md; a `Mapping` in hand is a valid one.
#[derive(Debug, Clone)]
pub struct Mapping {
    pub(crate) path: PathBuf,
    pub(crate) source: String,
    pub(crate) files: Vec<String>,
    pub(crate) encoding: Encoding,
    pub(crate) sheet: Option<String>,
    pub(crate) event_type: String,
    pub(crate) date_formats: Option<Vec<DateFormat>>,
    pub(crate) invalid_identifiers: InvalidIdentifiers,
    pub(crate) identity: IdentityMapping,
    pub(crate) fact: FactMapping,
    pub(crate) attributes: BTreeMap<String, AttributeMapping>,
}

impl Mapping {
    /// Reads and checks a mapping file.
    pub fn load(path: impl AsRef<Path>) -> Result<Mapping, MappingError> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|source| MappingError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        Mapping::parse(&text, path)
    }

    /// Checks a mapping given as TOML text; `path` is used in error messages only.
    pub fn parse(text: &str, path: impl AsRef<Path>) -> Result<Mapping, MappingError> {
        let path = path.as_ref().to_path_buf();
        let raw: RawMapping = toml::from_str(text).map_err(|e| MappingError::Syntax {
            path: path.clone(),
            message: e.to_string().trim_end().to_string(),
        })?;
        let m = Mapping {
            path,
            source: raw.source,
            files: raw.files,
            encoding: raw.encoding,
            sheet: raw.sheet,
            event_type: raw.event_type,
            date_formats: raw.date_formats,
            invalid_identifiers: raw.invalid_identifiers,
            identity: raw.identity,
            fact: raw.fact,
            attributes: raw.attributes,
        };
        m.check()?;
        Ok(m)
    }

    fn invalid(&self, message: impl Into<String>) -> MappingError {
        MappingError::Invalid {
            path: self.path.clone(),
            message: message.into(),
        }
    }

    fn check(&self) -> Result<(), MappingError> {
        let is_word = |s: &str| {
            !s.is_empty()
                && s.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        };
        if !is_word(&self.source) {
            return Err(self.invalid(
                "`source` must be a short lower-case name such as \"police\" (a-z, 0-9, _)",
            ));
        }
        if !is_word(&self.event_type) {
            return Err(self.invalid(
                "`event_type` must be a lower-case name such as \"incident\" (a-z, 0-9, _)",
            ));
        }
        if self.files.is_empty() || self.files.iter().any(|f| f.trim().is_empty()) {
            return Err(self.invalid(
                "`files` must list at least one file name or pattern, e.g. [\"police*.csv\"]",
            ));
        }
        if let Some(f) = self.files.iter().find(|f| f.contains(['/', '\\'])) {
            return Err(self.invalid(format!(
                "`files` entry \"{f}\" must be a file name or pattern, not a path"
            )));
        }
        if self.date_formats.as_ref().is_some_and(Vec::is_empty) {
            return Err(self.invalid("`date_formats` must list at least one format"));
        }
        if self.identity.roles().iter().all(|(_, c)| c.is_none()) {
            return Err(
                self.invalid("[identity] maps no columns; map at least a name or an identifier")
            );
        }
        let fields = self
            .identity
            .roles()
            .into_iter()
            .map(|(n, c)| (format!("identity.{n}"), n, c))
            .chain([
                (
                    "fact.event_date".to_string(),
                    "event_date",
                    self.fact.event_date.as_ref(),
                ),
                (
                    "fact.end_date".to_string(),
                    "end_date",
                    self.fact.end_date.as_ref(),
                ),
            ]);
        for (key, role, spec) in fields {
            let Some(spec) = spec else { continue };
            if spec.columns.is_empty() || spec.columns.iter().any(|c| c.trim().is_empty()) {
                return Err(self.invalid(format!("`{key}` names an empty column")));
            }
            if spec.columns.len() > 1 && role != "address" {
                return Err(self.invalid(format!(
                    "`{key}` names {} columns; only `identity.address` may join several",
                    spec.columns.len()
                )));
            }
            let is_date = matches!(role, "date_of_birth" | "event_date" | "end_date");
            if spec.formats.is_some() && !is_date {
                return Err(self.invalid(format!(
                    "`{key}` has `formats`, but only date fields take date formats"
                )));
            }
            if spec.formats.as_ref().is_some_and(Vec::is_empty) {
                return Err(self.invalid(format!("`{key}.formats` must list at least one format")));
            }
            if spec.pattern.is_some() && role != "full_name" {
                return Err(self.invalid(format!(
                    "`{key}` has `pattern`, but only `identity.full_name` takes a name pattern"
                )));
            }
        }
        for (name, a) in &self.attributes {
            if !is_word(name) {
                return Err(self.invalid(format!(
                    "attribute name \"{name}\" must be lower-case (a-z, 0-9, _)"
                )));
            }
            if a.column.trim().is_empty() {
                return Err(self.invalid(format!("`attributes.{name}.column` is empty")));
            }
            if a.allowed.is_some() && a.ty != AttrType::Text {
                return Err(self.invalid(format!(
                    "`attributes.{name}` has `allowed`, but only text attributes take a list of allowed values"
                )));
            }
            if a.allowed.as_ref().is_some_and(Vec::is_empty) {
                return Err(self.invalid(format!(
                    "`attributes.{name}.allowed` is empty; list the allowed values or remove it"
                )));
            }
            if a.formats.is_some() && a.ty != AttrType::Date {
                return Err(self.invalid(format!(
                    "`attributes.{name}` has `formats`, but only date attributes take date formats"
                )));
            }
            if a.formats.as_ref().is_some_and(Vec::is_empty) {
                return Err(self.invalid(format!(
                    "`attributes.{name}.formats` must list at least one format"
                )));
            }
        }
        Ok(())
    }

    /// The mapping file this was loaded from.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The source's name, e.g. `police`.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// The event type of every fact from this source, e.g. `incident`.
    pub fn event_type(&self) -> &str {
        &self.event_type
    }

    /// The file names or patterns (`*`, `?`) this mapping applies to.
    pub fn files(&self) -> &[String] {
        &self.files
    }

    /// The declared encoding of the source's text files.
    pub fn encoding(&self) -> Encoding {
        self.encoding
    }

    /// The worksheet to read in a workbook; `None` reads the first sheet.
    pub fn sheet(&self) -> Option<&str> {
        self.sheet.as_deref()
    }

    /// The names of the fact's attributes, sorted.
    pub fn attribute_names(&self) -> Vec<&str> {
        self.attributes.keys().map(String::as_str).collect()
    }

    /// True if this mapping applies to a file with this name (not path), case-insensitively.
    pub fn applies_to(&self, file_name: &str) -> bool {
        self.files.iter().any(|p| glob_match(p, file_name))
    }

    /// Every column the mapping names, in mapping order, each once.
    pub fn columns(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        let specs = self
            .identity
            .roles()
            .into_iter()
            .filter_map(|(_, c)| c)
            .chain(self.fact.event_date.as_ref())
            .chain(self.fact.end_date.as_ref());
        for spec in specs {
            for c in &spec.columns {
                if !out.contains(&c.as_str()) {
                    out.push(c);
                }
            }
        }
        for a in self.attributes.values() {
            if !out.contains(&a.column.as_str()) {
                out.push(&a.column);
            }
        }
        out
    }

    /// Checks that every column the mapping names is in `header` (compared trimmed and
    /// case-insensitively) exactly once.
    pub fn check_header<S: AsRef<str>>(&self, header: &[S]) -> Result<(), MappingError> {
        self.header_index(header).map(|_| ())
    }

    /// For each column the mapping names, its position in `header`.
    pub(crate) fn header_index<S: AsRef<str>>(
        &self,
        header: &[S],
    ) -> Result<BTreeMap<String, usize>, MappingError> {
        let norm: Vec<String> = header
            .iter()
            .map(|h| normalise_header(h.as_ref()))
            .collect();
        let mut index = BTreeMap::new();
        let mut missing = Vec::new();
        for col in self.columns() {
            let key = normalise_header(col);
            let mut hits = norm.iter().enumerate().filter(|(_, h)| **h == key);
            match (hits.next(), hits.next()) {
                (Some((i, _)), None) => {
                    index.insert(col.to_string(), i);
                }
                (Some(_), Some(_)) => {
                    return Err(MappingError::DuplicateColumn {
                        mapping: self.path.clone(),
                        column: col.to_string(),
                    })
                }
                (None, _) => missing.push(col.to_string()),
            }
        }
        if missing.is_empty() {
            Ok(index)
        } else {
            Err(MappingError::MissingColumns {
                mapping: self.path.clone(),
                missing,
                found: header
                    .iter()
                    .map(|h| h.as_ref().trim().trim_start_matches('\u{feff}').to_string())
                    .filter(|h| !h.is_empty())
                    .collect(),
            })
        }
    }

    /// Loads every `*.toml` mapping in `dir` (sorted by file name).
    pub fn load_dir(dir: impl AsRef<Path>) -> Result<Vec<Mapping>, MappingError> {
        let dir = dir.as_ref();
        let io = |source| MappingError::Io {
            path: dir.to_path_buf(),
            source,
        };
        let mut paths = Vec::new();
        for entry in std::fs::read_dir(dir).map_err(io)? {
            let p = entry.map_err(io)?.path();
            if p.extension().is_some_and(|e| e == "toml") && p.is_file() {
                paths.push(p);
            }
        }
        paths.sort();
        paths.iter().map(Mapping::load).collect()
    }

    /// Finds the one mapping in `dir` whose `files` patterns match `file`'s name.
    pub fn find_for(
        dir: impl AsRef<Path>,
        file: impl AsRef<Path>,
    ) -> Result<Mapping, MappingError> {
        let dir = dir.as_ref();
        let file_name = file
            .as_ref()
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let all = Mapping::load_dir(dir)?;
        let (mut hits, rest): (Vec<Mapping>, Vec<Mapping>) =
            all.into_iter().partition(|m| m.applies_to(&file_name));
        match hits.len() {
            1 => Ok(hits.remove(0)),
            0 => Err(MappingError::NoMapping {
                dir: dir.to_path_buf(),
                file_name,
                known: rest
                    .iter()
                    .map(|m| format!("{} ({})", m.source, m.files.join(", ")))
                    .collect(),
            }),
            _ => Err(MappingError::Ambiguous {
                file_name,
                paths: hits.into_iter().map(|m| m.path).collect(),
            }),
        }
    }
}

/// Header names compare trimmed, without a stray byte-order mark, case-insensitively.
pub(crate) fn normalise_header(h: &str) -> String {
    h.trim()
        .trim_start_matches('\u{feff}')
        .trim()
        .to_lowercase()
}

/// Matches a file name against a pattern with `*` (any run) and `?` (one character),
/// case-insensitively.
pub(crate) fn glob_match(pattern: &str, name: &str) -> bool {
    let p: Vec<char> = pattern.to_lowercase().chars().collect();
    let n: Vec<char> = name.to_lowercase().chars().collect();
    let (mut pi, mut ni) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ni < n.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == n[ni]) {
            pi += 1;
            ni += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some((pi, ni));
            pi += 1;
        } else if let Some((sp, sn)) = star {
            pi = sp + 1;
            ni = sn + 1;
            star = Some((sp, sn + 1));
        } else {
            return false;
        }
    }
    while pi < p.len() && p[pi] == '*' {
        pi += 1;
    }
    pi == p.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"
source = "police"
files = ["police*.csv"]
event_type = "incident"
[identity]
family_name = "Surname"
date_of_birth = { column = "DOB", formats = ["dd/mm/yyyy"] }
address = ["Address 1", "Address 2"]
[fact]
event_date = "Occurrence Date"
[attributes.incident_category]
column = "Incident Category"
type = "text"
required = true
allowed = ["Crime", "ASB"]
"#;

    fn err(text: &str) -> String {
        Mapping::parse(text, "m.toml").unwrap_err().to_string()
    }

    #[test]
    fn good_mapping_loads() {
        let m = Mapping::parse(GOOD, "m.toml").unwrap();
        assert_eq!(m.source(), "police");
        assert_eq!(
            m.columns(),
            [
                "Surname",
                "DOB",
                "Address 1",
                "Address 2",
                "Occurrence Date",
                "Incident Category"
            ]
        );
        assert!(m.applies_to("Police_2024.CSV"));
        assert!(!m.applies_to("schools.csv"));
    }

    #[test]
    fn unknown_keys_are_errors() {
        let e = err(&GOOD.replace("event_type", "evnt_type"));
        assert!(e.contains("m.toml") && e.contains("evnt_type"), "{e}");
        let e = err(&GOOD.replace("required = true", "requird = true"));
        assert!(e.contains("requird"), "{e}");
        let e = err(&GOOD.replace("formats = [\"dd/mm/yyyy\"]", "format = [\"dd/mm/yyyy\"]"));
        assert!(e.contains("format"), "{e}");
        let e = err(&GOOD.replace("\"dd/mm/yyyy\"]", "\"mm/dd/yyyy\"]"));
        assert!(e.contains("mm/dd/yyyy"), "{e}");
        let e = err(&GOOD.replace("type = \"text\"", "type = \"string\""));
        assert!(e.contains("string"), "{e}");
    }

    #[test]
    fn rule_breaks_are_errors() {
        let e = err(&GOOD.replace("family_name = \"Surname\"", "family_name = [\"A\", \"B\"]"));
        assert!(
            e.contains("only `identity.address` may join several"),
            "{e}"
        );
        let e = err(&GOOD.replace("type = \"text\"", "type = \"number\""));
        assert!(e.contains("only text attributes"), "{e}");
        let e = err(&GOOD.replace("\"police\"", "\"Police Force\""));
        assert!(e.contains("`source`"), "{e}");
        let e = err(&GOOD.replace(
            "family_name = \"Surname\"",
            "family_name = { column = \"Surname\", pattern = \"Forename Surname\" }",
        ));
        assert!(
            e.contains("only `identity.full_name` takes a name pattern"),
            "{e}"
        );
        let e = err(&GOOD.replace(
            "family_name = \"Surname\"",
            "full_name = { column = \"Name\", pattern = \"Surname First\" }",
        ));
        assert!(e.contains("unknown name pattern"), "{e}");
    }

    #[test]
    fn header_check_names_mapping_and_columns() {
        let m = Mapping::parse(GOOD, "mappings/police.toml").unwrap();
        let header = [
            "Surname",
            "dob ",
            "Address 1",
            "Address 2",
            "Occurrence Date",
            "Incident Category",
        ];
        m.check_header(&header).unwrap();
        let e = m
            .check_header(&[
                "Surname",
                "Date of Birth",
                "Address 1",
                "Address 2",
                "Occurrence Date",
                "Incident Category",
            ])
            .unwrap_err()
            .to_string();
        assert_eq!(
            e,
            "mapping mappings/police.toml names column(s) \"DOB\" that the file's header does not have; \
             the header has: \"Surname\", \"Date of Birth\", \"Address 1\", \"Address 2\", \
             \"Occurrence Date\", \"Incident Category\""
        );
        let e = m
            .check_header(&[
                "Surname",
                "DOB",
                "DOB",
                "Address 1",
                "Address 2",
                "Occurrence Date",
                "Incident Category",
            ])
            .unwrap_err();
        assert!(matches!(e, MappingError::DuplicateColumn { .. }));
    }

    #[test]
    fn globs() {
        assert!(glob_match("police*.csv", "police.csv"));
        assert!(glob_match("police*.csv", "police_2024_q1.csv"));
        assert!(glob_match("*.xlsx", "Social Care.XLSX"));
        assert!(glob_match("file?.csv", "file1.csv"));
        assert!(!glob_match("file?.csv", "file10.csv"));
        assert!(!glob_match("police.csv", "police.csv.bak"));
        assert!(glob_match("*a*b*", "xxaxxbxx"));
    }
}
