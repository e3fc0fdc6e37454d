//! The population model: households, persons and their answers.
//!
//! A port of `fixtures/lfs/generate_lfs.py` (same tables and probabilities, a different
//! random stream): native households (1-7 persons), resident immigrant households and
//! non-resident groups; an age pyramid; about 8% foreign-born, concentrated at 25-54;
//! labour force participation and unemployment by sex, age band and, for immigrants, the
//! reason for migration; and the special cases of the core record (stateless `XXA`,
//! foreign of unknown country `XXX`, dual citizens, not stated, non-residents, children,
//! zero weights, pre-derived `lfs_status` next to question items).

use crate::rng::Rng;

/// An ISO 3166-1 alpha-3 code (or `XXA` / `XXX`).
pub type Code = [u8; 3];

/// The reference year (time period 2024-Q2).
pub const REF_YEAR: i64 = 2024;

const fn code(s: &str) -> Code {
    let b = s.as_bytes();
    [b[0], b[1], b[2]]
}

type Table = &'static [(&'static str, f64)];

/// Source countries of resident immigrants.
const RES_ORIGINS: Table = &[
    ("CHN", 15.0),
    ("USA", 13.0),
    ("KOR", 12.0),
    ("JPN", 9.0),
    ("IND", 9.0),
    ("IDN", 7.0),
    ("AUS", 4.0),
    ("SAU", 4.0),
    ("ARE", 3.0),
    ("GBR", 3.0),
    ("MYS", 3.0),
    ("VNM", 3.0),
    ("CAN", 3.0),
    ("SGP", 2.0),
    ("HKG", 2.0),
    ("DEU", 2.0),
    ("THA", 1.5),
    ("PAK", 1.5),
    ("NGA", 1.0),
    ("ESP", 1.0),
    ("FRA", 1.0),
    ("NZL", 1.0),
    ("XXX", 4.0),
];
/// Seasonal and short-stay foreign workers (usual_resident = N).
const NONRES_ORIGINS: Table = &[
    ("IDN", 20.0),
    ("CHN", 18.0),
    ("KOR", 12.0),
    ("VNM", 10.0),
    ("IND", 8.0),
    ("MYS", 8.0),
    ("THA", 6.0),
    ("JPN", 6.0),
    ("USA", 4.0),
    ("AUS", 3.0),
    ("XXX", 5.0),
];
/// Where citizens born abroad were born.
const DESCENT_BIRTH: Table = &[
    ("SAU", 25.0),
    ("ARE", 15.0),
    ("USA", 15.0),
    ("HKG", 8.0),
    ("KWT", 7.0),
    ("QAT", 7.0),
    ("JPN", 6.0),
    ("SGP", 5.0),
    ("CAN", 5.0),
    ("GBR", 3.0),
    ("AUS", 2.0),
    ("ITA", 2.0),
];
/// Second (foreign) citizenships.
const SECOND_FOREIGN: Table = &[
    ("USA", 30.0),
    ("CAN", 15.0),
    ("AUS", 15.0),
    ("GBR", 12.0),
    ("NZL", 6.0),
    ("DEU", 6.0),
    ("ESP", 5.0),
    ("JPN", 4.0),
    ("SGP", 4.0),
    ("IND", 3.0),
];
const STATELESS_BIRTH: Table = &[("IDN", 5.0), ("MYS", 4.0), ("MMR", 1.0), ("XXX", 2.0)];
const REASONS: Table = &[
    ("WORK_JOB_FOUND", 38.0),
    ("WORK_NO_JOB_FOUND", 12.0),
    ("FAMILY", 24.0),
    ("EDUCATION", 11.0),
    ("INTERNATIONAL_PROTECTION", 5.0),
    ("OTHER", 9.0),
    ("", 3.0),
];
const REASONS_DEPENDANT: Table = &[
    ("FAMILY", 85.0),
    ("EDUCATION", 5.0),
    ("OTHER", 7.0),
    ("", 3.0),
];
const NATIVE_HH_SIZE: &[(u8, f64)] = &[
    (1, 9.0),
    (2, 15.0),
    (3, 18.0),
    (4, 20.0),
    (5, 16.0),
    (6, 12.0),
    (7, 10.0),
];
const MIGRANT_HH_SIZE: &[(u8, f64)] = &[
    (1, 30.0),
    (2, 25.0),
    (3, 18.0),
    (4, 13.0),
    (5, 8.0),
    (6, 4.0),
    (7, 2.0),
];
const NONRES_HH_SIZE: &[(u8, f64)] = &[(1, 40.0), (2, 25.0), (3, 20.0), (4, 15.0)];
const ABSENCE_AUTO: Table = &[
    ("SICK", 30.0),
    ("LEAVE", 34.0),
    ("ARRANGEMENT", 12.0),
    ("TRAINING", 8.0),
];

