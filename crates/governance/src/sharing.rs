//! Which objections an output must honour: the one answer every extract and export asks
//! ("who is left out of this kind of output?").
//!
//! The objection register (issue 13) keeps two scopes: `research` (the person or family
//! objects to research use) and `all` (they object to all sharing). The privacy notices:
//!
//! * Trafford: "You may also ask the Council to consider any objections you may have to the
//!   processing of your personal information, including processing for research purposes."
//! * Cheshire East (national evaluation notice): "If you do not want your information to be
//!   shared then the partner agencies involved will respect that decision, but this may mean
//!   we cannot provide all the services you may need. … We will stop sharing your information
//!   when you ask us to."
//! * Cheshire East: "This will involve some sharing of information between council
//!   departments and with other organisations."
//! * Halton: "For the National Impact Study and local evaluation, the personal data of
//!   individuals and families will be linked with information from public agencies. …
//!   Locally, service providers share evaluation data to inform how services should be
//!   provided in the future. This is separate to the National Impact Study (NIS)."
//!
//! So a `research` objection takes a person out of every research or evaluation output (the
//! national evaluation, the local evaluation's cohort figures), and an `all` objection takes
//! them out of those and of everything else that leaves the council as a file: the ranked
//! list exported for partners, the claim return sent to the national team, the families list
//! downloaded as a workbook. A family is left out when any member is (a family-level
//! objection covers every member). What a worker sees on screen inside Hearth — the lead
//! worker's case pages, the lists — is not sharing and is not filtered. The subject access
//! document is the person's own information given to them, not sharing either.
//!
//! A person whose processing is restricted (UK GDPR Art. 18) is left out of every output,
//! as an `all` objector is.

/// A kind of output that leaves Hearth.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Output {
    /// The national evaluation extract (research).
    NationalEvaluation,
    /// The cohort's progress as a CSV (local evaluation: research, even though aggregate).
    LocalEvaluation,
    /// `hearth identify --export`: the ranked list, for partners.
    IdentificationExport,
    /// The claim return, for the national team.
    ClaimReturn,
    /// The families list as an `.xlsx` workbook: a file that leaves Hearth.
    FamiliesList,
}

impl Output {
    /// Every output, for tests and documentation.
    pub const ALL: [Output; 5] = [
        Output::NationalEvaluation,
        Output::LocalEvaluation,
        Output::IdentificationExport,
        Output::ClaimReturn,
        Output::FamiliesList,
    ];

    /// True for research and evaluation outputs.
    pub fn is_research(self) -> bool {
        matches!(self, Output::NationalEvaluation | Output::LocalEvaluation)
    }

    /// The objection scopes that leave a person out of this output: `research` and `all`
    /// for research and evaluation, `all` for everything else.
    pub fn excluding_scopes(self) -> &'static [&'static str] {
        if self.is_research() {
            &["research", "all"]
        } else {
            &["all"]
        }
    }

    /// The output's name for audit lines.
    pub fn name(self) -> &'static str {
        match self {
            Output::NationalEvaluation => "national evaluation extract",
            Output::LocalEvaluation => "progress cohort export",
            Output::IdentificationExport => "identification export",
            Output::ClaimReturn => "claim return",
            Output::FamiliesList => "families list export",
        }
    }
}

/// Who is left out of one output.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Excluded {
    /// People left out (current person IDs).
    pub people: std::collections::BTreeSet<i64>,
    /// Families with at least one member left out (current family IDs).
    pub families: std::collections::BTreeSet<i64>,
}

impl Excluded {
    /// True when the family is left out.
    pub fn family(&self, family_id: i64) -> bool {
        self.families.contains(&family_id)
    }

    /// The audit line's detail: counts only, never who.
    pub fn audit_detail(&self, output: Output, kept: usize, left_out: usize) -> String {
        format!(
            "{}: {kept} kept, {left_out} left out because of an objection or a restriction \
             ({} people, {} families under objection in scope {})",
            output.name(),
            self.people.len(),
            self.families.len(),
            output.excluding_scopes().join(" or ")
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn research_objections_leave_people_out_of_research_only_and_all_out_of_everything() {
        for o in Output::ALL {
            assert!(o.excluding_scopes().contains(&"all"), "{o:?}");
            assert_eq!(
                o.excluding_scopes().contains(&"research"),
                matches!(o, Output::NationalEvaluation | Output::LocalEvaluation),
                "{o:?}"
            );
        }
    }

    #[test]
    fn the_audit_detail_holds_counts_only() {
        let e = Excluded {
            people: [7, 8].into(),
            families: [3].into(),
        };
        let d = e.audit_detail(Output::ClaimReturn, 10, 1);
        assert!(d.contains("10 kept, 1 left out"), "{d}");
        assert!(!d.contains('7') && !d.contains('8'), "{d}");
    }
}
