//! The work's forms as typed and as checked: each form is its fields as typed (strings, so a
//! page can show them again beside their messages), and `check` turns it into what the store
//! keeps or every (field, message) to correct — all of them at once, so nothing is stored
//! half-done. Pages read these from form bodies and the API from JSON: the same checks.

use crate::domain::NOTE_LIMIT;
use chrono::NaiveDate;
use hearth_casework::{OutcomeMeasures, ProgressMeasures};
use hearth_model::ProgressStage;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The longest short text (a name, an agency, a role, an owner), in characters.
pub(crate) const SHORT_LIMIT: usize = 200;

/// What a form is checked against: the family as the latest run has it.
pub(crate) struct FamilyFrame<'a> {
    /// The members' person keys.
    pub members: &'a [i64],
    /// The family's headline problems (keys).
    pub problems: &'a [String],
}

/// Messages collected while checking a form.
#[derive(Default)]
pub(crate) struct Errors(pub Vec<(String, String)>);

impl Errors {
    fn add(&mut self, field: &str, message: impl Into<String>) {
        self.0.push((field.to_string(), message.into()));
    }

    /// `Ok(v)` if nothing was wrong.
    pub(crate) fn or<T>(self, v: T) -> Result<T, Vec<(String, String)>> {
        if self.0.is_empty() {
            Ok(v)
        } else {
            Err(self.0)
        }
    }

    /// Trimmed text, checked: required or not, at most `limit` characters, no control or
    /// text-direction characters (line breaks allowed in long text).
    pub(crate) fn text(
        &mut self,
        field: &str,
        raw: &str,
        what: &str,
        required: bool,
        limit: usize,
    ) -> String {
        let t = raw.trim();
        if t.is_empty() && required {
            self.add(field, format!("Enter {what}"));
        } else if t.chars().count() > limit {
            self.add(
                field,
                format!("{} must be {limit} characters or fewer", capital(what)),
            );
        } else if crate::domain::has_control(t, limit > SHORT_LIMIT) {
            self.add(
                field,
                format!(
                    "{} must not contain control or text-direction characters",
                    capital(what)
                ),
            );
        }
        t.to_string()
    }

    /// A date as people type it: `27 3 2026`, `27/03/2026` or `2026-03-27`.
    pub(crate) fn date(
        &mut self,
        field: &str,
        raw: &str,
        what: &str,
        required: bool,
    ) -> Option<NaiveDate> {
        let t = raw.trim();
        if t.is_empty() {
            if required {
                self.add(field, format!("Enter {what}"));
            }
            return None;
        }
        let parsed = parse_date(t);
        if parsed.is_none() {
            self.add(
                field,
                format!(
                    "{} must be a real date, for example 27 3 2026",
                    capital(what)
                ),
            );
        }
        parsed
    }
}

/// The text with its first letter in capitals (a message that starts a sentence).
pub(crate) fn capital(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

/// `27 3 2026`, `27/03/2026`, `27-3-2026` or `2026-03-27`, in 1900–2999.
pub(crate) fn parse_date(t: &str) -> Option<NaiveDate> {
    let parts: Vec<&str> = t
        .split(|c: char| c == '/' || c == '-' || c == '.' || c.is_whitespace())
        .filter(|p| !p.is_empty())
        .collect();
    let [a, b, c] = parts.as_slice() else {
        return None;
    };
    let (y, m, d) = if a.len() == 4 { (a, b, c) } else { (c, b, a) };
    let d = NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)?;
    (1900..3000)
        .contains(&chrono::Datelike::year(&d))
        .then_some(d)
}

/// The assessment form: one member (or the whole family) and one problem.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub(crate) struct AssessmentForm {
    /// `family`, or a member's person key.
    pub subject: String,
    pub problem: String,
    pub happening: String,
    pub strengths: String,
    pub needs: String,
    pub evidence_seen: String,
}

/// A checked assessment entry.
#[derive(Debug)]
pub(crate) struct AssessmentInput {
    pub person_id: Option<i64>,
    pub problem_key: String,
    pub happening: String,
    pub strengths: String,
    pub needs: String,
    pub evidence_seen: String,
}

