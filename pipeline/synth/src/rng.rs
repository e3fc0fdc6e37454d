//! A small, fast, seedable PRNG: SplitMix64 (Steele, Lea and Flood, 2014).
//!
//! Every household has its own stream, derived from the seed and the household's index,
//! so households can be generated in any order (in parallel) and still give the same
//! bytes. SplitMix64 passes BigCrush and needs one `u64` of state.

/// One SplitMix64 stream.
#[derive(Debug, Clone)]
pub struct Rng {
    state: u64,
}

const GOLDEN: u64 = 0x9E37_79B9_7F4A_7C15;

/// The SplitMix64 output function: a bijective mix of 64 bits.
pub fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

impl Rng {
    /// A stream for `seed`.
    pub fn new(seed: u64) -> Rng {
        Rng { state: mix(seed) }
    }

    /// The stream of item `index` (a household) under `seed`, independent of the others.
    pub fn for_item(seed: u64, stream: u64, index: u64) -> Rng {
        Rng {
            state: mix(mix(seed ^ stream.wrapping_mul(GOLDEN)).wrapping_add(index)),
        }
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(GOLDEN);
        mix(self.state)
    }

    /// Uniform in [0, 1), 53 bits.
    pub fn f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        self.f64() < p
    }

    /// Uniform integer in [lo, hi] (inclusive), `lo <= hi`.
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        debug_assert!(lo <= hi);
        let span = (hi - lo) as u64 + 1;
        // Lemire's multiply-shift: bias below 2^-40 for the spans used here.
        lo + ((u128::from(self.next_u64()) * u128::from(span)) >> 64) as i64
    }

    /// Uniform integer in [0, n), `n > 0`.
    pub fn below(&mut self, n: usize) -> usize {
        self.range(0, n as i64 - 1) as usize
    }

    /// Uniform in [lo, hi).
    pub fn uniform(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.f64()
    }

    /// Triangular on [lo, hi] with the given mode (Python's `random.triangular`).
    pub fn triangular(&mut self, lo: f64, hi: f64, mode: f64) -> f64 {
        let u = self.f64();
        let c = (mode - lo) / (hi - lo);
        if u > c {
            hi + (lo - hi) * ((1.0 - u) * (1.0 - c)).sqrt()
        } else {
            lo + (hi - lo) * (u * c).sqrt()
        }
    }

    /// Normal with mean `mu` and standard deviation `sigma` (Box-Muller, one draw).
    pub fn gauss(&mut self, mu: f64, sigma: f64) -> f64 {
        let u1 = 1.0 - self.f64(); // (0, 1]
        let u2 = self.f64();
        mu + sigma * (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
    }

    /// An item of a weighted table.
    pub fn pick<T: Copy>(&mut self, table: &[(T, f64)]) -> T {
        let total: f64 = table.iter().map(|(_, w)| w).sum();
        let mut target = self.f64() * total;
        for (item, w) in table {
            if target < *w {
                return *item;
            }
            target -= w;
        }
        table[table.len() - 1].0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_stream() {
        let (mut a, mut b) = (Rng::new(7), Rng::new(7));
        for _ in 0..100 {
            assert_eq!(a.next_u64(), b.next_u64());
        }
        assert_ne!(Rng::new(7).next_u64(), Rng::new(8).next_u64());
        assert_ne!(
            Rng::for_item(7, 0, 1).next_u64(),
            Rng::for_item(7, 0, 2).next_u64()
        );
    }

    #[test]
    fn draws_stay_in_their_ranges() {
        let mut r = Rng::new(1);
        let mut seen = [false; 7];
        for _ in 0..10_000 {
            let x = r.range(1, 7);
            assert!((1..=7).contains(&x));
            seen[x as usize - 1] = true;
            let f = r.f64();
            assert!((0.0..1.0).contains(&f));
            let t = r.triangular(18.0, 96.0, 30.0);
            assert!((18.0..=96.0).contains(&t));
        }
        assert!(seen.iter().all(|s| *s));
    }

    #[test]
    fn pick_follows_the_weights() {
        let mut r = Rng::new(3);
        let table = [("a", 1.0), ("b", 3.0)];
        let b = (0..40_000).filter(|_| r.pick(&table) == "b").count();
        assert!((29_000..31_000).contains(&b), "{b}");
    }
}
