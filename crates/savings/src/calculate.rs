//! Per family and per cohort: service use in the months before attachment and after, priced,
//! by agency, and appraised. Pure: the caller passes the families and the as-at date.

use crate::appraisal::{self, Estimate};
use crate::count::{self, Member, SavingsFamily, Window};
use crate::coverage::Coverage;
use crate::rules::SavingsRules;
use chrono::{Months, NaiveDate};
use hearth_identification::Confidence;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One item's use by one family.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ItemUse {
    /// The item's key.
    pub item: String,
    /// Units in the months before attachment.
    pub before: f64,
    /// Units in the months after.
    pub after: f64,
    /// Fiscal cost before, at the price year.
    pub cost_before: f64,
    /// Fiscal cost after.
    pub cost_after: f64,
}

/// An item not measured for a family: its data do not reach the last day of the family's
/// months after attachment. Left out of the family's figures (not counted as no use).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NotMeasured {
    /// The item's key.
    pub item: String,
    /// The last day the item's data reach.
    pub data_reach: NaiveDate,
}

/// Money by agency, before and after.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AgencyMoney {
    /// The agency, as the unit-cost table names it.
    pub agency: String,
    /// Fiscal cost before.
    pub before: f64,
    /// Fiscal cost after.
    pub after: f64,
    /// Attributable annual saving (after deadweight and optimism bias).
    pub attributable: f64,
}

/// One family's result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FamilySavings {
    /// Linkage's stable family ID.
    pub family_id: u64,
    /// Attachment date.
    pub attached_on: NaiveDate,
    /// Whether the months after attachment have all passed by the as-at date; only complete
    /// families count in the cohort's figures.
    pub complete: bool,
    /// Items with any use before or after (measured items only).
    pub items: Vec<ItemUse>,
    /// Items with data that do not reach the end of the months after attachment (complete
    /// families only): left out of every figure; absent from runs saved before it was added.
    #[serde(default)]
    pub not_measured: Vec<NotMeasured>,
    /// By agency (those with any cost).
    pub agencies: Vec<AgencyMoney>,
    /// Fiscal cost before.
    pub fiscal_before: f64,
    /// Fiscal cost after.
    pub fiscal_after: f64,
    /// Economic and social cost before (items with such a value only).
    pub economic_social_before: f64,
    /// Economic and social cost after.
    pub economic_social_after: f64,
    /// Attributable annual fiscal saving (after deadweight and optimism bias).
    pub attributable: f64,
    /// Whether any value behind the figures is not "sourced".
    pub indicative: bool,
}

impl FamilySavings {
    /// Gross fiscal change (before − after; positive: use fell).
    pub fn gross(&self) -> f64 {
        self.fiscal_before - self.fiscal_after
    }
}

/// One item across the cohort.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CohortItem {
    /// Key.
    pub key: String,
    /// Plain-English label (Appendix 2's words where it is theirs).
    pub label: String,
    /// Whether the item is one of Appendix 2's.
    pub appendix: bool,
    /// Suggested data source.
    pub data_source: String,
    /// Agency that bears the cost.
    pub agency: String,
    /// Unit cost key, value at the price year, unit and confidence.
    pub cost: String,
    /// Value of one unit.
    pub unit_value: f64,
    /// What one unit is.
    pub unit: String,
    /// Confidence of the unit cost.
    pub confidence: Confidence,
    /// Whether the data can measure it (a fact of its source and type with the attributes
    /// its condition reads); an item not measured shows "not measured", not zero.
    pub measured: bool,
    /// The last day the item's data reach (`None`: no data of its kind); absent from runs
    /// saved before it was added.
    #[serde(default)]
    pub data_reach: Option<NaiveDate>,
    /// Complete families for whom the data do not reach the end of the months after
    /// attachment: the item is not measured for them and their use is left out.
    #[serde(default)]
    pub families_not_measured: u64,
    /// Complete families with any use before.
    pub families_before: u64,
    /// Complete families with any use after.
    pub families_after: u64,
    /// Units before.
    pub units_before: f64,
    /// Units after.
    pub units_after: f64,
    /// Fiscal cost before.
    pub cost_before: f64,
    /// Fiscal cost after.
    pub cost_after: f64,
    /// Attributable annual saving.
    pub attributable: f64,
    /// The gross fiscal change per complete family (before − after; a family without the
    /// item counts 0), with its sampling uncertainty; absent from runs saved before it was
    /// added.
    #[serde(default)]
    pub change_per_family: Option<Estimate>,
}

