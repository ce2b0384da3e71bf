//! A text file's bytes to text: UTF-8 (with or without a byte-order mark) or Windows-1252,
//! as the mapping's `encoding` says, except where the bytes themselves say otherwise (a
//! UTF-16 file is refused; a UTF-8 file under a `windows-1252` mapping is read as UTF-8,
//! with a note for the import summary).
//!
//! It does not split the text into rows (see `read`).

use crate::error::IntakeError;
use crate::mapping::{Encoding, Mapping};
use std::borrow::Cow;
use std::path::Path;

/// A text file decoded, with a note for the import summary when it was not read as the
/// mapping says.
pub(crate) struct Decoded<'a> {
    pub text: Cow<'a, str>,
    /// Why the file was read otherwise than the mapping says (no cell values).
    pub note: Option<String>,
}

/// Decodes a text file as the mapping says. A UTF-8 byte-order mark always means UTF-8 and
/// is removed. Under `windows-1252`, bytes that are valid UTF-8 and not plain ASCII are
/// UTF-8 (a Windows-1252 file with `£` or an accented letter is essentially never valid
/// UTF-8), so they are read as UTF-8 and the note says so.
pub(crate) fn decode<'a>(
    path: &Path,
    bytes: &'a [u8],
    mapping: &Mapping,
) -> Result<Decoded<'a>, IntakeError> {
    let plain = |text| Decoded { text, note: None };
    if is_utf16(bytes) {
        return Err(IntakeError::Utf16 {
            path: path.to_path_buf(),
        });
    }
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return utf8(path, rest, mapping).map(plain);
    }
    let windows_1252 = || {
        encoding_rs::WINDOWS_1252
            .decode_without_bom_handling(bytes)
            .0
    };
    match mapping.encoding {
        Encoding::Utf8 => utf8(path, bytes, mapping).map(plain),
        Encoding::Windows1252 => match std::str::from_utf8(bytes) {
            Ok(s) if !s.is_ascii() => Ok(Decoded {
                text: Cow::Borrowed(s),
                note: Some(format!(
                    "The mapping ({}) says encoding = \"windows-1252\" but the file is UTF-8; \
                     read as UTF-8. Set encoding = \"auto\" in the mapping to read either.",
                    mapping_name(mapping)
                )),
            }),
            _ => Ok(plain(windows_1252())),
        },
        Encoding::Auto => match std::str::from_utf8(bytes) {
            Ok(s) => Ok(plain(Cow::Borrowed(s))),
            Err(_) => Ok(plain(windows_1252())),
        },
    }
}

/// The mapping file's name, without its directory.
fn mapping_name(mapping: &Mapping) -> String {
    mapping.path.file_name().map_or_else(
        || mapping.path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    )
}

/// A UTF-16 byte-order mark, or text whose every other byte is NUL (UTF-16 without a mark:
/// Latin letters take two bytes, one of them 0).
fn is_utf16(bytes: &[u8]) -> bool {
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        return true;
    }
    let sample = &bytes[..bytes.len().min(1024) & !1];
    let pairs = sample.len() / 2;
    if pairs < 2 {
        return false;
    }
    let nul_at = |parity: usize| {
        sample
            .iter()
            .skip(parity)
            .step_by(2)
            .filter(|&&b| b == 0)
            .count()
    };
    // Nearly every character of a header and of partner data is in the first 256 code points.
    nul_at(0).max(nul_at(1)) * 10 >= pairs * 9
}

fn utf8<'a>(path: &Path, bytes: &'a [u8], mapping: &Mapping) -> Result<Cow<'a, str>, IntakeError> {
    std::str::from_utf8(bytes).map(Cow::Borrowed).map_err(|e| {
        let line = bytes[..e.valid_up_to()]
            .iter()
            .filter(|&&b| b == b'\n')
            .count() as u64
            + 1;
        IntakeError::NotUtf8 {
            path: path.to_path_buf(),
            line,
            mapping: mapping.path.clone(),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mapping(encoding: &str) -> Mapping {
        Mapping::parse(
            &format!(
                "source = \"housing\"\nfiles = [\"h*.csv\"]\nencoding = \"{encoding}\"\n\
                 event_type = \"housing_account\"\n[identity]\nfull_name = \"Name\"\n"
            ),
            "mappings/housing.toml",
        )
        .unwrap()
    }

    #[test]
    fn utf8_under_a_windows_1252_mapping_is_read_as_utf8_with_a_note() {
        let m = mapping("windows-1252");
        let bytes = "Name,Arrears\nZoë Brontë,£900.00\n".as_bytes();
        let d = decode(Path::new("h.csv"), bytes, &m).unwrap();
        assert_eq!(d.text, "Name,Arrears\nZoë Brontë,£900.00\n");
        let note = d.note.unwrap();
        assert!(
            note.contains("housing.toml) says encoding = \"windows-1252\" but the file is UTF-8; read as UTF-8"),
            "{note}"
        );
    }

    #[test]
    fn windows_1252_bytes_stay_windows_1252_and_ascii_needs_no_note() {
        let m = mapping("windows-1252");
        let d = decode(Path::new("h.csv"), b"Name,Arrears\nZo\xEB,\xA3900\n", &m).unwrap();
        assert_eq!(d.text, "Name,Arrears\nZoë,£900\n");
        assert!(d.note.is_none());
        let d = decode(Path::new("h.csv"), b"Name\nAmy\n", &m).unwrap();
        assert_eq!(d.text, "Name\nAmy\n");
        assert!(d.note.is_none());
    }

    #[test]
    fn auto_and_utf8_mappings_need_no_note() {
        for enc in ["auto", "utf-8"] {
            let d = decode(Path::new("h.csv"), "Name\nZoë\n".as_bytes(), &mapping(enc)).unwrap();
            assert_eq!(d.text, "Name\nZoë\n");
            assert!(d.note.is_none());
        }
    }
}
