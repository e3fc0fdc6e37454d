//! A stratified two-stage sample design: strata, PSUs and Rao-Wu bootstrap replicate
//! weights, built as `fixtures/lfs/generate_lfs.py --strata S --replicate-method bootstrap`
//! builds them.
//!
//! The design has its own random stream. Each stratum draws its number of PSUs; the last
//! `lonely_strata` strata have a single PSU. Each PSU gets a share of the persons (uniform
//! 0.6 to 1.4, normalised) and PSUs are cut from the person sequence in order; a household
//! belongs to the PSU in which its first member falls, so PSUs hold whole households.
//! Base weights vary by stratum (uniform 90 to 360).
//!
//! Replicate r of the Rao-Wu rescaled bootstrap (m_h = n_h - 1): in each stratum of
//! n_h >= 2 PSUs, n_h - 1 PSUs are drawn with replacement and PSU i gets the factor
//! n_h / (n_h - 1) x (times drawn); a stratum of one PSU keeps the factor 1. A replicate
//! weight is the printed (2-decimal) weight times the factor, rounded half to even to 6
//! decimals.

use crate::rng::Rng;
use crate::{DesignOptions, SynthError};

/// The drawn design.
#[derive(Debug, Clone)]
pub struct Design {
    /// Stratum codes `S01` ..
    pub strata: Vec<String>,
    /// Base weight per stratum.
    pub base: Vec<f64>,
    /// PSU codes (`S05-P3`), in order, with their stratum index.
    pub psus: Vec<(u32, String)>,
    /// Person offsets at which each PSU ends.
    cuts: Vec<f64>,
    /// `factors[r][psu]` = (numerator, denominator) of replicate r.
    pub factors: Vec<Vec<(u64, u64)>>,
}

impl Design {
    /// Draws the design for `persons` persons.
    pub fn new(seed: u64, persons: u64, options: &DesignOptions) -> Result<Design, SynthError> {
        let bad = |m: &str| Err(SynthError::Options(m.to_string()));
        let (lo, hi) = options.psus_per_stratum;
        if options.strata < 1 || options.strata > 9_999 {
            return bad("design: strata must be from 1 to 9999");
        }
        if !(1 <= lo && lo <= hi && hi <= 999) {
            return bad("design: PSUs per stratum must be LO..=HI with 1 <= LO <= HI <= 999");
        }
        if options.lonely_strata > options.strata {
            return bad("design: lonely strata must be at most the number of strata");
        }
        if options.replicates == 1 {
            return bad("design: bootstrap replicates must be 0 (none) or at least 2");
        }
        let mut rng = Rng::for_item(seed, 2, 0);
        let strata = options.strata as usize;
        let mut n_h: Vec<u32> = (0..strata)
            .map(|_| rng.range(i64::from(lo), i64::from(hi)) as u32)
            .collect();
        for n in n_h.iter_mut().skip(strata - options.lonely_strata as usize) {
            *n = 1;
        }
        let width = if strata < 100 { 2 } else { 4 };
        let names: Vec<String> = (1..=strata).map(|h| format!("S{h:0width$}")).collect();
        let base = (0..strata)
            .map(|_| (rng.uniform(90.0, 360.0) * 10.0).round() / 10.0)
            .collect();
        let mut psus = Vec::new();
        for (h, n) in n_h.iter().enumerate() {
            for j in 1..=*n {
                psus.push((h as u32, format!("{}-P{j}", names[h])));
            }
        }
        if persons < 20 * psus.len() as u64 {
            return Err(SynthError::Options(format!(
                "design: at least 20 persons per PSU are needed ({} PSUs)",
                psus.len()
            )));
        }
        let shares: Vec<f64> = psus.iter().map(|_| rng.uniform(0.6, 1.4)).collect();
        let total: f64 = shares.iter().sum();
        let mut acc = 0.0;
        let mut cuts: Vec<f64> = shares
            .iter()
            .map(|s| {
                acc += s;
                persons as f64 * acc / total
            })
            .collect();
        *cuts.last_mut().expect("at least one PSU") = persons as f64;
        let mut factors = Vec::with_capacity(options.replicates as usize);
        for _ in 0..options.replicates {
            let mut row = Vec::with_capacity(psus.len());
            for &n in &n_h {
                if n == 1 {
                    row.push((1, 1));
                    continue;
                }
                let mut times = vec![0u64; n as usize];
                for _ in 0..n - 1 {
                    times[rng.below(n as usize)] += 1;
                }
                row.extend(times.iter().map(|t| (u64::from(n) * t, u64::from(n) - 1)));
            }
            factors.push(row);
        }
        Ok(Design {
            strata: names,
            base,
            psus,
            cuts,
            factors,
        })
    }

