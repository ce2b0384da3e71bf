//! Attachment and results payments, and the cap's progress. Amounts in whole pounds.

use crate::rules::ClaimRules;
use serde::Serialize;

/// What the programme has earned and how far the cap is used.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PaymentSummary {
    /// Families attached to the programme.
    pub attached_families: u64,
    /// Attachment fees: attached families × the fee.
    pub attachment_total: u64,
    /// Families claimed for results (claims not withdrawn).
    pub claimed_families: u64,
    /// Results payments: claimed families × the payment.
    pub results_total: u64,
    /// Both.
    pub total: u64,
    /// The cap (families that may be claimed for results).
    pub cap: u64,
    /// Families that may still be claimed (0 once reached).
    pub cap_remaining: u64,
    /// Claimed families as a whole percentage of the cap, rounded down (0–100).
    pub cap_percent: u64,
}

/// The payments for `attached` families attached and `claimed` families claimed for results.
pub fn summarise(rules: &ClaimRules, attached: u64, claimed: u64) -> PaymentSummary {
    let attachment_total = attached.saturating_mul(rules.payments.attachment_fee);
    let results_total = claimed.saturating_mul(rules.payments.results_payment);
    let cap = rules.cap.families;
    PaymentSummary {
        attached_families: attached,
        attachment_total,
        claimed_families: claimed,
        results_total,
        total: attachment_total.saturating_add(results_total),
        cap,
        cap_remaining: cap.saturating_sub(claimed),
        cap_percent: (claimed.min(cap).saturating_mul(100)) / cap.max(1),
    }
}

/// Pounds with thousands separators: `£1,544,000`.
pub fn pounds(amount: u64) -> String {
    let digits = amount.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    format!("£{out}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payments_are_fees_times_families_and_the_cap_counts_down() {
        let rules = ClaimRules::shipped();
        let s = summarise(&rules, 2000, 965);
        assert_eq!(s.attachment_total, 2_000_000);
        assert_eq!(s.results_total, 772_000);
        assert_eq!(s.total, 2_772_000);
        assert_eq!(s.cap_remaining, 965);
        assert_eq!(s.cap_percent, 50);
        assert_eq!(pounds(s.total), "£2,772,000");
        assert_eq!(pounds(800), "£800");
        assert_eq!(pounds(0), "£0");
        let full = summarise(&rules, 10, 1930);
        assert_eq!((full.cap_remaining, full.cap_percent), (0, 100));
    }

    proptest::proptest! {
        #[test]
        fn the_arithmetic_holds_for_any_counts(attached in 0u64..1_000_000, claimed in 0u64..5_000) {
            let rules = ClaimRules::shipped();
            let s = summarise(&rules, attached, claimed);
            proptest::prop_assert_eq!(s.total, attached * 1000 + claimed * 800);
            proptest::prop_assert!(s.cap_percent <= 100);
            proptest::prop_assert_eq!(s.cap_remaining + claimed.min(1930), 1930);
        }
    }
}
