//! A CSV text's records, each with the row number a spreadsheet shows for it, split on the
//! mapping's separator.
//!
//! It neither decodes bytes (see `decode`) nor checks rows (see `validate`).

/// A CSV reader over `text` with `delimiter`, reading every record whatever its width.
pub(crate) fn reader(text: &str, delimiter: u8) -> csv::Reader<&[u8]> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes())
}

/// The records of a CSV text in order, numbered as a spreadsheet shows them.
pub(crate) struct CsvRows<'t> {
    reader: csv::Reader<&'t [u8]>,
    text: &'t [u8],
    /// The record last read.
    pub record: csv::StringRecord,
    /// The spreadsheet row of `record` (0 before the first). A caller that accounts for a
    /// record's lines itself (a runaway quote) sets it to the record's last row.
    pub row_no: u64,
}

impl<'t> CsvRows<'t> {
    pub fn new(text: &'t str, delimiter: u8) -> CsvRows<'t> {
        CsvRows {
            reader: reader(text, delimiter),
            text: text.as_bytes(),
            record: csv::StringRecord::new(),
            row_no: 0,
        }
    }

    /// Reads the next record; false at the end of the text.
    pub fn next(&mut self) -> Result<bool, csv::Error> {
        if !self.reader.read_record(&mut self.record)? {
            return Ok(false);
        }
        self.row_no += 1 + self.blank_lines_before();
        Ok(true)
    }

    /// The byte range of the record last read in the text (with any blank lines before it).
    pub fn span(&self) -> (usize, usize) {
        let start = self.record.position().map_or(0, |p| p.byte()) as usize;
        (start, self.reader.position().byte() as usize)
    }

    /// The blank lines skipped before the record last read. A spreadsheet shows a blank line
    /// as a row, and a quoted cell with line breaks as part of one row. The CSV reader skips
    /// blank lines, and a record's position is the byte just after the previous record,
    /// before any blank lines it skipped: count those to number rows.
    fn blank_lines_before(&self) -> u64 {
        let text = self.text;
        let mut start = self.record.position().map_or(0, |p| p.byte()) as usize;
        // After a CRLF terminator the position can sit between the CR and the LF.
        if start > 0 && text.get(start - 1) == Some(&b'\r') && text.get(start) == Some(&b'\n') {
            start += 1;
        }
        text.get(start..)
            .unwrap_or_default()
            .iter()
            .take_while(|&&b| b == b'\n' || b == b'\r')
            .filter(|&&b| b == b'\n')
            .count() as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(text: &str, delimiter: u8) -> Vec<(u64, Vec<String>)> {
        let mut rows = CsvRows::new(text, delimiter);
        let mut out = Vec::new();
        while rows.next().unwrap() {
            out.push((
                rows.row_no,
                rows.record.iter().map(str::to_string).collect(),
            ));
        }
        out
    }

    #[test]
    fn rows_are_numbered_as_a_spreadsheet_shows_them() {
        let got = rows("Title\r\n\r\nA;B\r\n\"x\ny\";2\r\n\n1;2\n", b';');
        let nums: Vec<u64> = got.iter().map(|(n, _)| *n).collect();
        assert_eq!(nums, [1, 3, 4, 6]);
        assert_eq!(got[1].1, ["A", "B"]);
        assert_eq!(got[2].1, ["x\ny", "2"]);
        let got = rows("A\tB\n1\t2\n", b'\t');
        assert_eq!(got[1], (2, vec!["1".to_string(), "2".to_string()]));
    }
}