    /// (stratum index, PSU index) of the household whose first member is person `done`
    /// (0-based).
    pub fn unit(&self, done: u64) -> (u32, u32) {
        let d = done as f64;
        let i = self
            .cuts
            .partition_point(|c| *c <= d)
            .min(self.psus.len() - 1);
        (self.psus[i].0, i as u32)
    }

    /// The number of replicate weights.
    pub fn replicates(&self) -> usize {
        self.factors.len()
    }

    /// Replicate `r` (0-based) of a weight in hundredths, PSU `psu`: micro-units (10^-6).
    pub fn replicate_micros(&self, r: usize, psu: u32, weight_cents: u64) -> u64 {
        let (num, den) = self.factors[r][psu as usize];
        let x = u128::from(weight_cents) * 10_000 * u128::from(num);
        let d = u128::from(den);
        let (mut q, rem) = (x / d, x % d);
        if 2 * rem > d || (2 * rem == d && q % 2 == 1) {
            q += 1;
        }
        q as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options() -> DesignOptions {
        DesignOptions {
            strata: 12,
            psus_per_stratum: (2, 6),
            lonely_strata: 1,
            replicates: 80,
        }
    }

    #[test]
    fn a_lonely_stratum_keeps_its_weight_in_every_replicate() {
        let d = Design::new(5, 10_000, &options()).unwrap();
        let last = d.psus.len() - 1;
        assert_eq!(d.psus[last].1, "S12-P1");
        assert!(d.factors.iter().all(|row| row[last] == (1, 1)));
        assert_eq!(d.replicates(), 80);
    }

    #[test]
    fn rao_wu_factors_of_a_stratum_sum_to_its_psu_count() {
        let d = Design::new(5, 10_000, &options()).unwrap();
        for row in &d.factors {
            for h in 0..d.strata.len() as u32 {
                let mine: Vec<_> = (0..d.psus.len()).filter(|i| d.psus[*i].0 == h).collect();
                let n = mine.len() as u64;
                let total: u64 = mine.iter().map(|i| row[*i].0).sum();
                if n > 1 {
                    assert_eq!(total, n * (n - 1), "n x (n - 1) draws");
                    assert!(mine.iter().all(|i| row[*i].1 == n - 1));
                }
            }
        }
    }

    #[test]
    fn units_cover_the_persons_in_order() {
        let d = Design::new(5, 10_000, &options()).unwrap();
        assert_eq!(d.unit(0), (0, 0));
        assert_eq!(d.unit(9_999).1 as usize, d.psus.len() - 1);
        let mut last = 0;
        for p in (0..10_000).step_by(37) {
            let (_, i) = d.unit(p);
            assert!(i >= last);
            last = i;
        }
    }

    #[test]
    fn replicate_weights_round_half_to_even() {
        let d = Design {
            strata: vec!["S01".into()],
            base: vec![100.0],
            psus: vec![(0, "S01-P1".into())],
            cuts: vec![1.0],
            factors: vec![vec![(3, 2)], vec![(2, 3)]],
        };
        // 1.01 x 3/2 = 1.515 exactly; 1.00 x 2/3 = 0.6666666.. -> 0.666667
        assert_eq!(d.replicate_micros(0, 0, 101), 1_515_000);
        assert_eq!(d.replicate_micros(1, 0, 100), 666_667);
    }
}