fn problem(e: &mut Errors, raw: &str, family: &FamilyFrame<'_>) -> String {
    let p = raw.trim();
    if !family.problems.iter().any(|k| k == p) {
        e.add("problem", "Select one of the family's problems");
    }
    p.to_string()
}

impl AssessmentForm {
    pub(crate) fn check(
        &self,
        family: &FamilyFrame<'_>,
    ) -> Result<AssessmentInput, Vec<(String, String)>> {
        let mut e = Errors::default();
        let person_id = match self.subject.trim() {
            "family" => None,
            s => match s.parse::<i64>() {
                Ok(p) if family.members.contains(&p) => Some(p),
                _ => {
                    e.add("subject", "Select the whole family or one of its members");
                    None
                }
            },
        };
        let problem_key = problem(&mut e, &self.problem, family);
        let happening = e.text(
            "happening",
            &self.happening,
            "what is happening",
            true,
            NOTE_LIMIT,
        );
        let strengths = e.text(
            "strengths",
            &self.strengths,
            "the strengths",
            false,
            NOTE_LIMIT,
        );
        let needs = e.text("needs", &self.needs, "the needs", true, NOTE_LIMIT);
        let evidence_seen = e.text(
            "evidence_seen",
            &self.evidence_seen,
            "the evidence seen",
            false,
            NOTE_LIMIT,
        );
        e.or(AssessmentInput {
            person_id,
            problem_key,
            happening,
            strengths,
            needs,
            evidence_seen,
        })
    }
}

/// The goal form: a goal for one problem tied to an Outcomes Plan measure, with its first
/// action (optional: all three of its fields, or none).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub(crate) struct GoalForm {
    pub problem: String,
    pub measure: String,
    pub goal: String,
    pub action: String,
    pub owner: String,
    pub due: String,
}

/// A checked action.
#[derive(Debug)]
pub(crate) struct ActionInput {
    pub action: String,
    pub owner: String,
    pub due: NaiveDate,
}

/// A checked goal with its first action.
#[derive(Debug)]
pub(crate) struct GoalInput {
    pub problem_key: String,
    pub measure_key: String,
    pub goal: String,
    pub first_action: Option<ActionInput>,
}

fn action(e: &mut Errors, action: &str, owner: &str, due: &str) -> Option<ActionInput> {
    let a = e.text("action", action, "the action", true, NOTE_LIMIT);
    let o = e.text("owner", owner, "who will do it", true, SHORT_LIMIT);
    let d = e.date("due", due, "the date it is due", true);
    d.map(|due| ActionInput {
        action: a,
        owner: o,
        due,
    })
}

impl GoalForm {
    pub(crate) fn check(
        &self,
        family: &FamilyFrame<'_>,
        measures: &OutcomeMeasures,
    ) -> Result<GoalInput, Vec<(String, String)>> {
        let mut e = Errors::default();
        let problem_key = problem(&mut e, &self.problem, family);
        let measure_key = self.measure.trim().to_string();
        match measures.get(&measure_key) {
            None => e.add("measure", "Select a measure of the Outcomes Plan"),
            // A measure names the headline problems it belongs to (none: any problem).
            Some(m)
                if family.problems.iter().any(|k| k == &problem_key)
                    && !measures.for_problem(&problem_key).any(|x| x.key == m.key) =>
            {
                e.add(
                    "measure",
                    "Select a measure of the Outcomes Plan for the goal's problem",
                )
            }
            Some(_) => {}
        }
        let goal = e.text("goal", &self.goal, "the goal", true, NOTE_LIMIT);
        let any = [&self.action, &self.owner, &self.due]
            .iter()
            .any(|f| !f.trim().is_empty());
        let first_action = if any {
            action(&mut e, &self.action, &self.owner, &self.due)
        } else {
            None
        };
        e.or(GoalInput {
            problem_key,
            measure_key,
            goal,
            first_action,
        })
    }
}

