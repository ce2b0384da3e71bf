//! The true borough: people, households and what really happened to them (the facts).
//! Source files are renderings of these facts with errors; the truth is never altered.

use chrono::NaiveDate;
use hearth_model::Sex;

/// A person in the synthetic borough, with error-free values.
#[derive(Debug, Clone, PartialEq)]
pub struct Person {
    /// Index in `Borough::people`; the person id is `P` and this plus one, 7 digits.
    pub index: usize,
    /// True forename.
    pub given_name: String,
    /// True middle names, space-separated, possibly empty.
    pub middle_names: String,
    /// True surname on the as-at date.
    pub family_name: String,
    /// The surname used before a change of name (marriage), and the day the change took
    /// effect; records dated before that day truly carry the former surname.
    pub former_family_name: Option<(String, NaiveDate)>,
    /// Another surname partner records plausibly use by mistake (a step-parent's or the
    /// mother's surname for a child, a maiden name), if any.
    pub alternative_surname: Option<String>,
    /// True date of birth.
    pub date_of_birth: NaiveDate,
    /// Sex (`Male` or `Female`).
    pub sex: Sex,
    /// NHS number, ten digits with a valid check digit.
    pub nhs_number: String,
    /// National Insurance number for people 16 or over on the as-at date.
    pub ni_number: Option<String>,
    /// Unique Pupil Number for children of school age during the period who are on a school
    /// roll.
    pub upn: Option<String>,
    /// Index of the person's household in `Borough::households`.
    pub household: usize,
    /// Whether the person is (or was) married and uses a married surname (title `Mrs`).
    pub married: bool,
}

impl Person {
    /// `P0000001`-style id used in the ground truth.
    pub fn id(&self) -> String {
        person_id(self.index)
    }

    /// The surname truly in use on `date`.
    pub fn family_name_on(&self, date: NaiveDate) -> &str {
        match &self.former_family_name {
            Some((former, changed)) if date < *changed => former,
            _ => &self.family_name,
        }
    }
}

/// `P0000001` for index 0.
pub fn person_id(index: usize) -> String {
    format!("P{:07}", index + 1)
}

/// `H0000001` for household index 0.
pub fn household_id(index: usize) -> String {
    format!("H{:07}", index + 1)
}

/// `F0000001` for the family living as household index 0.
pub fn family_id(index: usize) -> String {
    format!("F{:07}", index + 1)
}

/// The kind of household, for realism of structure and for tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum HouseholdKind {
    /// One adult living alone.
    Single,
    /// A couple without children at home.
    Couple,
    /// A couple with dependent children, some perhaps a step-parent's.
    CoupleWithChildren,
    /// A couple with adult children at home (and perhaps younger ones).
    CoupleWithAdultChildren,
    /// A lone parent with children.
    LoneParent,
    /// Three generations: a couple, their children and grandparent(s).
    MultiGeneration,
    /// Unrelated adults sharing.
    Shared,
}

/// A household: the people living together at the as-at date, and where they lived.
#[derive(Debug, Clone, PartialEq)]
pub struct Household {
    /// Index in `Borough::households`.
    pub index: usize,
    /// Structure of the household.
    pub kind: HouseholdKind,
    /// Indices of members in `Borough::people`.
    pub members: Vec<usize>,
    /// Address index of the current home (see the geography).
    pub address: usize,
    /// The former home and the day the household moved, for households that moved during
    /// the period.
    pub moved_from: Option<(usize, NaiveDate)>,
    /// Whether the household rents from the council (and so appears in housing data).
    pub council_tenant: bool,
    /// Whether the household is a step-family.
    pub step_family: bool,
}

impl Household {
    /// The household's address index on `date`.
    pub fn address_on(&self, date: NaiveDate) -> usize {
        match self.moved_from {
            Some((old, moved)) if date < moved => old,
            _ => self.address,
        }
    }
}

/// A police incident category.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum IncidentCategory {
    /// `Crime`.
    Crime,
    /// `ASB`.
    Asb,
    /// `Domestic Abuse`.
    DomesticAbuse,
}

impl IncidentCategory {
    /// The programme's name for the category.
    pub fn label(self) -> &'static str {
        match self {
            IncidentCategory::Crime => "Crime",
            IncidentCategory::Asb => "ASB",
            IncidentCategory::DomesticAbuse => "Domestic Abuse",
        }
    }

    /// The police system's code in police.csv, which the shipped mapping translates to the
    /// label.
    pub fn code(self) -> &'static str {
        match self {
            IncidentCategory::Crime => "crime",
            IncidentCategory::Asb => "asb",
            IncidentCategory::DomesticAbuse => "domestic_abuse",
        }
    }
}

/// How a person was involved in a police incident.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Involvement {
    /// `Suspect`.
    Suspect,
    /// `Offender`.
    Offender,
    /// `Victim`.
    Victim,
    /// `Witness`.
    Witness,
}

impl Involvement {
    /// The programme's name for the involvement.
    pub fn label(self) -> &'static str {
        match self {
            Involvement::Suspect => "Suspect",
            Involvement::Offender => "Offender",
            Involvement::Victim => "Victim",
            Involvement::Witness => "Witness",
        }
    }

    /// The police system's code in police.csv, which the shipped mapping translates to the
    /// label.
    pub fn code(self) -> &'static str {
        match self {
            Involvement::Suspect => "SUSP",
            Involvement::Offender => "OFF",
            Involvement::Victim => "VIC",
            Involvement::Witness => "WIT",
        }
    }
}

