//! `[concepts]`: the parameters of the 2018 ICLS concepts that the guidelines leave to
//! each country (an extension of the contract; every key optional).
//!
//! ```toml
//! [concepts]
//! residence_rule        = "national"  # or "most_of_12_months" (UN option A), "at_least_12_months" (B)
//! residence_rule_text   = "..."       # the national definition, with residence_rule = "national"
//! recent_years          = 5           # a recent migrant arrived in the last N years
//! return_lookback_years = 10          # a return migrant came back in the last N years
//! nonresident_coverage  = "..."       # how the source covers non-resident foreign workers
//! ```
//!
//! Sources: icls-concepts.md §1.2 (usual residence: UN *Principles and Recommendations for
//! Population and Housing Censuses*, Rev.3, 2017, the two options), §1.4 (non-resident
//! foreign workers, "record the coverage in the metadata"), §1.6 (return migrants: the
//! look-back period is UNCONFIRMED, so a parameter), §1.7 (recent migrants: 5 years is a
//! proposed default, so a parameter). The values are recorded in the manifest (the
//! normalised config) and, as text, in the published notes ([`Concepts::residence_note`],
//! [`Concepts::fill`]).

use serde::{Deserialize, Serialize};

/// How usual residence is decided (icls-concepts.md §1.2).
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Default)]
#[serde(rename_all = "snake_case")]
pub enum ResidenceRule {
    /// The producer's roster flag `usual_resident` as it is (the frame's national
    /// definition, described by `residence_rule_text`). The default: LFS and census
    /// frames have usually fixed residence already, so the pipeline records the rule.
    #[default]
    National,
    /// UN P&R Rev.3 option A, "most of the last 12 months": present in the country for
    /// more than 6 of the last 12 months ("at least 6 months and 1 day"), or intending to
    /// stay at least 6 months.
    #[serde(rename = "most_of_12_months")]
    MostOf12Months,
    /// UN P&R Rev.3 option B, "at least 12 months": present for the whole of the last 12
    /// months, or intending to stay at least 12 months.
    #[serde(rename = "at_least_12_months")]
    AtLeast12Months,
}

impl ResidenceRule {
    /// The config value.
    pub fn code(self) -> &'static str {
        match self {
            ResidenceRule::National => "national",
            ResidenceRule::MostOf12Months => "most_of_12_months",
            ResidenceRule::AtLeast12Months => "at_least_12_months",
        }
    }
}

/// The longest free text a concept key may hold: the notes built from it must fit ILO's
/// `MAXTEXTATTRIBUTELENGTH` (1024) with the fixed wording around them.
pub const MAX_TEXT: usize = 600;

/// `[concepts]`
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Concepts {
    /// How usual residence is decided.
    #[serde(default)]
    pub residence_rule: ResidenceRule,
    /// The national definition of usual residence (with `residence_rule = "national"`).
    #[serde(default)]
    pub residence_rule_text: Option<String>,
    /// A recent migrant arrived to live in the country in the last `recent_years` years.
    #[serde(default = "default_recent_years")]
    pub recent_years: u32,
    /// A return migrant came back to live in the country in the last
    /// `return_lookback_years` years.
    #[serde(default = "default_return_lookback_years")]
    pub return_lookback_years: u32,
    /// How the source covers non-resident foreign workers (collective quarters, border
    /// crossings, ...): published in the notes of their dataflows.
    #[serde(default)]
    pub nonresident_coverage: Option<String>,
}

fn default_recent_years() -> u32 {
    5
}
fn default_return_lookback_years() -> u32 {
    10
}

impl Default for Concepts {
    fn default() -> Self {
        toml::from_str("").expect("every [concepts] key has a default")
    }
}

/// The placeholders a dataflow note may use, each with what it is replaced by.
pub const PLACEHOLDERS: &[(&str, &str)] = &[
    ("{recent_years}", "[concepts] recent_years"),
    (
        "{first_recent_year}",
        "the earliest year of arrival of a recent migrant",
    ),
    (
        "{return_lookback_years}",
        "[concepts] return_lookback_years",
    ),
    (
        "{first_return_year}",
        "the earliest year of return of a return migrant",
    ),
    ("{reference_year}", "the year of survey.time_period"),
    ("{nonresident_coverage}", "[concepts] nonresident_coverage"),
];

impl Concepts {
    /// Whether every key has its default value.
    pub fn is_default(&self) -> bool {
        *self == Concepts::default()
    }

    /// Checks the values; the error names the key.
    pub fn check(&self) -> std::result::Result<(), String> {
        if !(1..=100).contains(&self.recent_years) {
            return Err(format!(
                "concepts.recent_years = {}: a number of years from 1 to 100",
                self.recent_years
            ));
        }
        if !(1..=100).contains(&self.return_lookback_years) {
            return Err(format!(
                "concepts.return_lookback_years = {}: a number of years from 1 to 100",
                self.return_lookback_years
            ));
        }
        if self.residence_rule_text.is_some() && self.residence_rule != ResidenceRule::National {
            return Err(format!(
                "concepts.residence_rule_text describes a national definition: it goes with \
                 residence_rule = \"national\", not {:?}",
                self.residence_rule.code()
            ));
        }
        for (key, text) in [
            ("residence_rule_text", &self.residence_rule_text),
            ("nonresident_coverage", &self.nonresident_coverage),
        ] {
            if let Some(t) = text {
                if t.trim().is_empty() || t.len() > MAX_TEXT || t.contains(['\n', '\r']) {
                    return Err(format!(
                        "concepts.{key}: one line of 1 to {MAX_TEXT} bytes (it is published \
                         in the SDMX notes)"
                    ));
                }
            }
        }
        Ok(())
    }