/// The action form: an action towards one of the plan's goals.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub(crate) struct ActionForm {
    pub goal_id: String,
    pub action: String,
    pub owner: String,
    pub due: String,
}

impl ActionForm {
    /// The goal's key and the action (the goal is checked against the family's in the
    /// store, in the same transaction as the write).
    pub(crate) fn check(&self) -> Result<(i64, ActionInput), Vec<(String, String)>> {
        let mut e = Errors::default();
        let goal = self.goal_id.trim().parse::<i64>().ok();
        if goal.is_none() {
            e.add("goal_id", "Select the goal this action is for");
        }
        let a = action(&mut e, &self.action, &self.owner, &self.due);
        match (goal, a) {
            (Some(g), Some(a)) if e.0.is_empty() => Ok((g, a)),
            _ => Err(e.0),
        }
    }
}

/// The review form.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub(crate) struct ReviewForm {
    pub reviewed_on: String,
    pub what_changed: String,
}

impl ReviewForm {
    pub(crate) fn check(&self) -> Result<(NaiveDate, String), Vec<(String, String)>> {
        let mut e = Errors::default();
        let on = e.date(
            "reviewed_on",
            &self.reviewed_on,
            "the date of the review",
            true,
        );
        let what = e.text(
            "what_changed",
            &self.what_changed,
            "what changed",
            true,
            NOTE_LIMIT,
        );
        match on {
            Some(on) if e.0.is_empty() => Ok((on, what)),
            _ => Err(e.0),
        }
    }
}

/// The form that changes a goal of the plan: its text, and why (optional).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub(crate) struct GoalChangeForm {
    pub goal: String,
    pub change_reason: String,
    /// The goal's version when the form was opened (empty: not checked, as from the API).
    pub seen: String,
}

impl GoalChangeForm {
    /// The goal's new text and why.
    pub(crate) fn check(&self) -> Result<(String, String), Vec<(String, String)>> {
        let mut e = Errors::default();
        let goal = e.text("goal", &self.goal, "the goal", true, NOTE_LIMIT);
        let reason = change_reason(&mut e, &self.change_reason);
        e.or((goal, reason))
    }
}

fn change_reason(e: &mut Errors, raw: &str) -> String {
    e.text("change_reason", raw, "why it changed", false, NOTE_LIMIT)
}

/// The form that changes an action of the plan: its text, who does it, when it is due, and
/// why (optional).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub(crate) struct ActionChangeForm {
    pub action: String,
    pub owner: String,
    pub due: String,
    pub change_reason: String,
    /// The action's version when the form was opened (empty: not checked, as from the API).
    pub seen: String,
}

impl ActionChangeForm {
    /// The action as it becomes and why.
    pub(crate) fn check(&self) -> Result<(ActionInput, String), Vec<(String, String)>> {
        let mut e = Errors::default();
        let a = action(&mut e, &self.action, &self.owner, &self.due);
        let reason = change_reason(&mut e, &self.change_reason);
        match a {
            Some(a) if e.0.is_empty() => Ok((a, reason)),
            _ => Err(e.0),
        }
    }
}

/// The form that removes a goal or an action from the plan: why (required; the plan keeps
/// what was removed and why).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub(crate) struct RemoveForm {
    pub remove_reason: String,
}

impl RemoveForm {
    /// Why.
    pub(crate) fn check(&self) -> Result<String, Vec<(String, String)>> {
        let mut e = Errors::default();
        let reason = e.text(
            "remove_reason",
            &self.remove_reason,
            "why it is being removed",
            true,
            NOTE_LIMIT,
        );
        e.or(reason)
    }
}

/// The form that ends someone's involvement in the team around the family.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub(crate) struct TeamEndForm {
    pub to: String,
}

impl TeamEndForm {
    /// The date they stopped.
    pub(crate) fn check(&self) -> Result<NaiveDate, Vec<(String, String)>> {
        let mut e = Errors::default();
        let to = e.date("to", &self.to, "the date they stopped", true);
        match to {
            Some(to) if e.0.is_empty() => Ok(to),
            _ => Err(e.0),
        }
    }
}