/// Participation (labour force / working-age population) by age band 15-19, 20-24,
/// 25-34, 35-44, 45-54, 55-64, 65+, for M, F and O.
const LFPR: [[f64; 7]; 3] = [
    [0.28, 0.68, 0.92, 0.94, 0.92, 0.78, 0.38],
    [0.17, 0.48, 0.60, 0.63, 0.61, 0.47, 0.20],
    [0.22, 0.58, 0.76, 0.78, 0.76, 0.62, 0.29],
];
/// Unemployment rate by the same age bands.
const UR: [f64; 7] = [0.16, 0.12, 0.06, 0.045, 0.035, 0.03, 0.015];

/// reason_for_migration -> (participation of men, of women, unemployment multiplier).
fn reason_lf(reason: &str) -> (f64, f64, f64) {
    match reason {
        "WORK_JOB_FOUND" => (0.97, 0.93, 0.5),
        "WORK_NO_JOB_FOUND" => (0.95, 0.88, 2.5),
        "FAMILY" => (0.80, 0.38, 1.5),
        "EDUCATION" => (0.30, 0.25, 2.0),
        "INTERNATIONAL_PROTECTION" => (0.75, 0.50, 3.5),
        "OTHER" => (0.70, 0.45, 1.3),
        _ => (0.75, 0.45, 1.3),
    }
}

/// Base weight of the 34 implicit weighting strata (17 regions x urban/rural).
fn implicit_stratum_base(s: usize) -> f64 {
    95.0 + ((s * 53) % 260) as f64
}

fn age_band(age: i64) -> usize {
    match age {
        a if a < 20 => 0,
        a if a < 25 => 1,
        a if a >= 65 => 6,
        a => ((a - 5) / 10) as usize,
    }
}

fn sex_index(sex: u8) -> usize {
    match sex {
        b'M' => 0,
        b'F' => 1,
        _ => 2,
    }
}

/// The labour force block of a person: `lfs_status` or the question items.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Lf {
    /// `EMP`, `UNE`, `OLF` when the producer derived it.
    pub status: Option<&'static str>,
    /// Worked for pay or profit in the reference week.
    pub worked: Option<bool>,
    /// Temporarily absent from a job.
    pub absent: Option<bool>,
    /// Why absent.
    pub absence_reason: Option<&'static str>,
    /// Paid during the absence.
    pub absence_paid: Option<bool>,
    /// Returns within 3 months.
    pub absence_return_3m: Option<bool>,
    /// Searched for a job in the last 4 weeks.
    pub searched: Option<bool>,
    /// Available to start.
    pub available: Option<bool>,
    /// Has a job arranged to start within 3 months.
    pub future_start: Option<bool>,
}

