//! The rules of MAPPINGS.md that TOML's shape cannot express: names are lower-case words,
//! `files` are patterns not paths, only `address` joins columns, only date fields take
//! formats, only `full_name` takes a pattern, and so on.
//!
//! It checks the mapping alone; a partner file's header is checked by `Mapping::check_header`.

use super::error::MappingError;
use super::raw::{AttrType, AttributeMapping, RawMapping};
use crate::values;
use chrono::NaiveDate;
use std::collections::BTreeMap;
use std::path::Path;

/// The separator byte a mapping's `delimiter` names, if it is one Hearth reads.
pub(crate) fn delimiter_byte(d: &str) -> Option<u8> {
    match d {
        "," => Some(b','),
        ";" => Some(b';'),
        "\t" => Some(b'\t'),
        "|" => Some(b'|'),
        _ => None,
    }
}

/// The decimal mark a mapping's `decimal` names, if it is one Hearth reads.
pub(crate) fn decimal_mark(d: &str) -> Option<values::Decimal> {
    match d {
        "." => Some(values::Decimal::Point),
        "," => Some(values::Decimal::Comma),
        _ => None,
    }
}

fn invalid(path: &Path, message: impl Into<String>) -> MappingError {
    MappingError::Invalid {
        path: path.to_path_buf(),
        message: message.into(),
    }
}