/// A term's attendance of one pupil.
#[derive(Debug, Clone, PartialEq)]
pub struct Attendance {
    /// The pupil.
    pub person: usize,
    /// Index into `dates::terms`.
    pub term: usize,
    /// Possible sessions.
    pub possible: u32,
    /// Sessions missed.
    pub missed: u32,
    /// Unauthorised absences (part of those missed).
    pub unauthorised: u32,
    /// Fixed-term exclusions in the term.
    pub fixed_term_exclusions: u32,
    /// Permanently excluded in the term.
    pub permanent_exclusion: bool,
}

/// A police occurrence and everyone recorded in it.
#[derive(Debug, Clone, PartialEq)]
pub struct Incident {
    /// Household the incident belongs to (for ordering and reference numbers).
    pub household: usize,
    /// Occurrence date.
    pub date: NaiveDate,
    /// Category.
    pub category: IncidentCategory,
    /// Offence description.
    pub offence: &'static str,
    /// People recorded, with their involvement.
    pub people: Vec<(usize, Involvement)>,
}

/// An out-of-work benefit type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum BenefitType {
    /// Jobseeker's Allowance.
    Jsa,
    /// Employment and Support Allowance.
    Esa,
    /// Income Support.
    Is,
    /// Incapacity Benefit.
    Ib,
    /// Universal Credit (no earnings).
    Uc,
}

impl BenefitType {
    /// The code in dwp.csv.
    pub fn code(self) -> &'static str {
        match self {
            BenefitType::Jsa => "JSA",
            BenefitType::Esa => "ESA",
            BenefitType::Is => "IS",
            BenefitType::Ib => "IB",
            BenefitType::Uc => "UC",
        }
    }
}

/// A benefit claim.
#[derive(Debug, Clone, PartialEq)]
pub struct BenefitClaim {
    /// The claimant.
    pub person: usize,
    /// Benefit.
    pub benefit: BenefitType,
    /// First day.
    pub start: NaiveDate,
    /// Last day; `None` while open.
    pub end: Option<NaiveDate>,
}

/// A health contact type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ContactType {
    /// `A&E attendance`.
    AandE,
    /// `Mental health contact`.
    MentalHealth,
    /// `Substance misuse`.
    SubstanceMisuse,
    /// `Missed appointment`.
    MissedAppointment,
    /// `Health visitor review`: a mandated review of a young child (not a problem).
    HealthVisitorReview,
}

impl ContactType {
    /// The text in health.csv.
    pub fn label(self) -> &'static str {
        match self {
            ContactType::AandE => "A&E attendance",
            ContactType::MentalHealth => "Mental health contact",
            ContactType::SubstanceMisuse => "Substance misuse",
            ContactType::MissedAppointment => "Missed appointment",
            ContactType::HealthVisitorReview => "Health visitor review",
        }
    }
}

/// A contact with NHS services.
#[derive(Debug, Clone, PartialEq)]
pub struct HealthContact {
    /// The patient.
    pub person: usize,
    /// Kind of contact.
    pub contact: ContactType,
    /// Date.
    pub date: NaiveDate,
    /// `Admitted`, `Discharged`, `Referred` or `Did not attend`.
    pub outcome: &'static str,
}

/// A children's social care episode type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum EpisodeType {
    /// Early help (not statutory).
    EarlyHelp,
    /// Child in need.
    Cin,
    /// Child protection plan.
    Cpp,
    /// Looked after child.
    Lac,
}

impl EpisodeType {
    /// The text in social_care.xlsx.
    pub fn label(self) -> &'static str {
        match self {
            EpisodeType::EarlyHelp => "Early Help",
            EpisodeType::Cin => "CIN",
            EpisodeType::Cpp => "CPP",
            EpisodeType::Lac => "LAC",
        }
    }
}

/// A social care episode of one child.
#[derive(Debug, Clone, PartialEq)]
pub struct CareEpisode {
    /// The child.
    pub person: usize,
    /// Episode type.
    pub episode: EpisodeType,
    /// First day.
    pub start: NaiveDate,
    /// Last day; `None` while open.
    pub end: Option<NaiveDate>,
}

/// A quarterly snapshot of a council tenancy account.
#[derive(Debug, Clone, PartialEq)]
pub struct HousingRecord {
    /// The lead tenant.
    pub person: usize,
    /// Household and tenancy number within it (a household that moves gets a new tenancy).
    pub tenancy: (usize, u8),
    /// Address index of the tenancy.
    pub address: usize,
    /// Snapshot date.
    pub date: NaiveDate,
    /// Arrears in pence.
    pub arrears_pence: u64,
    /// `""`, `NOSP` or `Eviction`.
    pub notice: &'static str,
}

/// A youth offence dealt with by the youth offending service.
#[derive(Debug, Clone, PartialEq)]
pub struct YouthOffence {
    /// The young person.
    pub person: usize,
    /// Offence date.
    pub date: NaiveDate,
    /// Outcome.
    pub outcome: &'static str,
    /// Whether the offence was proven.
    pub proven: bool,
}

/// Everything that truly happened in the period.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Facts {
    /// School attendance, one per pupil per term.
    pub attendance: Vec<Attendance>,
    /// Police occurrences.
    pub incidents: Vec<Incident>,
    /// Benefit claims.
    pub claims: Vec<BenefitClaim>,
    /// Health contacts.
    pub health: Vec<HealthContact>,
    /// Social care episodes.
    pub episodes: Vec<CareEpisode>,
    /// Housing account snapshots.
    pub housing: Vec<HousingRecord>,
    /// Youth offences.
    pub offences: Vec<YouthOffence>,
}

impl Facts {
    pub(crate) fn append(&mut self, other: &mut Facts) {
        self.attendance.append(&mut other.attendance);
        self.incidents.append(&mut other.incidents);
        self.claims.append(&mut other.claims);
        self.health.append(&mut other.health);
        self.episodes.append(&mut other.episodes);
        self.housing.append(&mut other.housing);
        self.offences.append(&mut other.offences);
    }
}
