//! How a time reads in the apps, by WeChat's rules: today "01:28", yesterday "昨天 01:28",
//! within the last week the weekday ("星期三 01:28"), and the date beyond that.
//!
//! Pure functions of the time, "now" and the reader's UTC offset, so they are tested natively
//! and the server can render the same text the browser will.

use crate::i18n::{Key, Lang};

/// Where a time is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TimeStyle {
    /// The full `YYYY-MM-DD HH:MM` (device lists, admin tables, mute deadlines).
    #[default]
    Full,
    /// A chat's time separators: the day (when not today) and the time.
    Chat,
    /// The conversation list: the time today, else the day only.
    List,
}

const DAY_MS: i64 = 86_400_000;

/// `ms` (epoch milliseconds) as `style` shows it to a reader whose clock reads `now_ms` and whose
/// zone is `offset_min` minutes ahead of UTC.
pub fn time_words(ms: i64, now_ms: i64, offset_min: i64, lang: Lang, style: TimeStyle) -> String {
    let local = ms + offset_min * 60_000;
    let day = local.div_euclid(DAY_MS);
    let today = (now_ms + offset_min * 60_000).div_euclid(DAY_MS);
    let rem = local.rem_euclid(DAY_MS) / 60_000;
    let clock = format!("{:02}:{:02}", rem / 60, rem % 60);
    let (y, m, d) = civil_from_days(day);
    let (ty, _, _) = civil_from_days(today);
    let ago = today - day;
    let date = match (lang, y == ty) {
        (Lang::Zh, true) => format!("{m}月{d}日"),
        (Lang::Zh, false) => format!("{y}年{m}月{d}日"),
        (Lang::En, true) => format!("{} {d}", MONTHS[(m as usize).saturating_sub(1) % 12]),
        (Lang::En, false) => format!("{} {d}, {y}", MONTHS[(m as usize).saturating_sub(1) % 12]),
    };
    // Days since 1970-01-01 (a Thursday) give the weekday; 0 = Monday.
    let weekday = (day + 3).rem_euclid(7) as usize;
    let day_word = match ago {
        1 => Some(lang.t(Key::Yesterday).to_owned()),
        2..=6 => Some(lang.t(WEEKDAYS[weekday]).to_owned()),
        _ => None,
    };
    match style {
        TimeStyle::Full => full(ms + offset_min * 60_000),
        TimeStyle::Chat => match (ago, day_word) {
            (0, _) => clock,
            (_, Some(word)) => format!("{word} {clock}"),
            (_, None) => format!("{date} {clock}"),
        },
        TimeStyle::List => match (ago, day_word) {
            (0, _) => clock,
            (_, Some(word)) => word,
            // A time from the future (a skewed clock) reads as a date, never as "today".
            (_, None) => date,
        },
    }
}

/// `YYYY-MM-DD HH:MM` of an already offset epoch-millisecond time.
fn full(local_ms: i64) -> String {
    let days = local_ms.div_euclid(DAY_MS);
    let rem = local_ms.rem_euclid(DAY_MS) / 60_000;
    let (y, m, d) = civil_from_days(days);
    format!("{y:04}-{m:02}-{d:02} {:02}:{:02}", rem / 60, rem % 60)
}

/// `YYYY-MM-DD HH:MM` in UTC shifted by `offset_min`.
pub fn full_time(ms: i64, offset_min: i64) -> String {
    full(ms + offset_min * 60_000)
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

const WEEKDAYS: [Key; 7] = [
    Key::Monday,
    Key::Tuesday,
    Key::Wednesday,
    Key::Thursday,
    Key::Friday,
    Key::Saturday,
    Key::Sunday,
];

/// Days since 1970-01-01 to a civil date (Howard Hinnant's algorithm).
pub(crate) fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = u32::try_from(doy - (153 * mp + 2) / 5 + 1).unwrap_or(1);
    let m = u32::try_from(if mp < 10 { mp + 3 } else { mp - 9 }).unwrap_or(1);
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2026-12-06 (a Sunday) 10:00 UTC.
    const NOW: i64 = 1_796_551_200_000;
    const HOUR: i64 = 3_600_000;

    fn chat(ms: i64, lang: Lang) -> String {
        time_words(ms, NOW, 0, lang, TimeStyle::Chat)
    }

    #[test]
    fn now_is_the_sunday_the_tests_assume() {
        assert_eq!(full_time(NOW, 0), "2026-12-06 10:00");
    }

    #[test]
    fn today_reads_as_the_clock() {
        assert_eq!(chat(NOW - 9 * HOUR + 28 * 60_000, Lang::Zh), "01:28");
        assert_eq!(
            time_words(NOW - HOUR, NOW, 0, Lang::En, TimeStyle::List),
            "09:00"
        );
    }

    #[test]
    fn yesterday_and_the_week_read_as_words() {
        assert_eq!(chat(NOW - 24 * HOUR, Lang::Zh), "昨天 10:00");
        assert_eq!(chat(NOW - 24 * HOUR, Lang::En), "Yesterday 10:00");
        assert_eq!(chat(NOW - 4 * 24 * HOUR, Lang::Zh), "星期三 10:00");
        assert_eq!(chat(NOW - 4 * 24 * HOUR, Lang::En), "Wed 10:00");
        assert_eq!(
            time_words(NOW - 24 * HOUR, NOW, 0, Lang::Zh, TimeStyle::List),
            "昨天"
        );
    }

    #[test]
    fn older_times_read_as_dates() {
        assert_eq!(chat(NOW - 7 * 24 * HOUR, Lang::Zh), "11月29日 10:00");
        assert_eq!(chat(NOW - 7 * 24 * HOUR, Lang::En), "Nov 29 10:00");
        let last_year = NOW - 365 * 24 * HOUR;
        assert_eq!(
            time_words(last_year, NOW, 0, Lang::Zh, TimeStyle::List),
            "2025年12月6日"
        );
        assert_eq!(
            time_words(last_year, NOW, 0, Lang::En, TimeStyle::List),
            "Dec 6, 2025"
        );
    }

    #[test]
    fn the_readers_zone_decides_the_day() {
        // 23:30 UTC on Saturday is 07:30 on Sunday in UTC+8: today for a reader there.
        let late = NOW - 10 * HOUR - 30 * 60_000;
        assert_eq!(
            time_words(late, NOW, 480, Lang::Zh, TimeStyle::Chat),
            "07:30"
        );
        assert_eq!(
            time_words(late, NOW, 0, Lang::Zh, TimeStyle::Chat),
            "昨天 23:30"
        );
    }

    #[test]
    fn full_times_are_unchanged() {
        assert_eq!(full_time(0, 0), "1970-01-01 00:00");
        assert_eq!(
            full_time(951_782_400_000 + 90_061_000, 0),
            "2000-03-01 01:01"
        );
        assert_eq!(
            time_words(0, NOW, 0, Lang::En, TimeStyle::Full),
            "1970-01-01 00:00"
        );
    }
}