/// One person row of the core record.
#[derive(Debug, Clone, PartialEq)]
pub struct Person {
    /// 1-based household number (`household_id` `H0000001`).
    pub household: u64,
    /// 1-based member number within the household (`person_id` `H0000001-01`).
    pub member: u8,
    /// The final weight in hundredths.
    pub weight_cents: u64,
    /// `M`, `F` or `O`.
    pub sex: u8,
    /// Completed years; `None` = not stated.
    pub age: Option<u8>,
    /// Country of birth; `None` = not stated.
    pub country_of_birth: Option<Code>,
    /// Citizenship; `None` = not stated.
    pub citizenship: Option<Code>,
    /// A second citizenship.
    pub citizenship_2: Option<Code>,
    /// `usual_resident`.
    pub usual_resident: bool,
    /// The labour force block.
    pub lf: Lf,
    /// Year of last arrival (persons born abroad).
    pub year_of_arrival: Option<u16>,
    /// Reason for migration (persons born abroad).
    pub reason: Option<&'static str>,
    /// The design unit: (stratum index, PSU index), when a design is asked for.
    pub unit: Option<(u32, u32)>,
}

/// The three kinds of household.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Seasonal and short-stay foreign workers, a few visitors (usual_resident = N).
    NonResident,
    /// A resident immigrant household.
    Migrant,
    /// A native household.
    Native,
}

/// The first draws of household `h`: its kind and size, and the stream to continue with.
pub fn household_plan(seed: u64, h: u64) -> (Rng, Kind, u8) {
    let mut rng = Rng::for_item(seed, 1, h);
    let r = rng.f64();
    let (kind, sizes) = if r < 0.015 {
        (Kind::NonResident, NONRES_HH_SIZE)
    } else if r < 0.135 {
        (Kind::Migrant, MIGRANT_HH_SIZE)
    } else {
        (Kind::Native, NATIVE_HH_SIZE)
    };
    let size = rng.pick(sizes);
    (rng, kind, size)
}

/// What generating a household needs besides its own stream.
pub struct Context<'a> {
    /// The reporting country.
    pub ref_area: Code,
    /// Base weight of a design stratum, when there is a design.
    pub stratum_base: Option<&'a [f64]>,
}

struct Gen<'a, 'b> {
    rng: Rng,
    ctx: &'a Context<'a>,
    household: u64,
    unit: Option<(u32, u32)>,
    out: &'b mut Vec<Person>,
    hh_w: f64,
    member: u8,
}

/// Appends the persons of household `h` (1-based), `size` of them (the last household
/// of a file may be cut short), in design unit `unit`.
pub fn household(
    ctx: &Context<'_>,
    seed: u64,
    h: u64,
    size: u8,
    unit: Option<(u32, u32)>,
    out: &mut Vec<Person>,
) {
    let (mut rng, kind, _) = household_plan(seed, h);
    let implicit = rng.below(34);
    let base = match (ctx.stratum_base, unit) {
        (Some(bases), Some((s, _))) => bases[s as usize],
        _ => implicit_stratum_base(implicit),
    };
    let hh_w = base * (0.9 + 0.2 * rng.f64());
    let mut g = Gen {
        rng,
        ctx,
        household: h,
        unit,
        out,
        hh_w,
        member: 0,
    };
    match kind {
        Kind::NonResident => g.nonresident(size),
        Kind::Migrant => g.migrant(size),
        Kind::Native => g.native(size),
    }
}

/// A person's fields before the weight and the not-stated masks.
struct Draft {
    sex: u8,
    age: i64,
    cob: Option<Code>,
    cit: Option<Code>,
    cit2: Option<Code>,
    resident: bool,
    lf: Lf,
    yoa: Option<u16>,
    reason: Option<&'static str>,
    foreign: bool,
}

impl Gen<'_, '_> {
    fn pick_code(&mut self, table: Table) -> Code {
        code(self.rng.pick(table))
    }

    /// A code from `table` other than `not_this`, the reporting country and `XXX`.
    /// A country from `table` other than the reference area.
    fn pick_foreign(&mut self, table: Table) -> Code {
        let origin = self.pick_code(table);
        if origin == self.ctx.ref_area {
            self.foreign_other(table, origin)
        } else {
            origin
        }
    }