    /// The `NOTE_SOURCE` text on the residence rule, published with every observation;
    /// `None` when the rule is the producer's roster flag with no definition given (the
    /// output is then what it was before `[concepts]` existed).
    pub fn residence_note(&self) -> Option<String> {
        match (self.residence_rule, &self.residence_rule_text) {
            (ResidenceRule::National, None) => None,
            (ResidenceRule::National, Some(text)) => {
                Some(format!("Usual residence: national definition: {text}"))
            }
            (ResidenceRule::MostOf12Months, _) => Some(
                "Usual residence: UN P&R Rev.3 option A, most of the last 12 months (present \
                 more than 6 of the last 12 months, or intending to stay at least 6 months); \
                 persons the roster records as not usual residents are excluded"
                    .to_string(),
            ),
            (ResidenceRule::AtLeast12Months, _) => Some(
                "Usual residence: UN P&R Rev.3 option B, at least 12 months (present for the \
                 whole of the last 12 months, or intending to stay at least 12 months); \
                 persons the roster records as not usual residents are excluded"
                    .to_string(),
            ),
        }
    }

    /// The earliest year of arrival of a recent migrant in a survey of `reference_year`:
    /// the reference year and the `recent_years - 1` years before it.
    pub fn first_recent_year(&self, reference_year: i32) -> i32 {
        reference_year - self.recent_years as i32 + 1
    }

    /// The earliest year of return of a return migrant (as [`Self::first_recent_year`]).
    pub fn first_return_year(&self, reference_year: i32) -> i32 {
        reference_year - self.return_lookback_years as i32 + 1
    }

    /// `template` with every placeholder of [`PLACEHOLDERS`] replaced by its value.
    pub fn fill(&self, template: &str, reference_year: i32) -> String {
        let coverage = self
            .nonresident_coverage
            .as_deref()
            .unwrap_or("not documented by the producer");
        template
            .replace("{recent_years}", &self.recent_years.to_string())
            .replace(
                "{first_recent_year}",
                &self.first_recent_year(reference_year).to_string(),
            )
            .replace(
                "{return_lookback_years}",
                &self.return_lookback_years.to_string(),
            )
            .replace(
                "{first_return_year}",
                &self.first_return_year(reference_year).to_string(),
            )
            .replace("{reference_year}", &reference_year.to_string())
            .replace("{nonresident_coverage}", coverage)
    }
}

/// The `{...}` words of `template` that are not placeholders of [`PLACEHOLDERS`].
pub fn unknown_placeholders(template: &str) -> Vec<String> {
    let mut unknown = Vec::new();
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        let Some(len) = rest[start..].find('}') else {
            unknown.push(rest[start..].to_string());
            break;
        };
        let word = &rest[start..start + len + 1];
        if !PLACEHOLDERS.iter().any(|(p, _)| *p == word) {
            unknown.push(word.to_string());
        }
        rest = &rest[start + len + 1..];
    }
    unknown
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Concepts {
        toml::from_str(text).unwrap()
    }

    #[test]
    fn the_defaults_are_the_roster_five_recent_years_and_ten_years_back() {
        let c = Concepts::default();
        assert_eq!(c.residence_rule, ResidenceRule::National);
        assert_eq!((c.recent_years, c.return_lookback_years), (5, 10));
        assert_eq!(c.residence_note(), None);
        assert!(c.check().is_ok());
    }

    #[test]
    fn the_two_un_options_are_named_as_in_the_config() {
        let a = parse("residence_rule = \"most_of_12_months\"");
        assert_eq!(a.residence_rule, ResidenceRule::MostOf12Months);
        assert!(a.residence_note().unwrap().contains("option A"));
        let b = parse("residence_rule = \"at_least_12_months\"");
        assert_eq!(b.residence_rule.code(), "at_least_12_months");
        assert!(b.residence_note().unwrap().contains("option B"));
        assert!(toml::from_str::<Concepts>("residence_rule = \"six_months\"").is_err());
    }

    #[test]
    fn a_national_definition_is_published_as_written() {
        let c = parse(
            "residence_rule = \"national\"\nresidence_rule_text = \"de jure household members\"",
        );
        assert!(c.check().is_ok());
        assert_eq!(
            c.residence_note().unwrap(),
            "Usual residence: national definition: de jure household members"
        );
    }

    #[test]
    fn a_definition_text_with_a_un_option_is_an_error_naming_the_key() {
        let c = parse("residence_rule = \"most_of_12_months\"\nresidence_rule_text = \"x\"");
        assert!(c.check().unwrap_err().contains("residence_rule_text"));
    }

    #[test]
    fn periods_are_checked() {
        let e = parse("recent_years = 0").check().unwrap_err();
        assert!(e.contains("concepts.recent_years"), "{e}");
        let e = parse("return_lookback_years = 101").check().unwrap_err();
        assert!(e.contains("concepts.return_lookback_years"), "{e}");
        let e = parse("nonresident_coverage = \"a\\nb\"")
            .check()
            .unwrap_err();
        assert!(e.contains("nonresident_coverage"), "{e}");
    }

    #[test]
    fn recent_means_the_reference_year_and_the_years_just_before() {
        let c = Concepts::default();
        assert_eq!(c.first_recent_year(2024), 2020);
        assert_eq!(c.first_return_year(2024), 2015);
        assert_eq!(
            c.fill("arrived {first_recent_year}-{reference_year} ({recent_years} years); {nonresident_coverage}", 2024),
            "arrived 2020-2024 (5 years); not documented by the producer"
        );
    }

    #[test]
    fn unknown_placeholders_are_found() {
        assert!(unknown_placeholders("in {recent_years} years").is_empty());
        assert_eq!(
            unknown_placeholders("{recent_yeras} and {reference_year} and {open"),
            ["{recent_yeras}", "{open"]
        );
    }
}