/// One agency across the cohort.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CohortAgency {
    /// The agency.
    pub agency: String,
    /// Complete families with any cost to it before.
    pub families_before: u64,
    /// After.
    pub families_after: u64,
    /// Fiscal cost before.
    pub cost_before: f64,
    /// After.
    pub cost_after: f64,
    /// Attributable annual saving.
    pub attributable: f64,
    /// Its present value over the appraisal's years.
    pub present_value: f64,
    /// The gross fiscal change to this agency per complete family (a family costing it
    /// nothing counts 0), with its sampling uncertainty; absent from runs saved before it
    /// was added.
    #[serde(default)]
    pub change_per_family: Option<Estimate>,
}

/// The appraisal of the cohort.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CohortAppraisal {
    /// Gross annual fiscal change (before − after).
    pub gross: f64,
    /// Taken off for deadweight.
    pub deadweight: f64,
    /// Taken off for optimism bias.
    pub optimism_bias: f64,
    /// Attributable annual fiscal saving.
    pub attributable: f64,
    /// Present value of the fiscal savings.
    pub present_value: f64,
    /// Present value of the economic and social savings (items with such values), less the
    /// default deadweight.
    pub economic_social_present_value: f64,
    /// The cost of the work with these families.
    pub programme_cost: f64,
    /// Present value of fiscal savings less the cost.
    pub net_present_value: f64,
    /// Pounds saved per pound spent.
    pub fiscal_roi: Option<f64>,
    /// Years to pay back.
    pub payback_years: Option<f64>,
    /// Each year's discounted fiscal saving.
    pub stream: Vec<f64>,
}

/// The cohort's result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CohortSavings {
    /// The data's as-at date.
    pub as_at: NaiveDate,
    /// Price year of every figure.
    pub price_year: String,
    /// Months before and after attachment counted.
    pub months_before: u32,
    /// Months after.
    pub months_after: u32,
    /// Families whose months after attachment have passed (they make the figures).
    pub families: u64,
    /// Attached families still inside their months after (not yet counted).
    pub not_yet_complete: u64,
    /// Items, in the rules' order.
    pub items: Vec<CohortItem>,
    /// Agencies, by name.
    pub agencies: Vec<CohortAgency>,
    /// The appraisal.
    pub appraisal: CohortAppraisal,
    /// The gross fiscal change per family, with its sampling uncertainty.
    pub change_per_family: Estimate,
    /// Whether any value behind the figures is not "sourced": then every figure is indicative.
    pub indicative: bool,
}

/// Everything the calculator works out.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Calculation {
    /// Per family, in the order given.
    pub families: Vec<FamilySavings>,
    /// The cohort.
    pub cohort: CohortSavings,
}

/// The before and after windows of a family attached on `attached_on`, as at `as_at`.
pub fn windows(rules: &SavingsRules, attached_on: NaiveDate, as_at: NaiveDate) -> (Window, Window) {
    let from = attached_on
        .checked_sub_months(Months::new(rules.months_before))
        .unwrap_or(NaiveDate::MIN);
    let to = attached_on
        .checked_add_months(Months::new(rules.months_after))
        .unwrap_or(NaiveDate::MAX);
    (
        Window {
            from,
            to: attached_on,
            as_at,
        },
        Window {
            from: attached_on,
            to,
            as_at,
        },
    )
}