    fn foreign_other(&mut self, table: Table, not_this: Code) -> Code {
        for _ in 0..8 {
            let c = self.pick_code(table);
            if c != not_this && c != self.ctx.ref_area && c != *b"XXX" {
                return c;
            }
        }
        if not_this != *b"GBR" && self.ctx.ref_area != *b"GBR" {
            *b"GBR"
        } else if self.ctx.ref_area != *b"CAN" && not_this != *b"CAN" {
            *b"CAN"
        } else {
            *b"NZL"
        }
    }

    fn reason(&mut self, table: Table) -> Option<&'static str> {
        Some(self.rng.pick(table)).filter(|r| !r.is_empty())
    }

    fn maybe_sex(&mut self, sex: u8, age: i64) -> u8 {
        if age >= 15 && self.rng.chance(0.0025) {
            b'O'
        } else {
            sex
        }
    }

    fn child_sex(&mut self) -> u8 {
        if self.rng.chance(0.51) {
            b'M'
        } else {
            b'F'
        }
    }

    /// The labour force block; `p_lf` overrides the participation of the sex and age.
    fn lf(&mut self, sex: u8, age: i64, p_lf: Option<f64>, ur_mult: f64, derived: bool) -> Lf {
        let rng = &mut self.rng;
        let no = Some(false);
        let yes = Some(true);
        if age < 15 {
            // Not asked below 15, but for a few working children (out of scope anyway).
            if age >= 10 && !derived && rng.chance(0.03) {
                return Lf {
                    worked: yes,
                    ..Lf::default()
                };
            }
            return Lf::default();
        }
        let band = age_band(age);
        let p_lf = p_lf.unwrap_or(LFPR[sex_index(sex)][band]);
        let p_une = (UR[band] * ur_mult).min(0.6);
        let r = rng.f64();
        let status = if r < p_lf * (1.0 - p_une) {
            "EMP"
        } else if r < p_lf {
            "UNE"
        } else {
            "OLF"
        };
        if derived {
            return Lf {
                status: Some(status),
                ..Lf::default()
            };
        }
        if rng.chance(0.012) {
            // Item non-response on the block: residual OLF.
            return Lf {
                worked: if rng.chance(0.5) { None } else { no },
                ..Lf::default()
            };
        }
        let u = rng.f64();
        if status == "EMP" {
            if u < 0.92 {
                return Lf {
                    worked: yes,
                    ..Lf::default()
                };
            }
            let absent = |reason: &'static str| Lf {
                worked: no,
                absent: yes,
                absence_reason: Some(reason),
                ..Lf::default()
            };
            let v = rng.f64();
            if sex == b'F' && (18..=45).contains(&age) && v < 0.5 {
                return absent("MATERNITY");
            }
            if v < 0.78 {
                return absent(rng.pick(ABSENCE_AUTO));
            }
            // Another reason: attached through pay or an expected return within 3 months.
            let w = rng.f64();
            let (paid, back) = if w < 0.45 {
                (yes, None)
            } else if w < 0.75 {
                (no, yes)
            } else {
                (yes, yes)
            };
            return Lf {
                absence_paid: paid,
                absence_return_3m: back,
                ..absent("OTHER")
            };
        }
        // Not employed: did not work; not absent, or absent without attachment.
        let mut head = Lf {
            worked: no,
            absent: no,
            ..Lf::default()
        };
        if rng.chance(0.05) {
            head.absent = yes;
            head.absence_reason = Some("OTHER");
            head.absence_paid = no;
            head.absence_return_3m = if rng.chance(0.7) { no } else { None };
        }
        let (searched, available, future) = if status == "UNE" {
            if u < 0.8 {
                (yes, yes, None)
            } else {
                (no, yes, yes)
            }
        } else if u < 0.05 {
            (yes, no, None) // unavailable jobseeker
        } else if u < 0.11 {
            (no, yes, no) // available potential jobseeker
        } else if u < 0.125 {
            (no, no, yes) // future starter, not available
        } else {
            (no, no, no)
        };
        Lf {
            searched,
            available,
            future_start: future,
            ..head
        }
    }

    fn person_weight(&mut self, sex: u8, age: i64, foreign: bool) -> f64 {
        let mut f = if sex == b'M' && (15..35).contains(&age) {
            1.08
        } else if age < 15 {
            0.97
        } else if age >= 65 {
            0.95
        } else {
            1.0
        };
        if foreign {
            f *= 1.04;
        }
        self.hh_w * f * (0.98 + 0.04 * self.rng.f64())
    }

    fn emit(&mut self, d: Draft) {
        let rng = &mut self.rng;
        let (mut cob, mut cit) = (d.cob, d.cit);
        if rng.chance(0.006) {
            cob = None;
        }
        if rng.chance(0.005) {
            cit = None;
        }
        let age = if rng.chance(0.005) {
            None
        } else {
            Some(d.age as u8)
        };
        let zero = rng.chance(0.002);
        let w = self.person_weight(d.sex, d.age, d.foreign);
        let weight_cents = if zero { 0 } else { (w * 100.0).round() as u64 };
        self.member += 1;
        self.out.push(Person {
            household: self.household,
            member: self.member,
            weight_cents,
            sex: d.sex,
            age,
            country_of_birth: cob,
            citizenship: cit,
            citizenship_2: d.cit2,
            usual_resident: d.resident,
            lf: d.lf,
            year_of_arrival: d.yoa,
            reason: d.reason,
            unit: self.unit,
        });
    }

    /// Ages of the members after the head: (role, age).
    fn family_ages(&mut self, head_age: i64, size: u8, spouse_p: f64) -> Vec<(Role, i64)> {
        let rng = &mut self.rng;
        let mut out = vec![(Role::Head, head_age)];
        if size >= 2 && head_age >= 18 && rng.chance(spouse_p) {
            let a = (head_age + rng.gauss(-2.0, 4.0) as i64).clamp(18, 95);
            out.push((Role::Spouse, a));
        }
        while out.len() < size as usize {
            let v = rng.f64();
            if head_age >= 55 && v < 0.35 {
                out.push((Role::Grandchild, rng.range(0, 20.min(head_age - 40))));
            } else if head_age < 55 && v < 0.08 {
                out.push((Role::Parent, 95.min(head_age + rng.range(20, 34))));
            } else if v < 0.88 {
                let lo = (head_age - 44).max(0);
                let hi = (head_age - 18).max(lo);
                out.push((Role::Child, rng.range(lo, hi)));
            } else {
                out.push((Role::Other, rng.range(0, 80)));
            }
        }
        out
    }

    fn member_sex(&mut self, role: Role, head_sex: u8) -> u8 {
        match role {
            Role::Head => head_sex,
            Role::Spouse if head_sex == b'M' => b'F',
            Role::Spouse => b'M',
            _ => self.child_sex(),
        }
    }

    fn native(&mut self, size: u8) {
        let reference = self.ctx.ref_area;
        let head_age = 95.min(self.rng.triangular(18.0, 96.0, 30.0) as i64);
        let head_sex = if self.rng.chance(0.7) { b'M' } else { b'F' };
        let stateless_household = self.rng.chance(0.002);
        let derived = self.rng.chance(0.25);
        let members = self.family_ages(head_age, size, 0.82);
        for (role, age) in members {
            let sex = self.member_sex(role, head_sex);
            let sex = self.maybe_sex(sex, age);
            let (mut cob, mut cit, mut cit2) = (reference, reference, None);
            let (mut yoa, mut reason, mut foreign) = (None, None, false);
            if stateless_household {
                cit = *b"XXA";
            } else {
                let v = self.rng.f64();
                if v < 0.012 {
                    // A citizen born abroad (child of overseas workers), came back later.
                    cob = self.pick_code(DESCENT_BIRTH);
                    if cob == reference {
                        cob = self.foreign_other(DESCENT_BIRTH, reference);
                    }
                    foreign = true;
                    yoa = Some(self.rng.range(REF_YEAR - age, REF_YEAR) as u16);
                    reason = self.reason(REASONS_DEPENDANT);
                    if self.rng.chance(0.25) {
                        let anglo = [*b"USA", *b"CAN", *b"AUS", *b"GBR"].contains(&cob);
                        if anglo && self.rng.chance(0.6) {
                            (cit, cit2) = (cob, Some(reference)); // dual, foreign first
                        } else {
                            cit2 = Some(self.foreign_other(SECOND_FOREIGN, reference));
                        }
                    }
                } else if v < 0.0135 {
                    cit2 = Some(self.foreign_other(SECOND_FOREIGN, reference)); // native dual
                }
            }
            let lf = self.lf(sex, age, None, 1.0, derived);
            self.emit(Draft {
                sex,
                age,
                cob: Some(cob),
                cit: Some(cit),
                cit2,
                resident: true,
                lf,
                yoa,
                reason,
                foreign,
            });
        }
    }

    fn migrant(&mut self, size: u8) {
        let reference = self.ctx.ref_area;
        let mut origin = self.pick_foreign(RES_ORIGINS);
        let head_age = 95.min(self.rng.triangular(21.0, 80.0, 32.0) as i64);
        let head_sex = if self.rng.chance(0.62) { b'M' } else { b'F' };
        let arrival_age = self.rng.range(18, head_age.min(50));
        let arrival = REF_YEAR - head_age + arrival_age;
        let mut head_reason = self.rng.pick(REASONS);
        if head_reason == "EDUCATION" && head_age > 35 && self.rng.chance(0.7) {
            head_reason = "WORK_JOB_FOUND";
        }
        let derived = self.rng.chance(0.25);
        let mut hh_cit = if origin == *b"XXX" {
            if self.rng.chance(0.6) {
                *b"XXX"
            } else {
                self.foreign_other(RES_ORIGINS, reference)
            }
        } else if self.rng.chance(0.05) {
            self.foreign_other(RES_ORIGINS, origin)
        } else {
            origin
        };
        if self.rng.chance(0.02) {
            origin = self.pick_code(STATELESS_BIRTH);
            hh_cit = *b"XXA";
        }
        let members = self.family_ages(head_age, size, 0.75);
        let local_spouse = self.rng.chance(0.3);
        for (role, age) in members {
            let sex = self.member_sex(role, head_sex);
            let sex = self.maybe_sex(sex, age);
            let birth_year = REF_YEAR - age;
            let (mut cit2, mut yoa, mut reason) = (None, None, None);
            let (cob, mut cit, foreign);
            if role == Role::Spouse && local_spouse {
                (cob, cit, foreign) = (reference, reference, false);
            } else if matches!(role, Role::Child | Role::Grandchild) && birth_year >= arrival {
                // Born here to immigrant parents: native-born; a citizen only through a
                // parent who is one (no jus soli).
                (cob, foreign) = (reference, false);
                if local_spouse && role == Role::Child {
                    cit = reference;
                    if hh_cit != *b"XXX" && hh_cit != *b"XXA" && self.rng.chance(0.4) {
                        cit2 = Some(hh_cit);
                    }
                } else {
                    cit = hh_cit;
                }
            } else {
                (cob, cit, foreign) = (origin, hh_cit, true);
                let mut yoa_i = arrival.max(birth_year);
                if role != Role::Head && self.rng.chance(0.3) {
                    yoa_i = REF_YEAR.min(yoa_i + self.rng.range(0, 3));
                }
                yoa = Some(yoa_i as u16);
                reason = match role {
                    Role::Head => Some(head_reason).filter(|r| !r.is_empty()),
                    Role::Spouse if self.rng.chance(0.8) => Some("FAMILY"),
                    Role::Spouse => self.reason(REASONS),
                    _ if age >= 18 && self.rng.chance(0.3) => self.reason(REASONS),
                    _ => self.reason(REASONS_DEPENDANT),
                };
                if local_spouse && role == Role::Child {
                    cit = reference; // a citizen by descent, born abroad
                } else if cit != *b"XXA" && cit != *b"XXX" {
                    let v = self.rng.f64();
                    if REF_YEAR - yoa_i >= 10 && age >= 18 && v < 0.3 {
                        // naturalised
                        let w = self.rng.f64();
                        if w < 0.5 {
                            cit = reference;
                        } else if w < 0.8 {
                            cit2 = Some(reference); // the foreign one kept, listed first
                        } else {
                            (cit, cit2) = (reference, Some(cit));
                        }
                    } else if v > 0.96 {
                        cit2 = Some(self.foreign_other(SECOND_FOREIGN, cit)); // two foreign
                    } else if v < 0.03 {
                        cit = *b"XXX";
                    } else if 0.5 < v && v < 0.505 {
                        cit = *b"XXA";
                    }
                }
                if self.rng.chance(0.03) {
                    yoa = None;
                }
            }
            let mut p_lf = None;
            let mut mult = 1.3;
            if role == Role::Head || foreign {
                let (p_m, p_f, m) = reason_lf(reason.unwrap_or(""));
                mult = m;
                if age >= 15 {
                    let band = age_band(age);
                    let cap = LFPR[0][band] / LFPR[0][3]; // youth and old age still matter
                    let p = match sex {
                        b'M' => p_m,
                        b'F' => p_f,
                        _ => (p_m + p_f) / 2.0,
                    };
                    p_lf = Some(p * (cap * 1.05).min(1.0));
                }
            }
            let lf = self.lf(sex, age, p_lf, mult, derived);
            self.emit(Draft {
                sex,
                age,
                cob: Some(cob),
                cit: Some(cit),
                cit2,
                resident: true,
                lf,
                yoa,
                reason,
                foreign,
            });
        }
    }

    fn nonresident(&mut self, size: u8) {
        let reference = self.ctx.ref_area;
        let origin = self.pick_foreign(NONRES_ORIGINS);
        let visitors = self.rng.chance(0.1);
        let derived = self.rng.chance(0.25);
        for _ in 0..size {
            let age = if visitors {
                self.rng.range(15, 75)
            } else {
                self.rng.range(20, 55)
            };
            let sex = if self.rng.chance(if visitors { 0.5 } else { 0.8 }) {
                b'M'
            } else {
                b'F'
            };
            let sex = self.maybe_sex(sex, age);
            let cit = if origin == *b"XXX" {
                if self.rng.chance(0.7) {
                    *b"XXX"
                } else {
                    self.foreign_other(NONRES_ORIGINS, reference)
                }
            } else if self.rng.chance(0.95) {
                origin
            } else {
                *b"XXX"
            };
            let yoa = if self.rng.chance(0.8) {
                REF_YEAR
            } else {
                REF_YEAR - 1
            };
            let (reason, p_lf) = if visitors {
                let r = if self.rng.chance(0.8) {
                    "OTHER"
                } else {
                    "FAMILY"
                };
                (Some(r), 0.05)
            } else if self.rng.chance(0.88) {
                (Some("WORK_JOB_FOUND"), 0.97)
            } else if self.rng.chance(0.6) {
                (Some("OTHER"), 0.97)
            } else {
                (None, 0.97)
            };
            let lf = self.lf(sex, age, Some(p_lf), 0.3, derived);
            self.emit(Draft {
                sex,
                age,
                cob: Some(origin),
                cit: Some(cit),
                cit2: None,
                resident: false,
                lf,
                yoa: Some(yoa as u16),
                reason,
                foreign: true,
            });
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Head,
    Spouse,
    Child,
    Grandchild,
    Parent,
    Other,
}
