//! The rules of MAPPINGS.md that TOML's shape cannot express: names are lower-case words,
//! `files` are patterns not paths, only `address` joins columns, only date fields take
//! formats, only `full_name` takes a pattern, and so on.
//!
//! It checks the mapping alone; a partner file's header is checked by `Mapping::check_header`.

use super::error::MappingError;
use super::raw::{AttrType, RawMapping};
use std::path::Path;

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
    if m.date_formats.as_ref().is_some_and(Vec::is_empty) {
        return Err(invalid(
            path,
            "`date_formats` must list at least one format",
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
        if a.column.trim().is_empty() {
            return Err(invalid(
                path,
                format!("`attributes.{name}.column` is empty"),
            ));
        }
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
