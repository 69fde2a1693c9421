//! Timestamps: ISO-8601 text or epoch numbers to epoch seconds, and calendar fields (UTC).
//!
//! chrono (without its default features: no clock, no time-zone database, no C code) does the
//! calendar arithmetic and the ISO-8601 parsing; a timestamp is held as seconds since the epoch
//! in an f64 (milliseconds are exact to well past the year 2100).

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, Timelike, Utc};

use super::spec::TimeUnit;

/// A calendar field of a timestamp.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Year,
    Month,
    Day,
    Hour,
    Minute,
    /// Monday = 0 … Sunday = 6 (pandas' `dayofweek`).
    DayOfWeek,
    /// 1 … 366 (pandas' `dayofyear`).
    DayOfYear,
}

/// Naive forms (no offset: read as UTC), tried in order after RFC 3339.
const NAIVE: [&str; 4] = [
    "%Y-%m-%dT%H:%M:%S%.f",
    "%Y-%m-%d %H:%M:%S%.f",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d %H:%M",
];
/// Forms with a numeric offset (`+02:00`, `+0200`, `+02`).
const OFFSET: [&str; 4] = [
    "%Y-%m-%dT%H:%M:%S%.f%#z",
    "%Y-%m-%d %H:%M:%S%.f%#z",
    "%Y-%m-%dT%H:%M%#z",
    "%Y-%m-%d %H:%M%#z",
];

/// Epoch seconds of an ISO-8601 date or date-time (`Z`/`z` or an offset; without one, UTC).
pub fn parse_iso(text: &str) -> Option<f64> {
    let t = text.trim();
    if let Ok(d) = DateTime::parse_from_rfc3339(t) {
        return Some(seconds(d.timestamp(), d.timestamp_subsec_nanos()));
    }
    if let Some(naive) = t.strip_suffix(['Z', 'z']) {
        return parse_naive(naive);
    }
    for f in OFFSET {
        if let Ok(d) = DateTime::parse_from_str(t, f) {
            return Some(seconds(d.timestamp(), d.timestamp_subsec_nanos()));
        }
    }
    parse_naive(t)
}

fn parse_naive(t: &str) -> Option<f64> {
    for f in NAIVE {
        if let Ok(d) = NaiveDateTime::parse_from_str(t, f) {
            let u = d.and_utc();
            return Some(seconds(u.timestamp(), u.timestamp_subsec_nanos()));
        }
    }
    let d = NaiveDate::parse_from_str(t, "%Y-%m-%d").ok()?;
    Some(d.and_hms_opt(0, 0, 0)?.and_utc().timestamp() as f64)
}

fn seconds(secs: i64, nanos: u32) -> f64 {
    secs as f64 + f64::from(nanos) / 1e9
}

/// Epoch seconds of a number in `unit`.
pub fn from_number(v: f64, unit: TimeUnit) -> f64 {
    match unit {
        TimeUnit::Seconds => v,
        TimeUnit::Millis => v / 1000.0,
    }
}

/// A calendar field (UTC) of epoch seconds; `None` outside chrono's range (±262,000 years).
pub fn field(epoch: f64, f: Field) -> Option<f64> {
    let secs = epoch.floor();
    if !(secs.is_finite() && secs.abs() < 9.0e15) {
        return None;
    }
    let t: DateTime<Utc> = DateTime::from_timestamp(secs as i64, 0)?;
    let v = match f {
        Field::Year => t.year(),
        Field::Month => t.month() as i32,
        Field::Day => t.day() as i32,
        Field::Hour => t.hour() as i32,
        Field::Minute => t.minute() as i32,
        Field::DayOfWeek => t.weekday().num_days_from_monday() as i32,
        Field::DayOfYear => t.ordinal() as i32,
    };
    Some(f64::from(v))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_forms() {
        // 2024-03-10T12:30:00Z = 1710073800 (date -d @1710073800 -u).
        let want = 1_710_073_800.0;
        for t in [
            "2024-03-10T12:30:00Z",
            "2024-03-10T12:30:00z",
            "2024-03-10 12:30:00",
            "2024-03-10T12:30",
            "2024-03-10T14:30:00+02:00",
            "2024-03-10T14:30:00+0200",
            "2024-03-10T14:30+02:00",
            "2024-03-10T07:30:00-05:00",
            " 2024-03-10T12:30:00.000Z ",
        ] {
            assert_eq!(parse_iso(t), Some(want), "{t}");
        }
        assert_eq!(parse_iso("2024-03-10T12:30:00.5Z"), Some(want + 0.5));
        assert_eq!(parse_iso("2024-03-10"), Some(1_710_028_800.0));
        for bad in [
            "",
            "yesterday",
            "2024-13-01",
            "2024-02-30T00:00:00Z",
            "12:30",
        ] {
            assert_eq!(parse_iso(bad), None, "{bad}");
        }
    }

    #[test]
    fn calendar_fields_like_pandas() {
        // pandas.Timestamp("2024-03-10 12:30:59", tz="UTC"): a Sunday, day 70 of a leap year.
        let t = 1_710_073_859.0;
        assert_eq!(field(t, Field::Year), Some(2024.0));
        assert_eq!(field(t, Field::Month), Some(3.0));
        assert_eq!(field(t, Field::Day), Some(10.0));
        assert_eq!(field(t, Field::Hour), Some(12.0));
        assert_eq!(field(t, Field::Minute), Some(30.0));
        assert_eq!(field(t, Field::DayOfWeek), Some(6.0));
        assert_eq!(field(t, Field::DayOfYear), Some(70.0));
        // Before the epoch, a fraction of a second still belongs to the earlier second.
        assert_eq!(field(-0.5, Field::Year), Some(1969.0));
        assert_eq!(field(-0.5, Field::Minute), Some(59.0));
        assert_eq!(field(1e300, Field::Year), None);
    }

    #[test]
    fn millis() {
        assert_eq!(
            from_number(1_710_073_800_500.0, TimeUnit::Millis),
            1_710_073_800.5
        );
        assert_eq!(from_number(5.0, TimeUnit::Seconds), 5.0);
    }
}
