//! Percentiles of latency samples.

/// The `p`-th percentile (0–100, nearest rank) of `samples` in milliseconds, or `None` when
/// there are none. Sorts `samples`.
pub fn percentile_ms(samples: &mut [u64], p: f64) -> Option<f64> {
    if samples.is_empty() {
        return None;
    }
    samples.sort_unstable();
    let rank = ((p / 100.0) * samples.len() as f64).ceil() as usize;
    let index = rank.clamp(1, samples.len()) - 1;
    Some(samples[index] as f64 / 1e6)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank() {
        let mut s: Vec<u64> = (1..=100).map(|i| i * 1_000_000).collect();
        assert_eq!(percentile_ms(&mut s, 50.0), Some(50.0));
        assert_eq!(percentile_ms(&mut s, 99.0), Some(99.0));
        assert_eq!(percentile_ms(&mut s, 100.0), Some(100.0));
        assert_eq!(percentile_ms(&mut [], 50.0), None);
    }
}