/// One family's service use before and after, priced. An item whose data (`coverage`) do not
/// reach the last day of a complete family's months after is not measured for it.
pub fn family(
    rules: &SavingsRules,
    fam: &SavingsFamily,
    as_at: NaiveDate,
    coverage: &Coverage,
) -> FamilySavings {
    // A spell restated by a later extract is one spell (`count::tidy`).
    let tidied = SavingsFamily {
        family_id: fam.family_id,
        attached_on: fam.attached_on,
        members: fam
            .members
            .iter()
            .map(|m| Member {
                person_id: m.person_id,
                date_of_birth: m.date_of_birth,
                facts: count::tidy(&m.facts),
            })
            .collect(),
    };
    let fam = &tidied;
    let (before_w, after_w) = windows(rules, fam.attached_on, as_at);
    let complete = after_w.to <= as_at.succ_opt().unwrap_or(as_at);
    let ob = &rules.appraisal.optimism_bias;
    let mut items = Vec::new();
    let mut agencies: BTreeMap<&str, AgencyMoney> = BTreeMap::new();
    let (mut fb, mut fa, mut eb, mut ea, mut attributable) = (0.0, 0.0, 0.0, 0.0, 0.0);
    let mut indicative = false;
    let mut not_measured = Vec::new();
    let last_day = after_w.to.pred_opt().unwrap_or(after_w.to);
    for (i, item) in rules.items.iter().enumerate() {
        if complete && !coverage.reaches(i, last_day) {
            if let Some(data_reach) = coverage.reach(i) {
                not_measured.push(NotMeasured {
                    item: item.key.clone(),
                    data_reach,
                });
            }
            continue;
        }
        let before = count::units(item, fam, before_w, rules.months_before, rules.adult_from);
        let after = count::units(item, fam, after_w, rules.months_after, rules.adult_from);
        if before == 0.0 && after == 0.0 {
            continue;
        }
        let (cb, ca) = (before * item.unit_value, after * item.unit_value);
        let att =
            appraisal::attributable(cb - ca, item.deadweight, ob.for_confidence(item.confidence));
        fb += cb;
        fa += ca;
        attributable += att;
        if let Some(es) = item.economic_social_value {
            eb += before * es;
            ea += after * es;
        }
        indicative |= item.confidence != Confidence::Sourced;
        let a = agencies
            .entry(item.agency.as_str())
            .or_insert_with(|| AgencyMoney {
                agency: item.agency.clone(),
                before: 0.0,
                after: 0.0,
                attributable: 0.0,
            });
        a.before += cb;
        a.after += ca;
        a.attributable += att;
        items.push(ItemUse {
            item: item.key.clone(),
            before,
            after,
            cost_before: cb,
            cost_after: ca,
        });
    }
    FamilySavings {
        family_id: fam.family_id,
        attached_on: fam.attached_on,
        complete,
        items,
        not_measured,
        agencies: agencies.into_values().collect(),
        fiscal_before: fb,
        fiscal_after: fa,
        economic_social_before: eb,
        economic_social_after: ea,
        attributable,
        indicative,
    }
}

/// Every family's result and the cohort's (complete families only). `coverage`: how far
/// each item's data reach (`Coverage::from_facts` over the whole store).
pub fn calculate(
    rules: &SavingsRules,
    families: &[SavingsFamily],
    as_at: NaiveDate,
    coverage: &Coverage,
) -> Calculation {
    let results: Vec<FamilySavings> = families
        .iter()
        .map(|f| family(rules, f, as_at, coverage))
        .collect();
    let cohort = cohort(rules, families, &results, as_at, coverage);
    Calculation {
        families: results,
        cohort,
    }
}

