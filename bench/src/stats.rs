//! Percentiles of latency samples, and the trend of a series of readings.

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

/// The least-squares slope of `points` (`(x, y)`), or `None` for fewer than two distinct `x`.
pub fn slope(points: &[(f64, f64)]) -> Option<f64> {
    let n = points.len() as f64;
    if points.len() < 2 {
        return None;
    }
    let mean_x = points.iter().map(|p| p.0).sum::<f64>() / n;
    let mean_y = points.iter().map(|p| p.1).sum::<f64>() / n;
    let sxx: f64 = points.iter().map(|p| (p.0 - mean_x).powi(2)).sum();
    let sxy: f64 = points.iter().map(|p| (p.0 - mean_x) * (p.1 - mean_y)).sum();
    (sxx > 0.0).then(|| sxy / sxx)
}

/// How fast memory readings `(seconds, KiB)` grow over the second half of a run, in percent of
/// their mean per hour; `None` with too few readings.
pub fn growth_pct_per_hour(readings: &[(f64, u64)]) -> Option<f64> {
    let half = &readings[readings.len() / 2..];
    let points: Vec<(f64, f64)> = half.iter().map(|(t, kib)| (*t, *kib as f64)).collect();
    let mean = points.iter().map(|p| p.1).sum::<f64>() / points.len().max(1) as f64;
    let per_second = slope(&points)?;
    (mean > 0.0).then(|| per_second * 3600.0 / mean * 100.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slopes_and_hourly_growth() {
        assert_eq!(slope(&[(0.0, 1.0), (1.0, 3.0), (2.0, 5.0)]), Some(2.0));
        assert_eq!(slope(&[(1.0, 1.0)]), None);
        assert_eq!(slope(&[(1.0, 1.0), (1.0, 2.0)]), None);
        // Flat in the second half after a warm-up climb: no growth.
        let flat: Vec<(f64, u64)> = (0..20)
            .map(|i| {
                (
                    f64::from(i) * 60.0,
                    if i < 10 { 1000 + i as u64 * 50 } else { 2000 },
                )
            })
            .collect();
        assert_eq!(growth_pct_per_hour(&flat), Some(0.0));
        // 1 % of the mean every minute of the second half: 60 % an hour.
        let climbing: Vec<(f64, u64)> = (0..20)
            .map(|i| (f64::from(i) * 60.0, 100_000 + i as u64 * 1_000))
            .collect();
        let g = growth_pct_per_hour(&climbing).unwrap();
        assert!((g - 60.0 / 1.145).abs() < 0.1, "{g}");
    }

    #[test]
    fn nearest_rank() {
        let mut s: Vec<u64> = (1..=100).map(|i| i * 1_000_000).collect();
        assert_eq!(percentile_ms(&mut s, 50.0), Some(50.0));
        assert_eq!(percentile_ms(&mut s, 99.0), Some(99.0));
        assert_eq!(percentile_ms(&mut s, 100.0), Some(100.0));
        assert_eq!(percentile_ms(&mut [], 50.0), None);
    }
}
