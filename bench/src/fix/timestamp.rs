//! FIX `UTCTimestamp` with milliseconds (`YYYYMMDD-HH:MM:SS.sss`), for SendingTime (52) and
//! TransactTime (60), written from Unix milliseconds with no date library.

use std::time::{SystemTime, UNIX_EPOCH};

/// Bytes of a timestamp.
pub const LEN: usize = 21;

/// Milliseconds since the Unix epoch now (0 if the clock is before 1970).
pub fn now_millis() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

/// The timestamp of `millis` since the Unix epoch.
pub fn format(millis: u64) -> [u8; LEN] {
    let secs = millis / 1_000;
    let (y, m, d) = civil_from_days((secs / 86_400) as i64);
    let day_secs = secs % 86_400;
    let mut out = *b"00000000-00:00:00.000";
    put(&mut out[0..4], y as u64);
    put(&mut out[4..6], u64::from(m));
    put(&mut out[6..8], u64::from(d));
    put(&mut out[9..11], day_secs / 3_600);
    put(&mut out[12..14], day_secs / 60 % 60);
    put(&mut out[15..17], day_secs % 60);
    put(&mut out[18..21], millis % 1_000);
    out
}

/// Writes `value` in decimal into all of `out`, zero-padded (higher digits dropped).
fn put(out: &mut [u8], mut value: u64) {
    for b in out.iter_mut().rev() {
        *b = b'0' + (value % 10) as u8;
        value /= 10;
    }
}

/// (year, month, day) of a day count since 1970-01-01 (Howard Hinnant's `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_known_instants() {
        assert_eq!(&format(0), b"19700101-00:00:00.000");
        // 2000-02-29 (a leap day of a century leap year) 23:59:59.999.
        assert_eq!(&format(951_868_799_999), b"20000229-23:59:59.999");
        // 2024-12-31 12:34:56.078.
        assert_eq!(&format(1_735_648_496_078), b"20241231-12:34:56.078");
        assert!(now_millis() > 1_700_000_000_000);
    }
}
