//! Every kind of mistake in a rules file, with the exact error (kind and message) the loader
//! gives, and which mistake is reported when a file has several (the first in file order).
//! The expected texts were taken from the loader before reading and validating were split.

use hearth_identification::Rules;

const HEAD: &str = r#"
profile = "p"
[eligibility]
min_problems = 1
[[problems]]
key = "a"
title = "A"
"#;

const GOOD: &str = r#"
[[indicators]]
key = "ok"
problem = "a"
source = "police"
event_type = "incident"
window = { kind = "months", months = 12 }
"#;

fn indicator(body: &str) -> String {
    format!("{HEAD}{GOOD}\n[[indicators]]\n{body}\n")
}

fn cases() -> Vec<(&'static str, String)> {
    let ind = |fields: &str| {
        indicator(&format!(
            "key = \"x\"\nproblem = \"a\"\nsource = \"police\"\nevent_type = \"incident\"\n{fields}"
        ))
    };
    vec![
        ("not toml", "profile = \n".to_string()),
        (
            "no profile",
            "[eligibility]\nmin_problems = 1\n[[problems]]\nkey = \"a\"\ntitle = \"A\"\n".into(),
        ),
        ("unknown top field", format!("colour = 1\n{HEAD}")),
        ("empty profile", HEAD.replace("\"p\"", "\" \"")),
        (
            "no problems",
            "profile = \"p\"\nproblems = []\n[eligibility]\nmin_problems = 1\n".into(),
        ),
        (
            "empty problem key",
            HEAD.replace("key = \"a\"", "key = \"\""),
        ),
        (
            "duplicate problem",
            format!("{HEAD}[[problems]]\nkey = \"a\"\ntitle = \"again\"\n"),
        ),
        (
            "min problems zero",
            HEAD.replace("min_problems = 1", "min_problems = 0"),
        ),
        (
            "min problems too many",
            HEAD.replace("min_problems = 1", "min_problems = 3"),
        ),
        (
            "cost per point zero",
            format!("{HEAD}[priority]\ncost_per_point = 0.0\n"),
        ),
        (
            "weight not finite",
            format!("{HEAD}[priority]\ncost_weight = inf\n"),
        ),
        (
            "price year without table",
            format!("{HEAD}[priority]\nprice_year = \"1999-00\"\n"),
        ),
        (
            "indicator missing field",
            indicator("key = \"x\"\nproblem = \"a\"\nevent_type = \"incident\""),
        ),
        (
            "indicator without key",
            indicator("problem = \"a\"\nsource = \"s\"\nevent_type = \"e\""),
        ),
        ("indicator unknown field", ind("colour = 1")),
        (
            "indicator wrong type",
            ind("min_age = \"ten\"\nwindow = { kind = \"months\", months = 1 }"),
        ),
        ("duplicate indicator", indicator(&GOOD.replace("[[indicators]]\n", ""))),
        (
            "unknown problem",
            indicator("key = \"x\"\nproblem = \"zz\"\nsource = \"s\"\nevent_type = \"e\""),
        ),
        (
            "empty source",
            indicator("key = \"x\"\nproblem = \"a\"\nsource = \" \"\nevent_type = \"e\""),
        ),
        ("bad condition", ind("condition = \"a ==\"")),
        (
            "ages reversed",
            ind("min_age = 10\nmax_age = 5\nwindow = { kind = \"months\", months = 1 }"),
        ),
        ("no window", ind("")),
        ("window without kind", ind("window = { months = 1 }")),
        ("window unknown kind", ind("window = { kind = \"weeks\" }")),
        ("window kind not text", ind("window = { kind = 3 }")),
        (
            "window bad field",
            ind("window = { kind = \"months\", months = \"x\" }"),
        ),
        (
            "window extra field",
            ind("window = { kind = \"open_on_as_at\", months = 1 }"),
        ),
        ("window zero months", ind("window = { kind = \"months\", months = 0 }")),
        (
            "window zero periods",
            ind("window = { kind = \"last_periods\", count = 0 }"),
        ),
        (
            "aggregate unknown kind",
            ind("window = { kind = \"open_on_as_at\" }\naggregate = { kind = \"max\" }"),
        ),
        (
            "aggregate bad field",
            ind("window = { kind = \"open_on_as_at\" }\naggregate = { kind = \"count\", at_least = \"x\" }"),
        ),
        (
            "aggregate bad value",
            ind("window = { kind = \"open_on_as_at\" }\naggregate = { kind = \"sum\", value = \"a +\", at_least = 1.0 }"),
        ),
        (
            "aggregate negative threshold",
            ind("window = { kind = \"open_on_as_at\" }\naggregate = { kind = \"ratio\", numerator = \"a\", denominator = \"b\", at_least = -1.0 }"),
        ),
        (
            "cost without table",
            ind("window = { kind = \"open_on_as_at\" }\ncosts = [{ item = \"thing\", per = \"fact\" }]"),
        ),
        (
            "cost basis unknown",
            ind("window = { kind = \"open_on_as_at\" }\ncosts = [{ item = \"thing\", per = \"day\" }]"),
        ),
        (
            "first mistake wins: condition before a later syntax error",
            format!(
                "{}\n[[indicators]]\nkey = \"y\"\nbogus = 1\n",
                ind("condition = \"a ==\"")
            ),
        ),
        (
            "first mistake wins: window before aggregate",
            ind("window = { kind = \"weeks\" }\naggregate = { kind = \"max\" }"),
        ),
        (
            "first mistake wins: file before indicators",
            ind("bogus = 1").replace("\"p\"", "\"\""),
        ),
    ]
}

fn outcome(src: &str) -> String {
    match Rules::parse(src, "r.toml", None) {
        Ok(_) => "ok".into(),
        Err(e) => format!("{:?} | {e}", e.kind()),
    }
}

