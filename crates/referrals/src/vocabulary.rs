//! The referral's closed vocabularies: how it arrived, consent, each member's relationship,
//! and where it stands. Each is stored by its key and parsed where it enters.

use serde::Serialize;

macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident, $what:literal { $($(#[$vmeta:meta])* $variant:ident => $key:literal, $label:literal;)+ }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $($(#[$vmeta])* $variant,)+
        }

        impl $name {
            /// Every value, in order.
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];

            /// The stored key.
            pub fn key(self) -> &'static str {
                match self { $($name::$variant => $key,)+ }
            }

            /// The words shown to people.
            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label,)+ }
            }

            /// From a key (case, spaces and `-` forgiven); `None` for anything else.
            pub fn parse(text: &str) -> Option<$name> {
                let t = text.trim().to_ascii_lowercase().replace([' ', '-'], "_");
                $name::ALL.iter().copied().find(|v| v.key() == t)
            }

            /// What this vocabulary is called, for messages.
            pub const WHAT: &'static str = $what;
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.key())
            }
        }
    };
}

vocabulary!(
    /// How a referral reached the programme. Trafford: "Submission can be made either by:
    /// Email ... secure email ... via post ... Directly onto the Family CAF ... via telephone
    /// ..., where a member of staff will fill in the form on your behalf."
    Channel, "channel" {
        /// Filled in by the referrer in Hearth.
        Online => "online", "Online form";
        /// Secure email, entered by a performance officer.
        SecureEmail => "secure_email", "Secure email";
        /// Post, entered by a performance officer.
        Post => "post", "Post";
        /// Telephone, entered by a performance officer.
        Phone => "phone", "Telephone";
        /// From the council's Family CAF system.
        FamilyCaf => "family_caf", "Family CAF system";
        /// A batch imported from a file (`hearth referrals import`).
        Import => "import", "Imported file";
    }
);

vocabulary!(
    /// Whether the family agreed to the referral.
    Consent, "consent" {
        /// The family agreed to be referred.
        Given => "given", "The family agreed to the referral";
        /// Not asked yet.
        NotAsked => "not_asked", "The family has not been asked yet";
        /// The family did not agree.
        Refused => "refused", "The family did not agree";
    }
);

vocabulary!(
    /// A member's place in the family.
    Relationship, "relationship" {
        /// Parent or carer.
        ParentOrCarer => "parent_or_carer", "Parent or carer";
        /// A child of the family.
        Child => "child", "Child";
        /// A parent's partner.
        Partner => "partner", "Partner";
        /// Another relative living with the family.
        OtherRelative => "other_relative", "Other relative";
        /// Anyone else in the household.
        Other => "other", "Other";
    }
);

vocabulary!(
    /// Where a referral stands. A referral is decided once: accepted or returned.
    ReferralStatus, "referral status" {
        /// Sent, waiting for a performance officer's double check.
        Submitted => "submitted", "Waiting to be checked";
        /// Accepted: the family enters the programme.
        Accepted => "accepted", "Accepted";
        /// Returned to the referrer with a reason.
        Returned => "returned", "Returned";
    }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_parse_back_and_other_text_does_not() {
        for c in Channel::ALL {
            assert_eq!(Channel::parse(c.key()), Some(*c));
        }
        for r in Relationship::ALL {
            assert_eq!(Relationship::parse(r.key()), Some(*r));
        }
        assert_eq!(Channel::parse("Secure email"), Some(Channel::SecureEmail));
        assert_eq!(Consent::parse("not-asked"), Some(Consent::NotAsked));
        assert_eq!(ReferralStatus::parse("decided"), None);
        assert_eq!(Relationship::parse(""), None);
    }
}