/// Checks the rules in MAPPINGS.md that TOML cannot express; `path` names the mapping file
/// in the error.
pub(crate) fn check(m: &RawMapping, path: &Path) -> Result<(), MappingError> {
    let is_word = |s: &str| {
        !s.is_empty()
            && s.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
    };
    if !is_word(&m.source) {
        return Err(invalid(
            path,
            "`source` must be a short lower-case name such as \"police\" (a-z, 0-9, _)",
        ));
    }
    if !is_word(&m.event_type) {
        return Err(invalid(
            path,
            "`event_type` must be a lower-case name such as \"incident\" (a-z, 0-9, _)",
        ));
    }
    if m.files.is_empty() || m.files.iter().any(|f| f.trim().is_empty()) {
        return Err(invalid(
            path,
            "`files` must list at least one file name or pattern, e.g. [\"police*.csv\"]",
        ));
    }
    if let Some(f) = m.files.iter().find(|f| f.contains(['/', '\\'])) {
        return Err(invalid(
            path,
            format!("`files` entry \"{f}\" must be a file name or pattern, not a path"),
        ));
    }
    if m.delimiter
        .as_deref()
        .is_some_and(|d| delimiter_byte(d).is_none())
    {
        return Err(invalid(
            path,
            "`delimiter` must be \",\" (comma, the default), \";\" (semicolon), \"\\t\" (tab) or \
             \"|\" (pipe): the character between the values of a row",
        ));
    }
    if m.decimal
        .as_deref()
        .is_some_and(|d| decimal_mark(d).is_none())
    {
        return Err(invalid(
            path,
            "`decimal` must be \".\" (3.5, 1,234.5) or \",\" (3,5, 1.234,5): the decimal mark \
             of the file's numbers",
        ));
    }
    if m.header_row == Some(0) {
        return Err(invalid(
            path,
            "`header_row` counts from 1, as a spreadsheet does: the file's first row is \
             header_row = 1",
        ));
    }
    if m.sheet.as_deref().is_some_and(|s| s.trim().is_empty()) {
        return Err(invalid(
            path,
            "`sheet` is empty; name the worksheet to read or remove it",
        ));
    }
    if m.date_formats.as_ref().is_some_and(Vec::is_empty) {
        return Err(invalid(
            path,
            "`date_formats` must list at least one format",
        ));
    }
    if m.two_digit_year_pivot.is_some_and(|p| p > 100) {
        return Err(invalid(
            path,
            "`two_digit_year_pivot` must be between 0 and 100 (two-digit years below it are \
             20xx, from it 19xx)",
        ));
    }
    if m.identity.roles().iter().all(|(_, c)| c.is_none()) {
        return Err(invalid(
            path,
            "[identity] maps no columns; map at least a name or an identifier",
        ));
    }
    let fields = m
        .identity
        .roles()
        .into_iter()
        .map(|(n, c)| (format!("identity.{n}"), n, c))
        .chain([
            (
                "fact.event_date".to_string(),
                "event_date",
                m.fact.event_date.as_ref(),
            ),
            (
                "fact.end_date".to_string(),
                "end_date",
                m.fact.end_date.as_ref(),
            ),
        ]);
    for (key, role, spec) in fields {
        let Some(spec) = spec else { continue };
        if let Some(v) = &spec.value {
            if !matches!(role, "event_date" | "end_date") {
                return Err(invalid(
                    path,
                    format!("`{key}` has `value`, but only `fact.event_date` and `fact.end_date` take a fixed value"),
                ));
            }
            if NaiveDate::parse_from_str(v.trim(), "%Y-%m-%d").is_err() {
                return Err(invalid(
                    path,
                    format!("`{key}.value` \"{v}\" is not a date written yyyy-mm-dd, e.g. \"2024-03-31\""),
                ));
            }
            continue;
        }
        if spec.columns.is_empty() || spec.columns.iter().any(|c| c.trim().is_empty()) {
            return Err(invalid(path, format!("`{key}` names an empty column")));
        }
        if spec.columns.len() > 1 && role != "address" {
            return Err(invalid(
                path,
                format!(
                    "`{key}` names {} columns; only `identity.address` may join several",
                    spec.columns.len()
                ),
            ));
        }
        let is_date = matches!(role, "date_of_birth" | "event_date" | "end_date");
        if spec.formats.is_some() && !is_date {
            return Err(invalid(
                path,
                format!("`{key}` has `formats`, but only date fields take date formats"),
            ));
        }
        if spec.formats.as_ref().is_some_and(Vec::is_empty) {
            return Err(invalid(
                path,
                format!("`{key}.formats` must list at least one format"),
            ));
        }
        if spec.translate.is_some() && role != "sex" {
            return Err(invalid(
                path,
                format!("`{key}` has `translate`, but in [identity] only `sex` takes a translation table"),
            ));
        }
        if spec.untranslated.is_some() && spec.translate.is_none() {
            return Err(invalid(
                path,
                format!("`{key}` has `untranslated` but no `translate` table"),
            ));
        }
        if let Some(t) = &spec.translate {
            check_table(path, &key, t)?;
        }
        if spec.pattern.is_some() && role != "full_name" {
            return Err(invalid(
                path,
                format!(
                    "`{key}` has `pattern`, but only `identity.full_name` takes a name pattern"
                ),
            ));
        }
    }
    for (name, a) in &m.attributes {
        if !is_word(name) {
            return Err(invalid(
                path,
                format!("attribute name \"{name}\" must be lower-case (a-z, 0-9, _)"),
            ));
        }
        match (&a.column, &a.value) {
            (Some(c), None) if c.trim().is_empty() => {
                return Err(invalid(
                    path,
                    format!("`attributes.{name}.column` is empty"),
                ))
            }
            (Some(_), None) => {}
            (None, Some(_)) => check_fixed_value(path, name, a)?,
            (Some(_), Some(_)) => {
                return Err(invalid(
                    path,
                    format!("`attributes.{name}` has `column` and `value`; give one: the partner's column, or the same value for every row"),
                ))
            }
            (None, None) => {
                return Err(invalid(
                    path,
                    format!("`attributes.{name}` needs `column` (the partner's column) or `value` (the same value for every row)"),
                ))
            }
        }
        if let Some(t) = &a.translate {
            check_table(path, &format!("attributes.{name}"), t)?;
            if let Some(allowed) = &a.allowed {
                let is_allowed = |v: &str| {
                    allowed
                        .iter()
                        .any(|x| x.trim().eq_ignore_ascii_case(v.trim()))
                };
                if let Some((code, v)) = t.iter().find(|(_, v)| !is_allowed(v)) {
                    return Err(invalid(
                        path,
                        format!("`attributes.{name}.translate` turns \"{code}\" into \"{v}\", which is not in its `allowed` list"),
                    ));
                }
            }
        }
        check_derived(path, name, a, &m.attributes)?;
        if a.allowed.is_some() && a.ty != AttrType::Text {
            return Err(invalid(path, format!(
                "`attributes.{name}` has `allowed`, but only text attributes take a list of allowed values"
            )));
        }
        if a.allowed.as_ref().is_some_and(Vec::is_empty) {
            return Err(invalid(
                path,
                format!(
                    "`attributes.{name}.allowed` is empty; list the allowed values or remove it"
                ),
            ));
        }
        if a.formats.is_some() && a.ty != AttrType::Date {
            return Err(invalid(
                path,
                format!(
                    "`attributes.{name}` has `formats`, but only date attributes take date formats"
                ),
            ));
        }
        if a.formats.as_ref().is_some_and(Vec::is_empty) {
            return Err(invalid(
                path,
                format!("`attributes.{name}.formats` must list at least one format"),
            ));
        }
    }
    Ok(())
}

