//! Education (ILO classification CL_EDU, aggregate levels): less than basic, basic,
//! intermediate, advanced, level not stated.
//!
//! **Rule.** The core record's `education` (an extension of the contract) is the highest
//! level completed, as an ISCED 2011 level or, where the producer only has the aggregate,
//! ILO's aggregate level itself. ILO's mapping from ISCED 2011 to its aggregate levels:
//!
//! | `education` | ISCED 2011 (ILO CL_EDU `EDU_ISCED11_*`) | `edu` |
//! |---|---|---|
//! | `X`, `0` | no schooling; early childhood education | `EDU_AGGREGATE_LTB` less than basic |
//! | `1`, `2` | primary; lower secondary | `EDU_AGGREGATE_BAS` basic |
//! | `3`, `4` | upper secondary; post-secondary non-tertiary | `EDU_AGGREGATE_INT` intermediate |
//! | `5`, `6`, `7`, `8` | short-cycle tertiary; bachelor's; master's; doctoral | `EDU_AGGREGATE_ADV` advanced |
//! | `9`, empty | not elsewhere classified; not stated | `EDU_AGGREGATE_X` level not stated |
//! | `LTB`, `BAS`, `INT`, `ADV` | (the aggregate given directly) | that aggregate |
//!
//! Every person gets a level (working-age tables by education count everyone in scope);
//! not stated is `X`, never imputed (icls-concepts.md §4.2).
//!
//! **Sources.** The mapping is ILO's harmonised-microdata rule, read in ILO's own
//! processing code: dbescond/iloMicro `inst/doc/do/CIV_ENSE_2016_ILO_CMD.do` (commit
//! d0e005c; the same lines in the other `*_ILO_CMD.do` files): `ilo_edu_aggregate` = 1
//! (less than basic) for `ilo_edu_isced11` X and 0, 2 (basic) for 1 and 2, 3
//! (intermediate) for 3 and 4, 4 (advanced) for 5 to 8, 5 (level not stated) for 9, where
//! a missing level is also coded 9 ("replace ilo_edu_isced11=11 if ilo_edu_isced11==.").
//! The codes and their names are ILO's CL_EDU (codelists/ILO_codelists.xml):
//! `EDU_AGGREGATE_LTB` "Less than basic" ... `EDU_AGGREGATE_X` "Level not stated",
//! `EDU_ISCED11_X` "No schooling", `EDU_ISCED11_9` "Not elsewhere classified".
//! icls-concepts.md §3.1 (the EDU codes), §3.2 T3 (WAP, LF, E, U, OLF and the rates by
//! sex × education × migrant axis).
//!
//! **Extension:** the core record's `education` column and its codes are migstat's; the
//! ISCED 2011 levels are those of attainment (ISCED-A, first digit).

/// A CL_EDU aggregate level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Education {
    /// `EDU_AGGREGATE_LTB`: no schooling or early childhood education only.
    LessThanBasic,
    /// `EDU_AGGREGATE_BAS`: primary or lower secondary.
    Basic,
    /// `EDU_AGGREGATE_INT`: upper secondary or post-secondary non-tertiary.
    Intermediate,
    /// `EDU_AGGREGATE_ADV`: tertiary (short-cycle, bachelor's, master's, doctoral).
    Advanced,
    /// `EDU_AGGREGATE_X`: level not stated or not elsewhere classified.
    NotStated,
}

impl Education {
    /// The ILO CL_EDU code stored in the `edu` column.
    pub const fn code(self) -> &'static str {
        match self {
            Education::LessThanBasic => "EDU_AGGREGATE_LTB",
            Education::Basic => "EDU_AGGREGATE_BAS",
            Education::Intermediate => "EDU_AGGREGATE_INT",
            Education::Advanced => "EDU_AGGREGATE_ADV",
            Education::NotStated => "EDU_AGGREGATE_X",
        }
    }
}

/// The aggregate level of a person whose `education` is `value` (`None` or empty = not
/// stated); `None` for a value the core record does not allow (ingest rejects it).
pub fn education(value: Option<&str>) -> Option<Education> {
    use Education::*;
    Some(match crate::stated(value) {
        None | Some("9") => NotStated,
        Some("X" | "0" | "LTB") => LessThanBasic,
        Some("1" | "2" | "BAS") => Basic,
        Some("3" | "4" | "INT") => Intermediate,
        Some("5" | "6" | "7" | "8" | "ADV") => Advanced,
        Some(_) => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::Education::*;
    use super::*;

    #[test]
    fn isced_2011_levels_map_to_ilo_aggregates_as_in_ilo_microdata_processing() {
        let cases = [
            ("X", LessThanBasic),
            ("0", LessThanBasic),
            ("1", Basic),
            ("2", Basic),
            ("3", Intermediate),
            ("4", Intermediate),
            ("5", Advanced),
            ("6", Advanced),
            ("7", Advanced),
            ("8", Advanced),
            ("9", NotStated),
        ];
        for (level, expected) in cases {
            assert_eq!(education(Some(level)), Some(expected), "ISCED {level}");
        }
    }

    #[test]
    fn an_aggregate_given_directly_is_kept() {
        assert_eq!(education(Some("LTB")), Some(LessThanBasic));
        assert_eq!(education(Some("BAS")), Some(Basic));
        assert_eq!(education(Some("INT")), Some(Intermediate));
        assert_eq!(education(Some("ADV")), Some(Advanced));
    }

    #[test]
    fn not_stated_is_x_never_imputed() {
        assert_eq!(education(None), Some(NotStated));
        assert_eq!(education(Some("")), Some(NotStated));
    }

    #[test]
    fn a_code_outside_the_core_record_is_no_level() {
        for bad in ["10", "x", "EDU_AGGREGATE_BAS", "X "] {
            assert_eq!(education(Some(bad)), None, "{bad}");
        }
    }

    #[test]
    fn codes_are_the_cl_edu_aggregate_codes() {
        let codes: Vec<&str> = [LessThanBasic, Basic, Intermediate, Advanced, NotStated]
            .iter()
            .map(|e| e.code())
            .collect();
        assert_eq!(
            codes,
            [
                "EDU_AGGREGATE_LTB",
                "EDU_AGGREGATE_BAS",
                "EDU_AGGREGATE_INT",
                "EDU_AGGREGATE_ADV",
                "EDU_AGGREGATE_X"
            ]
        );
    }
}
