//! The LOBSTER sample: where the zip is, unpacking it into a fresh temporary folder with the
//! system `unzip`, and parsing its message and order book files.
//!
//! The zip is `../shared/data/lobster/LOBSTER_SampleFile_GOOG_2012-06-21_10.zip` beside the
//! project root, or the file named by the environment variable `LOBSTER_ZIP`. The unpacked CSVs
//! live only as long as [`load`] runs: the temporary folder is removed once they are parsed.

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicU64, Ordering};

/// The sample shipped beside the project.
pub const DEFAULT_ZIP: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../shared/data/lobster/LOBSTER_SampleFile_GOOG_2012-06-21_10.zip"
);

/// LOBSTER's price for an empty ask level (an empty bid level shows its negative).
pub const EMPTY_PRICE: i64 = 9_999_999_999;

/// The zip to replay: `LOBSTER_ZIP` if set, else [`DEFAULT_ZIP`].
pub fn zip_path() -> PathBuf {
    match std::env::var_os("LOBSTER_ZIP") {
        Some(p) if !p.is_empty() => PathBuf::from(p),
        _ => PathBuf::from(DEFAULT_ZIP),
    }
}

/// Side of a resting order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Side {
    Buy,
    Sell,
}

impl Side {
    pub fn opposite(self) -> Side {
        match self {
            Side::Buy => Side::Sell,
            Side::Sell => Side::Buy,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Side::Buy => "buy",
            Side::Sell => "sell",
        }
    }

    /// Whether `a` is a better (more aggressive) price than `b` for a resting order of this side.
    pub fn better(self, a: i64, b: i64) -> bool {
        match self {
            Side::Buy => a > b,
            Side::Sell => a < b,
        }
    }
}

/// One line of the message file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Message {
    /// Nanoseconds after midnight.
    pub time_ns: u64,
    /// 1 new limit order, 2 partial cancel, 3 deletion, 4 visible execution, 5 hidden execution,
    /// 6 cross trade, 7 trading halt.
    pub kind: u8,
    pub order_id: u64,
    /// Shares.
    pub size: i64,
    /// Dollars x 10000.
    pub price: i64,
    /// 1 buy, -1 sell.
    pub direction: i8,
}

impl Message {
    /// The side of the order the message names (the resting order, for executions).
    pub fn side(&self) -> Side {
        if self.direction == 1 {
            Side::Buy
        } else {
            Side::Sell
        }
    }
}

impl fmt::Display for Message {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = self.time_ns / 1_000_000_000;
        let ns = self.time_ns % 1_000_000_000;
        write!(
            f,
            "{:02}:{:02}:{:02}.{:09} type {} order {} size {} price {} direction {}",
            s / 3600,
            s / 60 % 60,
            s % 60,
            ns,
            self.kind,
            self.order_id,
            self.size,
            self.price,
            self.direction
        )
    }
}

/// A price level: (price in dollars x 10000, shares).
pub type Level = (i64, i64);

/// One line of the order book file: the occupied levels of each side, best first (empty
/// levels, LOBSTER's 9999999999 / -9999999999 with size 0, are left out).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BookRow {
    pub asks: Vec<Level>,
    pub bids: Vec<Level>,
}

impl BookRow {
    pub fn side(&self, side: Side) -> &[Level] {
        match side {
            Side::Buy => &self.bids,
            Side::Sell => &self.asks,
        }
    }
}

impl fmt::Display for BookRow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "bids ")?;
        fmt_levels(f, &self.bids)?;
        write!(f, " asks ")?;
        fmt_levels(f, &self.asks)
    }
}

/// `[price x size, ...]` with prices in dollars x 10000.
pub fn fmt_levels(f: &mut impl fmt::Write, levels: &[Level]) -> fmt::Result {
    write!(f, "[")?;
    for (i, (p, q)) in levels.iter().enumerate() {
        if i > 0 {
            write!(f, ", ")?;
        }
        write!(f, "{p} x {q}")?;
    }
    write!(f, "]")
}

/// The whole sample: messages and book rows, row k being the book after message k.
pub struct Sample {
    pub messages: Vec<Message>,
    pub rows: Vec<BookRow>,
    /// Levels per side in the book file (10).
    pub levels: usize,
}

/// A folder under the system temporary directory, removed (with its contents) on drop.
pub struct TempDir(PathBuf);

