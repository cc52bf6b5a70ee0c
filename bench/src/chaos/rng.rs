//! A small pseudo-random generator (xorshift64*) for the faults' timing: which client drops
//! its connection when, which send is cut off. Not for anything secret.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// A seeded xorshift64* generator.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator seeded with `seed` (0 is replaced, xorshift needs a non-zero state).
    pub fn new(seed: u64) -> Self {
        Self(seed.max(1))
    }

    /// A generator seeded from the clock and `salt` (e.g. a client's index).
    pub fn from_clock(salt: u64) -> Self {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64);
        // Spread neighbouring salts over the whole state.
        Self::new(nanos ^ salt.wrapping_mul(0x9E37_79B9_7F4A_7C15))
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Whether an event of probability `p` happens.
    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// A duration in `[0, max)`.
    pub fn below(&mut self, max: Duration) -> Duration {
        max.mul_f64(self.unit())
    }

    /// An exponentially distributed wait with mean `mean` (capped at ten means).
    pub fn exponential(&mut self, mean: Duration) -> Duration {
        let u = self.unit().max(1e-9);
        mean.mul_f64((-u.ln()).min(10.0))
    }

    /// `base` plus up to half of it again, so that clients backing off do not move in step.
    pub fn jitter(&mut self, base: Duration) -> Duration {
        base + self.below(base / 2)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stays_in_range_and_varies() {
        let mut rng = Rng::new(42);
        let draws: Vec<f64> = (0..1000).map(|_| rng.unit()).collect();
        assert!(draws.iter().all(|u| (0.0..1.0).contains(u)));
        let mean = draws.iter().sum::<f64>() / draws.len() as f64;
        assert!((0.4..0.6).contains(&mean), "mean {mean}");
        let max = Duration::from_millis(100);
        assert!((0..100).all(|_| rng.below(max) < max));
        assert!((0..100).all(|_| rng.exponential(max) <= max * 10));
        assert_eq!(Rng::new(0).next_u64(), Rng::new(1).next_u64());
    }
}
