//! The subject access document as one printable HTML page: plain English headings, one table
//! per kind of data, each source's agreement and lawful basis, print styles (no navigation,
//! tables that break across pages with their headings repeated, a fixed layout whose cells
//! wrap so that no column is cut off on A4). No script, no external file; every style is
//! scoped to the pack's container (`.sar-pack`).

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

/// The pack's styles, all under `.sar-pack` (the page's container). Tables have a fixed
/// layout and wrap any long value, so that printed on A4 no column is cut off.
const STYLE: &str = "body{font-family:Arial,sans-serif;color:#0b0c0c;margin:2rem;line-height:1.4}\
.sar-pack h1{font-size:2rem}.sar-pack h2{font-size:1.4rem;margin-top:2rem;border-top:1px solid #b1b4b6;\
padding-top:1rem}.sar-pack table{border-collapse:collapse;width:100%;font-size:.9rem;table-layout:fixed}\
.sar-pack th,.sar-pack td{border-bottom:1px solid #b1b4b6;text-align:left;padding:.3rem .5rem;\
vertical-align:top;overflow-wrap:anywhere;word-break:break-word;hyphens:auto}\
.sar-pack caption{text-align:left;font-weight:bold}.sar-pack .none,.sar-pack .note{color:#505a5f}\
.sar-pack .overdue{font-weight:bold;color:#d4351c}\
@media print{@page{size:A4;margin:12mm}body{margin:0;font-size:10pt}\
.sar-pack table{font-size:8pt;max-width:100%}.sar-pack th,.sar-pack td{padding:.15rem .25rem}\
.sar-pack h2{break-after:avoid}.sar-pack thead{display:table-header-group}\
.sar-pack tr{break-inside:avoid}.sar-pack a{color:inherit;text-decoration:none}}";

/// The whole document as a standalone, printable HTML page.
pub fn render_html(doc: &SubjectAccessDocument) -> String {
    let held = &doc.held;
    let mut h = String::new();
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <title>Subject access: {p}</title><style>{STYLE}</style></head><body>\
         <main class=\"sar-pack\"><h1>Everything Hearth holds on {p}</h1>\
         <p>Made on {date} by {by}. Partner records: {r}. Families: {f}. Referrals: {n}.\
         {restricted}</p>\
         <p>Only this person's own data is included: other family members' details and facts, \
         and referrers' contact details, are left out. Before sending, still read the free \
         text (case notes, assessments, referrals' evidence) for other people's data and redact \
         it where the law requires.</p>",
        p = escape(&subject_name(doc)),
        n = held.referrals.len(),
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
        if let Some(note) = &s.note {
            let _ = write!(h, "<p class=\"note\">{}</p>", escape(note));
        }
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
            let _ = write!(h, "<th scope=\"col\">{}</th>", escape(c));
        }
        h.push_str("</tr></thead><tbody>");
        for row in &s.rows {
            h.push_str("<tr>");
            for v in row {
                let lines: Vec<String> = v.as_deref().unwrap_or("").lines().map(escape).collect();
                let _ = write!(h, "<td>{}</td>", lines.join("<br>"));
            }
            h.push_str("</tr>");
        }
        h.push_str("</tbody></table>");
    }
    h.push_str("</main></body></html>\n");
    h
}

/// Whom the document is about: "person 42", or the referrals naming someone not linked.
pub fn subject_name(doc: &SubjectAccessDocument) -> String {
    match doc.held.person_id {
        Some(p) => format!("person {p}"),
        None => {
            let ids: Vec<String> = doc.held.referrals.iter().map(i64::to_string).collect();
            format!(
                "the person named in referral{} {}",
                if ids.len() == 1 { "" } else { "s" },
                ids.join(", ")
            )
        }
    }
}
