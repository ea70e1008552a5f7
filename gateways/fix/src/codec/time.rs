//! FIX UTC timestamps: `YYYYMMDD-HH:MM:SS.sss` out, `YYYYMMDD-HH:MM:SS[.fraction]` in.

/// Milliseconds since the Unix epoch, from the system clock.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

fn days_to_civil(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

fn civil_to_days(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Formats epoch milliseconds as `YYYYMMDD-HH:MM:SS.sss` (21 bytes) into `out`.
pub fn format_ms(ms: i64, out: &mut Vec<u8>) {
    let days = ms.div_euclid(86_400_000);
    let rem = ms.rem_euclid(86_400_000);
    let (y, mo, d) = days_to_civil(days);
    let (h, mi, s, milli) = (
        rem / 3_600_000,
        rem / 60_000 % 60,
        rem / 1000 % 60,
        rem % 1000,
    );
    let text = format!("{y:04}{mo:02}{d:02}-{h:02}:{mi:02}:{s:02}.{milli:03}");
    out.extend_from_slice(text.as_bytes());
}

/// `format_ms` as a new vector.
pub fn timestamp(ms: i64) -> Vec<u8> {
    let mut v = Vec::with_capacity(21);
    format_ms(ms, &mut v);
    v
}

fn num(b: &[u8]) -> Option<u32> {
    if b.is_empty() || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(b.iter().fold(0u32, |a, d| a * 10 + u32::from(d - b'0')))
}

/// Parses `YYYYMMDD-HH:MM:SS` with an optional fraction of 1 to 9 digits into epoch
/// milliseconds; `None` if it is not a valid UTCTimestamp.
pub fn parse_timestamp(v: &[u8]) -> Option<i64> {
    if v.len() < 17 || v[8] != b'-' {
        return None;
    }
    let days = parse_date(&v[..8])?;
    let tod = parse_time(&v[9..])?;
    Some(days * 86_400_000 + tod)
}

/// Parses `YYYYMMDD` into days since the epoch.
pub fn parse_date(v: &[u8]) -> Option<i64> {
    if v.len() != 8 {
        return None;
    }
    let (y, m, d) = (num(&v[..4])?, num(&v[4..6])?, num(&v[6..8])?);
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    Some(civil_to_days(i64::from(y), m, d))
}

/// Parses `HH:MM:SS[.fraction]` into milliseconds of the day (a leap second 60 is allowed).
pub fn parse_time(v: &[u8]) -> Option<i64> {
    if v.len() < 8 || v[2] != b':' || v[5] != b':' {
        return None;
    }
    let (h, m, s) = (num(&v[..2])?, num(&v[3..5])?, num(&v[6..8])?);
    if h > 23 || m > 59 || s > 60 {
        return None;
    }
    let mut ms = 0i64;
    if v.len() > 8 {
        let frac = &v[9..];
        if v[8] != b'.' || frac.is_empty() || frac.len() > 9 || num(frac).is_none() {
            return None;
        }
        let padded: Vec<u8> = frac
            .iter()
            .copied()
            .chain(std::iter::repeat(b'0'))
            .take(3)
            .collect();
        ms = i64::from(num(&padded)?);
    }
    Some(i64::from(h) * 3_600_000 + i64::from(m) * 60_000 + i64::from(s) * 1000 + ms)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_and_parses() {
        let ms = 1_796_605_323_456; // 2026-12-07 01:02:03.456 UTC
        let t = timestamp(ms);
        assert_eq!(t, b"20261207-01:02:03.456");
        assert_eq!(parse_timestamp(&t), Some(ms));
        assert_eq!(parse_timestamp(b"20261207-01:02:03"), Some(ms - 456));
        assert_eq!(parse_timestamp(b"20040415"), None);
        assert_eq!(parse_timestamp(b"20261207-25:02:03"), None);
        assert_eq!(format!("{}", parse_date(b"19700101").unwrap()), "0");
    }
}
