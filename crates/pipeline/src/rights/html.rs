//! The subject access document as one printable HTML page: plain English headings, one table
//! per kind of data, each source's agreement and lawful basis, print styles (no navigation,
//! tables that break across pages with their headings repeated). No script, no external file.

use super::SubjectAccessDocument;
use std::fmt::Write;

/// HTML-escapes text for an element or a quoted attribute.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = "body{font-family:Arial,sans-serif;color:#0b0c0c;margin:2rem;line-height:1.4}\
h1{font-size:2rem}h2{font-size:1.4rem;margin-top:2rem;border-top:1px solid #b1b4b6;padding-top:1rem}\
table{border-collapse:collapse;width:100%;font-size:.9rem}th,td{border-bottom:1px solid #b1b4b6;\
text-align:left;padding:.3rem .5rem;vertical-align:top}caption{text-align:left;font-weight:bold}\
.none{color:#505a5f}.overdue{font-weight:bold;color:#d4351c}\
@media print{body{margin:0;font-size:10pt}h2{break-after:avoid}thead{display:table-header-group}\
tr{break-inside:avoid}a{color:inherit;text-decoration:none}}";

/// The whole document as a standalone, printable HTML page.
pub fn render_html(doc: &SubjectAccessDocument) -> String {
    let held = &doc.held;
    let mut h = String::new();
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <title>Subject access: person {p}</title><style>{STYLE}</style></head><body>\
         <main><h1>Everything Hearth holds on person {p}</h1>\
         <p>Made on {date} by {by}. Partner records: {r}. Families: {f}.{restricted}</p>\
         <p>Before sending, check every section for other people's data (other family members, \
         people named in referrals, staff) and redact it where the law requires.</p>",
        p = held.person_id,
        date = doc.made_at.format("%d %B %Y at %H:%M UTC"),
        by = escape(&doc.made_by),
        r = held.records.len(),
        f = held.families.len(),
        restricted = if held.restricted {
            " Processing of this person's data is restricted."
        } else {
            ""
        },
    );
    h.push_str("<h2 id=\"sources\">Where the data came from, and the lawful basis</h2>");
    if doc.sources.is_empty() {
        h.push_str("<p class=\"none\">No partner records.</p>");
    }
    for s in &doc.sources {
        let _ = write!(
            h,
            "<h3>{}</h3>",
            escape(s.name.as_deref().unwrap_or(&s.source))
        );
        match &s.sharing {
            None => h.push_str(
                "<p class=\"none\">The source's mapping names no data sharing agreement.</p>",
            ),
            Some(a) => {
                let _ = write!(
                    h,
                    "<dl><dt>Data sharing agreement</dt><dd>{}",
                    escape(&a.agreement)
                );
                if let Some(r) = &a.reference {
                    let _ = write!(h, " (reference {})", escape(r));
                }
                if a.example {
                    h.push_str(" — an example shipped with Hearth, not yet checked by the council");
                }
                h.push_str("</dd>");
                if let Some(d) = a.review_on {
                    let _ = write!(
                        h,
                        "<dt>Next review</dt><dd{}>{}{}</dd>",
                        if s.review_overdue {
                            " class=\"overdue\""
                        } else {
                            ""
                        },
                        d.format("%d %B %Y"),
                        if s.review_overdue { " (overdue)" } else { "" }
                    );
                }
                h.push_str("<dt>Lawful basis</dt><dd><ul>");
                for b in &a.lawful_basis {
                    let _ = write!(h, "<li>{}</li>", escape(b));
                }
                h.push_str("</ul></dd></dl>");
            }
        }
    }
    for s in &held.sections {
        let _ = write!(
            h,
            "<h2 id=\"{}\">{}</h2>",
            escape(&s.table),
            escape(&s.title)
        );
        if s.rows.is_empty() {
            h.push_str("<p class=\"none\">Nothing held.</p>");
            continue;
        }
        let _ = write!(
            h,
            "<table><caption>{} ({} {})</caption><thead><tr>",
            escape(&s.title),
            s.rows.len(),
            if s.rows.len() == 1 { "row" } else { "rows" }
        );
        for c in &s.columns {
            let _ = write!(h, "<th scope=\"col\">{}</th>", escape(&c.replace('_', " ")));
        }
        h.push_str("</tr></thead><tbody>");
        for row in &s.rows {
            h.push_str("<tr>");
            for v in row {
                let _ = write!(h, "<td>{}</td>", escape(v.as_deref().unwrap_or("")));
            }
            h.push_str("</tr>");
        }
        h.push_str("</tbody></table>");
    }
    h.push_str("</main></body></html>\n");
    h
}
