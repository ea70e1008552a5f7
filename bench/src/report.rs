//! Number formatting for the markdown tables, and medians.

/// `1000000` as `1,000,000`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut start = match digits.len() % 3 {
        0 => 3,
        head => head,
    };
    let mut out = digits[..start].to_string();
    while start < digits.len() {
        out.push(',');
        out.push_str(&digits[start..start + 3]);
        start += 3;
    }
    out
}

/// A latency in exchange-core's style: `450ns`, `1.2µs`, `22µs`, `1.3ms`, `2.0s`.
pub fn latency(ns: u64) -> String {
    let ns_f = ns as f64;
    match ns {
        0..=999 => format!("{ns}ns"),
        1_000..=9_999 => format!("{:.1}µs", ns_f / 1e3),
        10_000..=999_999 => format!("{:.0}µs", ns_f / 1e3),
        1_000_000..=9_999_999 => format!("{:.1}ms", ns_f / 1e6),
        10_000_000..=999_999_999 => format!("{:.0}ms", ns_f / 1e6),
        _ => format!("{:.1}s", ns_f / 1e9),
    }
}

/// A rate label as in the tables' first column: `125K`, `1M`, `2.5M`.
pub fn rate_label(per_second: u64) -> String {
    if per_second >= 1_000_000 {
        trim(per_second as f64 / 1e6) + "M"
    } else if per_second >= 1_000 {
        trim(per_second as f64 / 1e3) + "K"
    } else {
        per_second.to_string()
    }
}

/// A measured throughput: `12.3M/s`, `850K/s`.
pub fn throughput(per_second: f64) -> String {
    if per_second >= 1e6 {
        format!("{:.2}M/s", per_second / 1e6)
    } else {
        format!("{:.0}K/s", per_second / 1e3)
    }
}

/// A percentage with one decimal, or `n/a`.
pub fn percent(value: Option<f64>) -> String {
    value.map_or_else(|| "n/a".into(), |v| format!("{v:.1}%"))
}

/// Up to two decimals, trailing zeros dropped.
fn trim(x: f64) -> String {
    let s = format!("{x:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// The median (the mean of the middle two for an even count); `None` for no values.
pub fn median(mut values: Vec<f64>) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let mid = values.len() / 2;
    Some(if values.len() % 2 == 1 {
        values[mid]
    } else {
        (values[mid - 1] + values[mid]) / 2.0
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_like_the_published_table() {
        assert_eq!(latency(450), "450ns");
        assert_eq!(latency(1_234), "1.2µs");
        assert_eq!(latency(22_400), "22µs");
        assert_eq!(latency(1_300_000), "1.3ms");
        assert_eq!(latency(2_000_000_000), "2.0s");
        assert_eq!(rate_label(125_000), "125K");
        assert_eq!(rate_label(10_000_000), "10M");
        assert_eq!(rate_label(2_500_000), "2.5M");
        assert_eq!(thousands(1_000_000), "1,000,000");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(12_345), "12,345");
        assert_eq!(thousands(0), "0");
        assert_eq!(throughput(12_345_678.0), "12.35M/s");
    }

    #[test]
    fn median_of_odd_even_and_empty() {
        assert_eq!(median(vec![3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(vec![4.0, 1.0, 2.0, 3.0]), Some(2.5));
        assert_eq!(median(vec![]), None);
    }
}

/// `125K`, `1.5M` or a plain number (rates, counts), between 1 and 10G.
pub fn parse_count(text: &str) -> anyhow::Result<u64> {
    let t = text.trim();
    let (digits, scale) = match t.chars().last() {
        Some('K' | 'k') => (&t[..t.len() - 1], 1e3),
        Some('M' | 'm') => (&t[..t.len() - 1], 1e6),
        _ => (t, 1.0),
    };
    let value: f64 = anyhow::Context::with_context(digits.parse::<f64>(), || {
        format!("{text:?}: expected a number with an optional K or M")
    })?;
    let n = (value * scale).round();
    if !(1.0..=1e10).contains(&n) {
        anyhow::bail!("{text:?} must be between 1 and 10G");
    }
    Ok(n as u64)
}

#[cfg(test)]
mod parse_tests {
    use super::parse_count;

    #[test]
    fn parses_counts_with_suffixes() {
        assert_eq!(parse_count("125K").ok(), Some(125_000));
        assert_eq!(parse_count("1.5M").ok(), Some(1_500_000));
        assert_eq!(parse_count("900").ok(), Some(900));
        assert!(parse_count("fast").is_err());
        assert!(parse_count("0").is_err());
    }
}

/// Writes a benchmark's JSON summary to `target` (`-` is stdout), by default
/// `bench/results/<name>-<started>.json`, and says where it went.
pub fn write_json(
    json: &serde_json::Value,
    target: Option<std::path::PathBuf>,
    name: &str,
    started: u64,
) -> anyhow::Result<()> {
    use anyhow::Context;
    let text = serde_json::to_string_pretty(json).context("serialising the summary")?;
    let path = target.unwrap_or_else(|| {
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("results")
            .join(format!("{name}-{started}.json"))
    });
    if path.as_os_str() == "-" {
        println!("{text}");
        return Ok(());
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    std::fs::write(&path, text).with_context(|| format!("writing {}", path.display()))?;
    println!("JSON summary: {}", path.display());
    Ok(())
}

/// A wire benchmark's JSON summary: its name, start, machine, storage and settings, with the
/// fields of `results` (an object) laid beside them.
pub fn summary(
    name: &str,
    started: u64,
    machine: serde_json::Value,
    storage: serde_json::Value,
    settings: serde_json::Value,
    results: serde_json::Value,
) -> serde_json::Value {
    let mut json = serde_json::json!({
        "benchmark": name,
        "unix_time": started,
        "machine": machine,
        "storage": storage,
        "settings": settings,
    });
    if let (Some(map), serde_json::Value::Object(rest)) = (json.as_object_mut(), results) {
        map.extend(rest);
    }
    json
}

/// Seconds since the Unix epoch: when a benchmark started (names its JSON summary).
pub fn unix_secs() -> anyhow::Result<u64> {
    use anyhow::Context;
    Ok(std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .context("the system clock is before 1970")?
        .as_secs())
}