/// The cohort's figures from its families' results (`inputs` say which items the data can
/// measure, `coverage` how far). An item not measured for a family is left out of the item's
/// figures and interval for that family; an item not measured for any complete family is
/// not measured.
pub fn cohort(
    rules: &SavingsRules,
    inputs: &[SavingsFamily],
    results: &[FamilySavings],
    as_at: NaiveDate,
    coverage: &Coverage,
) -> CohortSavings {
    let ap = &rules.appraisal;
    let measured: Vec<bool> = rules
        .items
        .iter()
        .map(|item| {
            inputs.iter().any(|f| {
                f.members
                    .iter()
                    .any(|m| m.facts.iter().any(|x| count::measurable(item, x)))
            })
        })
        .collect();
    let index: BTreeMap<&str, usize> = rules
        .items
        .iter()
        .enumerate()
        .map(|(i, it)| (it.key.as_str(), i))
        .collect();
    let mut items: Vec<CohortItem> = rules
        .items
        .iter()
        .zip(&measured)
        .enumerate()
        .map(|(i, (it, m))| CohortItem {
            key: it.key.clone(),
            label: it.label.clone(),
            appendix: it.appendix.is_some(),
            data_source: it.data_source.clone(),
            agency: it.agency.clone(),
            cost: it.cost.clone(),
            unit_value: it.unit_value,
            unit: it.unit.name().to_string(),
            confidence: it.confidence,
            measured: *m,
            data_reach: coverage.reach(i),
            families_not_measured: 0,
            families_before: 0,
            families_after: 0,
            units_before: 0.0,
            units_after: 0.0,
            cost_before: 0.0,
            cost_after: 0.0,
            attributable: 0.0,
            change_per_family: None,
        })
        .collect();
    let mut agencies: BTreeMap<String, CohortAgency> = BTreeMap::new();
    let mut changes = Vec::new();
    // Per item and per agency, each complete family's change (0 where it had none).
    let mut item_changes: Vec<Vec<f64>> = vec![Vec::new(); items.len()];
    let mut agency_changes: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    let (mut n, mut waiting) = (0u64, 0u64);
    let (mut es_before, mut es_after) = (0.0, 0.0);
    let mut indicative = false;
    for r in results {
        if !r.complete {
            waiting += 1;
            continue;
        }
        n += 1;
        changes.push(r.gross());
        // The item's change for this family starts at 0, unless it is not measured for it.
        let mut skip = vec![false; items.len()];
        for nm in &r.not_measured {
            if let Some(&i) = index.get(nm.item.as_str()) {
                skip[i] = true;
                items[i].families_not_measured += 1;
            }
        }
        for (v, skip) in item_changes.iter_mut().zip(&skip) {
            if !*skip {
                v.push(0.0);
            }
        }
        for v in agency_changes.values_mut() {
            v.push(0.0);
        }
        es_before += r.economic_social_before;
        es_after += r.economic_social_after;
        indicative |= r.indicative;
        for u in &r.items {
            let i = index[u.item.as_str()];
            let item = &rules.items[i];
            let c = &mut items[i];
            c.families_before += u64::from(u.before > 0.0);
            c.families_after += u64::from(u.after > 0.0);
            c.units_before += u.before;
            c.units_after += u.after;
            c.cost_before += u.cost_before;
            c.cost_after += u.cost_after;
            if let Some(last) = item_changes[i].last_mut() {
                *last += u.cost_before - u.cost_after;
            }
            c.attributable += appraisal::attributable(
                u.cost_before - u.cost_after,
                item.deadweight,
                ap.optimism_bias.for_confidence(item.confidence),
            );
        }
        for a in &r.agencies {
            let e = agencies
                .entry(a.agency.clone())
                .or_insert_with(|| CohortAgency {
                    agency: a.agency.clone(),
                    families_before: 0,
                    families_after: 0,
                    cost_before: 0.0,
                    cost_after: 0.0,
                    attributable: 0.0,
                    present_value: 0.0,
                    change_per_family: None,
                });
            e.families_before += u64::from(a.before > 0.0);
            e.families_after += u64::from(a.after > 0.0);
            e.cost_before += a.before;
            e.cost_after += a.after;
            e.attributable += a.attributable;
            // The first family costing an agency: the complete families before it cost it
            // nothing (0 each), and this one's entry is the last.
            let v = agency_changes
                .entry(a.agency.clone())
                .or_insert_with(|| vec![0.0; n as usize]);
            if let Some(last) = v.last_mut() {
                *last += a.before - a.after;
            }
        }
    }
    for (c, v) in items.iter_mut().zip(&item_changes) {
        // Not measured for any complete family: no figures (not zero).
        if n > 0 && c.families_not_measured == n {
            c.measured = false;
            continue;
        }
        c.change_per_family = Some(appraisal::estimate(v));
    }
    let pv = |annual: f64| {
        appraisal::present_value(&appraisal::benefit_stream(
            annual,
            ap.benefit_years,
            ap.drop_off,
            ap.discount_rate,
        ))
    };
    for a in agencies.values_mut() {
        a.present_value = pv(a.attributable);
        a.change_per_family = agency_changes
            .get(&a.agency)
            .map(|v| appraisal::estimate(v));
    }
    let gross: f64 = items.iter().map(|i| i.cost_before - i.cost_after).sum();
    let after_deadweight: f64 = rules
        .items
        .iter()
        .zip(&items)
        .map(|(it, c)| (c.cost_before - c.cost_after) * (1.0 - it.deadweight))
        .sum();
    let attributable: f64 = items.iter().map(|i| i.attributable).sum();
    let stream = appraisal::benefit_stream(
        attributable,
        ap.benefit_years,
        ap.drop_off,
        ap.discount_rate,
    );
    let present_value = appraisal::present_value(&stream);
    let programme_cost = ap.programme_cost_per_family * n as f64;
    CohortSavings {
        as_at,
        price_year: rules.price_year.clone(),
        months_before: rules.months_before,
        months_after: rules.months_after,
        families: n,
        not_yet_complete: waiting,
        items,
        agencies: agencies.into_values().collect(),
        appraisal: CohortAppraisal {
            gross,
            deadweight: gross - after_deadweight,
            optimism_bias: after_deadweight - attributable,
            attributable,
            present_value,
            economic_social_present_value: pv((es_before - es_after) * (1.0 - ap.deadweight)),
            programme_cost,
            net_present_value: present_value - programme_cost,
            fiscal_roi: appraisal::roi(present_value, programme_cost),
            payback_years: appraisal::payback_years(&stream, programme_cost),
            stream,
        },
        change_per_family: appraisal::estimate(&changes),
        indicative,
    }
}