#[test]
fn each_mistake_gets_its_exact_error() {
    let got: Vec<String> = cases()
        .iter()
        .map(|(name, src)| format!("{name}: {}", outcome(src)))
        .collect();
    if std::env::var_os("PRINT_RULES_MESSAGES").is_some() {
        for g in &got {
            println!("{g:?},");
        }
    }
    assert_eq!(got, EXPECTED);
}

// FIXME: a unit window kind (`open_on_as_at`) accepts and ignores other fields ("window extra
// field: ok"); pinned here as today's behaviour.
const EXPECTED: &[&str] = &[
    "not toml: Some(Syntax) | r.toml: TOML parse error at line 1, column 11\n  |\n1 | profile = \n  |           ^\nstring values must be quoted, expected literal string",
    "no profile: Some(MissingField) | r.toml: TOML parse error at line 1, column 1\n  |\n1 | [eligibility]\n  | ^\nmissing field `profile`",
    "unknown top field: Some(Syntax) | r.toml: TOML parse error at line 1, column 1\n  |\n1 | colour = 1\n  | ^^^^^^\nunknown field `colour`, expected one of `profile`, `title`, `description`, `unit_costs`, `ages`, `eligibility`, `priority`, `problems`, `indicators`",
    "empty profile: Some(BadValue) | r.toml: profile is empty",
    "no problems: Some(MissingField) | r.toml: no [[problems]]: a profile needs at least one headline problem",
    "empty problem key: Some(BadValue) | r.toml: a problem has an empty key",
    "duplicate problem: Some(Duplicate) | r.toml: problem `a`: this key appears twice",
    "min problems zero: Some(BadValue) | r.toml: [eligibility]: min_problems must be between 1 and the number of problems (1); it is 0",
    "min problems too many: Some(BadValue) | r.toml: [eligibility]: min_problems must be between 1 and the number of problems (1); it is 3",
    "cost per point zero: Some(BadValue) | r.toml: [priority]: cost_per_point must be a positive number of pounds",
    "weight not finite: Some(BadValue) | r.toml: [priority]: cost_weight must be a finite number",
    "price year without table: ok",
    "indicator missing field: Some(MissingField) | r.toml: indicator `x`: missing field `source`",
    "indicator without key: Some(MissingField) | r.toml: indicator `#2`: missing field `key`",
    "indicator unknown field: Some(Syntax) | r.toml: indicator `x`: unknown field `colour`, expected one of `key`, `problem`, `description`, `source`, `event_type`, `condition`, `who`, `min_age`, `max_age`, `window`, `aggregate`, `costs`",
    "indicator wrong type: Some(Syntax) | r.toml: indicator `x`: invalid type: string \"ten\", expected u32",
    "duplicate indicator: Some(Duplicate) | r.toml: indicator `ok`: this key appears twice",
    "unknown problem: Some(UnknownProblem) | r.toml: indicator `x`: problem `zz` is not one of the file's problems (a)",
    "empty source: Some(BadValue) | r.toml: indicator `x`: source and event_type must not be empty",
    "bad condition: Some(BadExpression) | r.toml: indicator `x`: condition `a ==` does not parse: incomplete expression: expected a value on each side of an operator",
    "ages reversed: Some(BadValue) | r.toml: indicator `x`: min_age 10 is above max_age 5",
    "no window: Some(MissingWindow) | r.toml: indicator `x`: no window: say which facts count, with kind = one of `months`, `open_on_as_at`, `last_periods`",
    "window without kind: Some(UnknownWindow) | r.toml: indicator `x`: window has no kind; use one of `months`, `open_on_as_at`, `last_periods`",
    "window unknown kind: Some(UnknownWindow) | r.toml: indicator `x`: window kind `weeks` is not known; use one of `months`, `open_on_as_at`, `last_periods`",
    "window kind not text: Some(UnknownWindow) | r.toml: indicator `x`: window kind must be text, one of `months`, `open_on_as_at`, `last_periods`",
    "window bad field: Some(Syntax) | r.toml: indicator `x`: window: invalid type: string \"x\", expected u32",
    "window extra field: ok",
    "window zero months: Some(BadValue) | r.toml: indicator `x`: window months must be 1 or more",
    "window zero periods: Some(BadValue) | r.toml: indicator `x`: window count must be 1 or more",
    "aggregate unknown kind: Some(UnknownAggregation) | r.toml: indicator `x`: aggregate kind `max` is not known; use one of `any`, `count`, `sum`, `ratio`",
    "aggregate bad field: Some(Syntax) | r.toml: indicator `x`: aggregate: invalid type: string \"x\", expected u32",
    "aggregate bad value: Some(BadExpression) | r.toml: indicator `x`: value `a +` does not parse: incomplete expression: expected a value on each side of an operator",
    "aggregate negative threshold: Some(BadValue) | r.toml: indicator `x`: at_least must be a number, 0 or more",
    "cost without table: Some(UnknownCostItem) | r.toml: indicator `x`: maps to cost item `thing` but the rules name no unit-cost table (unit_costs = \"...\")",
    "cost basis unknown: Some(Syntax) | r.toml: indicator `x`: unknown variant `day`, expected one of `fact`, `person`, `week_open`, `incident`, `first_time`",
    "first mistake wins: condition before a later syntax error: Some(BadExpression) | r.toml: indicator `x`: condition `a ==` does not parse: incomplete expression: expected a value on each side of an operator",
    "first mistake wins: window before aggregate: Some(UnknownWindow) | r.toml: indicator `x`: window kind `weeks` is not known; use one of `months`, `open_on_as_at`, `last_periods`",
    "first mistake wins: file before indicators: Some(BadValue) | r.toml: profile is empty",
];