/// The team form: a practitioner or service working with the family.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub(crate) struct TeamForm {
    pub name: String,
    pub agency: String,
    pub role: String,
    pub from: String,
    pub to: String,
}

/// A checked team member.
#[derive(Debug)]
pub(crate) struct TeamInput {
    pub name: String,
    pub agency: String,
    pub role: String,
    pub from: NaiveDate,
    pub to: Option<NaiveDate>,
}

impl TeamForm {
    pub(crate) fn check(&self) -> Result<TeamInput, Vec<(String, String)>> {
        let mut e = Errors::default();
        let name = e.text(
            "name",
            &self.name,
            "the practitioner's name",
            true,
            SHORT_LIMIT,
        );
        let agency = e.text("agency", &self.agency, "the agency", true, SHORT_LIMIT);
        let role = e.text("role", &self.role, "their role", true, SHORT_LIMIT);
        let from = e.date("from", &self.from, "the date they started", true);
        let to = e.date("to", &self.to, "the date they stopped", false);
        if let (Some(f), Some(t)) = (from, to) {
            if t < f {
                e.add(
                    "to",
                    "The date they stopped must be on or after the date they started",
                );
            }
        }
        match from {
            Some(from) if e.0.is_empty() => Ok(TeamInput {
                name,
                agency,
                role,
                from,
                to,
            }),
            _ => Err(e.0),
        }
    }
}

/// The progress form: the stage, the date, and a position per measure (`position_<key>`;
/// blank: not assessed this time).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub(crate) struct ProgressForm {
    pub stage: String,
    pub read_on: String,
    /// Position by measure key, as typed.
    pub positions: BTreeMap<String, String>,
}

/// A checked progress reading.
#[derive(Debug)]
pub(crate) struct ProgressInput {
    pub stage: ProgressStage,
    pub read_on: NaiveDate,
    pub positions: Vec<(String, i64)>,
}

impl ProgressForm {
    /// From a form body's fields (`stage`, `read_on`, `position_<key>`).
    pub(crate) fn from_fields(fields: &BTreeMap<String, String>) -> ProgressForm {
        ProgressForm {
            stage: fields.get("stage").cloned().unwrap_or_default(),
            read_on: fields.get("read_on").cloned().unwrap_or_default(),
            positions: fields
                .iter()
                .filter_map(|(k, v)| Some((k.strip_prefix("position_")?.to_string(), v.clone())))
                .collect(),
        }
    }

    pub(crate) fn check(
        &self,
        measures: &ProgressMeasures,
    ) -> Result<ProgressInput, Vec<(String, String)>> {
        let mut e = Errors::default();
        let stage = ProgressStage::parse(&self.stage).ok();
        if stage.is_none() {
            e.add(
                "stage",
                "Select when this was recorded: start, review or exit",
            );
        }
        let read_on = e.date("read_on", &self.read_on, "the date", true);
        let mut positions = Vec::new();
        for (key, raw) in &self.positions {
            let raw = raw.trim();
            if raw.is_empty() {
                continue;
            }
            let field = format!("position_{key}");
            match (measures.get(key), raw.parse::<i64>()) {
                (None, _) => e.add(&field, format!("{key} is not one of the progress measures")),
                (Some(m), Ok(p)) if measures.valid_position(p) => {
                    positions.push((m.key.clone(), p))
                }
                (Some(m), _) => e.add(
                    &field,
                    format!("Select a position for {}", m.label.to_lowercase()),
                ),
            }
        }
        if positions.is_empty() && e.0.is_empty() {
            e.add(
                &format!("position_{}", measures.measures[0].key),
                "Select a position for at least one measure",
            );
        }
        match (stage, read_on) {
            (Some(stage), Some(read_on)) if e.0.is_empty() => Ok(ProgressInput {
                stage,
                read_on,
                positions,
            }),
            _ => Err(e.0),
        }
    }
}

#[cfg(test)]
#[path = "work_input_tests.rs"]
mod tests;
