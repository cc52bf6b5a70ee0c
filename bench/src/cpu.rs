//! CPU time a process has used, from `/proc/<pid>/stat`: what P5 divides by the messages it
//! carried, so that runs on faster and slower machines can be told apart.

use anyhow::Context;

/// Clock ticks per second of the `utime` and `stime` fields (`USER_HZ`, fixed at 100 in the
/// Linux ABI on the platforms Parley runs on).
const TICKS_PER_SECOND: f64 = 100.0;

/// User plus system CPU time `pid` has used so far, in seconds.
pub fn seconds(pid: u32) -> anyhow::Result<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .with_context(|| format!("reading /proc/{pid}/stat"))?;
    parse_ticks(&stat)
        .map(|ticks| ticks as f64 / TICKS_PER_SECOND)
        .with_context(|| format!("no utime/stime in /proc/{pid}/stat"))
}

/// `utime + stime` (fields 14 and 15). The command name (field 2) is in parentheses and may
/// hold spaces, so fields are counted after its closing parenthesis.
fn parse_ticks(stat: &str) -> Option<u64> {
    let rest = &stat[stat.rfind(')')? + 1..];
    let mut fields = rest.split_whitespace().skip(11);
    let utime: u64 = fields.next()?.parse().ok()?;
    let stime: u64 = fields.next()?.parse().ok()?;
    Some(utime + stime)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_utime_and_stime() {
        let stat = "4242 (par ley) S 1 4242 4242 0 -1 4194560 900 0 0 0 1234 567 0 0 20 0 9 0";
        assert_eq!(parse_ticks(stat), Some(1234 + 567));
        assert_eq!(parse_ticks("4242 (parley) S 1"), None);
        assert!(seconds(std::process::id()).is_ok_and(|s| s >= 0.0));
    }
}