impl TempDir {
    pub fn new(prefix: &str) -> io::Result<TempDir> {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        loop {
            let n = COUNTER.fetch_add(1, Ordering::Relaxed);
            let path =
                std::env::temp_dir().join(format!("{prefix}-{}-{nanos}-{n}", std::process::id()));
            match std::fs::create_dir(&path) {
                Ok(()) => return Ok(TempDir(path)),
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(e),
            }
        }
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Unzips `zip` into a fresh temporary folder, parses both files and removes the folder.
pub fn load(zip: &Path) -> Result<Sample, String> {
    if !zip.is_file() {
        return Err(format!(
            "LOBSTER sample not found at {} (set LOBSTER_ZIP to its path)",
            zip.display()
        ));
    }
    let dir = TempDir::new("tradestream-lobster").map_err(|e| format!("temp dir: {e}"))?;
    let status = Command::new("unzip")
        .arg("-q")
        .arg("-o")
        .arg(zip)
        .arg("-d")
        .arg(dir.path())
        .status()
        .map_err(|e| format!("cannot run `unzip` (is it installed?): {e}"))?;
    if !status.success() {
        return Err(format!("`unzip {}` failed: {status}", zip.display()));
    }
    let message_file = find_file(dir.path(), "_message_")?;
    let book_file = find_file(dir.path(), "_orderbook_")?;
    let messages = parse_messages(&read(&message_file)?)?;
    let (rows, levels) = parse_book(&read(&book_file)?)?;
    if messages.len() != rows.len() {
        return Err(format!(
            "{} messages but {} book rows",
            messages.len(),
            rows.len()
        ));
    }
    Ok(Sample {
        messages,
        rows,
        levels,
    })
}

fn read(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))
}

/// The one `.csv` file in `dir` (searched recursively) whose name contains `marker`.
fn find_file(dir: &Path, marker: &str) -> Result<PathBuf, String> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let entries = std::fs::read_dir(&d).map_err(|e| format!("{}: {e}", d.display()))?;
        for entry in entries {
            let path = entry.map_err(|e| e.to_string())?.path();
            if path.is_dir() {
                stack.push(path);
            } else if let Some(name) = path.file_name().and_then(|n| n.to_str()) {
                if name.contains(marker) && name.ends_with(".csv") {
                    found.push(path);
                }
            }
        }
    }
    match found.len() {
        1 => Ok(found.pop().unwrap()),
        n => Err(format!("expected one *{marker}*.csv in the zip, found {n}")),
    }
}

/// Seconds after midnight with up to 9 decimals, as nanoseconds.
pub fn parse_time(s: &str) -> Option<u64> {
    let (whole, frac) = match s.split_once('.') {
        Some((w, f)) => (w, f),
        None => (s, ""),
    };
    if whole.is_empty() || frac.len() > 9 || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let secs: u64 = whole.parse().ok()?;
    let mut ns: u64 = if frac.is_empty() {
        0
    } else {
        frac.parse().ok()?
    };
    for _ in frac.len()..9 {
        ns *= 10;
    }
    secs.checked_mul(1_000_000_000)?.checked_add(ns)
}

pub fn parse_message_line(line: &str) -> Result<Message, String> {
    let f: Vec<&str> = line.trim_end_matches('\r').split(',').collect();
    if f.len() != 6 {
        return Err(format!("expected 6 fields, got {}", f.len()));
    }
    let int = |i: usize| -> Result<i64, String> {
        f[i].trim()
            .parse::<i64>()
            .map_err(|e| format!("field {}: {:?}: {e}", i + 1, f[i]))
    };
    let time_ns = parse_time(f[0].trim()).ok_or_else(|| format!("bad time {:?}", f[0]))?;
    let kind = int(1)?;
    let order_id = int(2)?;
    let direction = int(5)?;
    if !(1..=7).contains(&kind) {
        return Err(format!("unknown type {kind}"));
    }
    if direction != 1 && direction != -1 {
        return Err(format!("bad direction {direction}"));
    }
    if order_id < 0 {
        return Err(format!("bad order id {order_id}"));
    }
    Ok(Message {
        time_ns,
        kind: kind as u8,
        order_id: order_id as u64,
        size: int(3)?,
        price: int(4)?,
        direction: direction as i8,
    })
}

pub fn parse_messages(text: &str) -> Result<Vec<Message>, String> {
    let mut out = Vec::with_capacity(text.len() / 40);
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        out.push(parse_message_line(line).map_err(|e| format!("message line {}: {e}", i + 1))?);
    }
    Ok(out)
}

