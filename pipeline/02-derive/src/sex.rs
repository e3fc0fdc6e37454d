//! Sex (ILO classification CL_SEX).
//!
//! **Rule** (contract §3 and §5): the core record's `M`, `F`, `O` (other) become
//! `SEX_M`, `SEX_F`, `SEX_O`. There is no not-stated value: `sex` is required, and
//! ingest rejects anything else.
//!
//! **Sources.** icls-concepts.md §3.1 (dimension codes: `SEX_T`, `SEX_M`, `SEX_F`;
//! `SEX_O` exists). `SEX_T` is a total formed by tabulate, never a person's code.
//! ICLS text operationalised: every table of the 20th ICLS (2018) *Guidelines concerning
//! statistics of international labour migration* and of the 19th ICLS (2013)
//! *Resolution I* is broken down by sex (icls-concepts.md §3.2).

/// A CL_SEX category of a person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Sex {
    /// Core `M`, CL_SEX `SEX_M`.
    Male,
    /// Core `F`, CL_SEX `SEX_F`.
    Female,
    /// Core `O`, CL_SEX `SEX_O`.
    Other,
}

impl Sex {
    /// The sex coded `core` (`M`, `F`, `O`) in the core record, if it is one.
    pub fn parse(core: &str) -> Option<Sex> {
        match core {
            "M" => Some(Sex::Male),
            "F" => Some(Sex::Female),
            "O" => Some(Sex::Other),
            _ => None,
        }
    }

    /// The ILO CL_SEX code stored in the derived `sex` column.
    pub const fn code(self) -> &'static str {
        match self {
            Sex::Male => "SEX_M",
            Sex::Female => "SEX_F",
            Sex::Other => "SEX_O",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn m_is_sex_m() {
        assert_eq!(Sex::parse("M").map(Sex::code), Some("SEX_M"));
    }

    #[test]
    fn f_is_sex_f() {
        assert_eq!(Sex::parse("F").map(Sex::code), Some("SEX_F"));
    }

    #[test]
    fn o_is_sex_o() {
        assert_eq!(Sex::parse("O").map(Sex::code), Some("SEX_O"));
    }

    #[test]
    fn anything_else_is_not_a_core_sex_code() {
        for bad in ["", "m", "X", "T", "SEX_M", "M "] {
            assert_eq!(Sex::parse(bad), None, "{bad:?}");
        }
    }
}