/// A translation table: at least one code, no empty code or value, no code twice (codes
/// compare trimmed and case-insensitively).
fn check_table(
    path: &Path,
    key: &str,
    table: &BTreeMap<String, String>,
) -> Result<(), MappingError> {
    if table.is_empty() {
        return Err(invalid(
            path,
            format!("`{key}.translate` is empty; list the partner's codes and Hearth's values, e.g. {{ \"DA\" = \"Domestic Abuse\" }}"),
        ));
    }
    let mut seen = std::collections::BTreeSet::new();
    for (code, value) in table {
        if code.trim().is_empty() || value.trim().is_empty() {
            return Err(invalid(
                path,
                format!("`{key}.translate` has an empty code or value"),
            ));
        }
        if !seen.insert(code.trim().to_lowercase()) {
            return Err(invalid(
                path,
                format!("`{key}.translate` lists the code \"{code}\" twice (codes are compared without case)"),
            ));
        }
    }
    Ok(())
}

/// A fixed attribute value has the attribute's type (and is allowed, for text).
fn check_fixed_value(path: &Path, name: &str, a: &AttributeMapping) -> Result<(), MappingError> {
    let text = a.value_text().unwrap_or_default();
    let ok = match a.ty {
        AttrType::Number => values::parse_number(&text).is_some(),
        AttrType::Money => values::parse_money(&text).is_some(),
        AttrType::Bool => values::parse_bool(&text).is_some(),
        AttrType::Date => NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").is_ok(),
        AttrType::Text => {
            !text.trim().is_empty()
                && a.allowed.as_ref().is_none_or(|al| {
                    al.iter()
                        .any(|x| x.trim().eq_ignore_ascii_case(text.trim()))
                })
        }
    };
    if !ok {
        return Err(invalid(
            path,
            format!(
                "`attributes.{name}.value` \"{text}\" is not a {} value{}",
                match a.ty {
                    AttrType::Text => "text",
                    AttrType::Number => "number",
                    AttrType::Money => "money",
                    AttrType::Bool => "yes/no",
                    AttrType::Date => "date (yyyy-mm-dd)",
                },
                if a.allowed.is_some() {
                    " in its `allowed` list"
                } else {
                    ""
                }
            ),
        ));
    }
    if a.translate.is_some() || a.derived_from().is_some() {
        return Err(invalid(
            path,
            format!("`attributes.{name}` has a fixed `value`, so it takes no `translate`, `percent_of` or `subtract_from`"),
        ));
    }
    Ok(())
}

/// A derived attribute (`percent_of`, `subtract_from`) is a number worked out from another
/// number attribute that is not itself derived.
fn check_derived(
    path: &Path,
    name: &str,
    a: &AttributeMapping,
    all: &BTreeMap<String, AttributeMapping>,
) -> Result<(), MappingError> {
    if a.percent_complement && a.percent_of.is_none() {
        return Err(invalid(
            path,
            format!("`attributes.{name}` has `percent_complement` but no `percent_of`"),
        ));
    }
    let base = match (&a.percent_of, &a.subtract_from) {
        (None, None) => return Ok(()),
        (Some(_), Some(_)) => {
            return Err(invalid(
                path,
                format!("`attributes.{name}` has `percent_of` and `subtract_from`; give one"),
            ))
        }
        (Some(b), None) | (None, Some(b)) => b,
    };
    if a.ty != AttrType::Number {
        return Err(invalid(
            path,
            format!(
                "`attributes.{name}` is worked out from `{base}`, so its `type` must be \"number\""
            ),
        ));
    }
    match all.get(base) {
        Some(b) if base != name && b.ty == AttrType::Number && b.derived_from().is_none() => Ok(()),
        Some(_) => Err(invalid(
            path,
            format!("`attributes.{name}` is worked out from `{base}`, which must be another number attribute read from a column or a `value`"),
        )),
        None => Err(invalid(
            path,
            format!(
                "`attributes.{name}` is worked out from `{base}`, but the mapping has no attribute `{base}`; the attributes are: {}",
                all.keys().map(String::as_str).collect::<Vec<_>>().join(", ")
            ),
        )),
    }
}