/// One order book line: `levels` groups of ask price, ask size, bid price, bid size.
pub fn parse_book_line(line: &str) -> Result<BookRow, String> {
    let mut values = Vec::with_capacity(40);
    for (i, f) in line.trim_end_matches('\r').split(',').enumerate() {
        values.push(
            f.trim()
                .parse::<i64>()
                .map_err(|e| format!("field {}: {f:?}: {e}", i + 1))?,
        );
    }
    if values.is_empty() || values.len() % 4 != 0 {
        return Err(format!(
            "expected a multiple of 4 fields, got {}",
            values.len()
        ));
    }
    let mut row = BookRow::default();
    for (l, chunk) in values.chunks(4).enumerate() {
        let (ap, asz, bp, bsz) = (chunk[0], chunk[1], chunk[2], chunk[3]);
        for (side, p, q, empty, levels) in [
            (Side::Sell, ap, asz, EMPTY_PRICE, &mut row.asks),
            (Side::Buy, bp, bsz, -EMPTY_PRICE, &mut row.bids),
        ] {
            if q == 0 {
                if p != empty {
                    return Err(format!("level {} {side:?}: size 0 at price {p}", l + 1));
                }
                continue;
            }
            if q < 0 || p <= 0 || p == EMPTY_PRICE {
                return Err(format!("level {} {side:?}: bad level {p} x {q}", l + 1));
            }
            if levels.len() != l {
                return Err(format!("level {} {side:?}: follows an empty level", l + 1));
            }
            if let Some(&(last, _)) = levels.last() {
                if !side.better(last, p) {
                    return Err(format!("level {} {side:?}: price {p} out of order", l + 1));
                }
            }
            levels.push((p, q));
        }
    }
    Ok(row)
}

/// All book rows and the number of levels per side.
pub fn parse_book(text: &str) -> Result<(Vec<BookRow>, usize), String> {
    let mut out = Vec::with_capacity(text.len() / 200);
    let mut levels = 0;
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let fields = line.split(',').count() / 4;
        if levels == 0 {
            levels = fields;
        } else if fields != levels {
            return Err(format!(
                "book line {}: {fields} levels, earlier lines {levels}",
                i + 1
            ));
        }
        out.push(parse_book_line(line).map_err(|e| format!("book line {}: {e}", i + 1))?);
    }
    Ok((out, levels))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_message() {
        let m = parse_message_line("34200.015105074,4,15818974,4,5794000,1").unwrap();
        assert_eq!(
            m,
            Message {
                time_ns: 34_200_015_105_074,
                kind: 4,
                order_id: 15818974,
                size: 4,
                price: 5794000,
                direction: 1
            }
        );
        assert_eq!(m.side(), Side::Buy);
        assert_eq!(
            m.to_string(),
            "09:30:00.015105074 type 4 order 15818974 size 4 price 5794000 direction 1"
        );
        let halt = parse_message_line("36023,7,0,0,-1,-1").unwrap();
        assert_eq!((halt.kind, halt.price, halt.side()), (7, -1, Side::Sell));
        assert_eq!(parse_time("34200.05990197"), Some(34_200_059_901_970));
        assert_eq!(parse_time("1.5"), Some(1_500_000_000));
        assert!(parse_message_line("34200.1,8,1,1,1,1").is_err());
        assert!(parse_message_line("34200.1,1,1,1,1,0").is_err());
        assert!(parse_message_line("34200.1,1,1,1,1").is_err());
        assert!(parse_time("1.1234567891").is_none());
    }

    #[test]
    fn parses_a_book_row_with_empty_levels() {
        let row = parse_book_line(
            "5802300,100,5794000,496,5804300,100,-9999999999,0,9999999999,0,-9999999999,0",
        )
        .unwrap();
        assert_eq!(row.asks, vec![(5802300, 100), (5804300, 100)]);
        assert_eq!(row.bids, vec![(5794000, 496)]);
        // out of order, a hole, a dummy price with a size
        assert!(parse_book_line("5804300,100,5794000,496,5802300,100,5793000,1").is_err());
        assert!(parse_book_line("9999999999,0,5794000,496,5802300,100,5793000,1").is_err());
        assert!(parse_book_line("9999999999,5,5794000,496").is_err());
        assert!(parse_book_line("1,2,3").is_err());
        assert!(
            parse_book("1,1,0,0\n").is_err(),
            "a 0 bid price with size 0 is not LOBSTER's dummy"
        );
    }

    #[test]
    fn temp_dir_is_removed() {
        let d = TempDir::new("tradestream-lobster-unit").unwrap();
        let p = d.path().to_path_buf();
        std::fs::write(p.join("x"), "y").unwrap();
        assert!(p.is_dir());
        drop(d);
        assert!(!p.exists());
    }
}
