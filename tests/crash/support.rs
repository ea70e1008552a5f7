//! Shared helpers of the process-level tests: a seeded RNG, a generator of large JSON Lines
//! command streams (only lines that become journaled commands, so that journal sequence number =
//! line number + 1), temporary directories, and wrappers around the `tradestream` binary.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};

/// The binary under test (built by cargo for this integration test).
pub const BIN: &str = env!("CARGO_BIN_EXE_tradestream");

/// SplitMix64: small, seeded, the same sequence everywhere.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator determined by `seed`.
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x2545_F491_4F6C_DD1D)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A value in `0..n` (`n > 0`).
    pub fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// A value in `lo..=hi`.
    pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.below(hi - lo + 1)
    }

    /// True with probability `num / den`.
    pub fn chance(&mut self, num: u64, den: u64) -> bool {
        self.below(den) < num
    }
}

/// A seed from the environment variable `var` if set, otherwise from the clock (so every run
/// explores new ground); the test prints it so a failure can be replayed.
pub fn seed_from_env(var: &str) -> u64 {
    match std::env::var(var) {
        Ok(v) => v
            .parse()
            .unwrap_or_else(|_| panic!("{var} must be an integer, got {v:?}")),
        Err(_) => std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(1, |d| d.as_nanos() as u64),
    }
}

/// A number from the environment variable `var`, or `default`.
pub fn env_u64(var: &str, default: u64) -> u64 {
    std::env::var(var)
        .ok()
        .map(|v| {
            v.parse()
                .unwrap_or_else(|_| panic!("{var} must be an integer, got {v:?}"))
        })
        .unwrap_or(default)
}

/// A unique directory under the system temp dir, removed (with everything in it) on drop.
pub struct TempDir(PathBuf);

impl TempDir {
    /// Creates `tradestream-crash-<tag>-<pid>-<n>-<nanos>`.
    pub fn new(tag: &str) -> TempDir {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let path = std::env::temp_dir().join(format!(
            "tradestream-crash-{tag}-{}-{n}-{nanos}",
            std::process::id()
        ));
        std::fs::create_dir_all(&path).expect("create temp dir");
        TempDir(path)
    }

    /// A path inside the directory.
    pub fn join(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// An instrument of the generated market: symbol, base, quote, tick and lot as
/// `(mantissa, decimals)`, the mid price in ticks, and its fees.
struct Market {
    symbol: &'static str,
    tick: (i64, u32),
    lot: (i64, u32),
    mid: i64,
}

const MARKETS: [Market; 3] = [
    Market {
        symbol: "BTC-USD",
        tick: (5, 1),
        lot: (1, 3),
        mid: 60_000,
    },
    Market {
        symbol: "ETH-USD",
        tick: (1, 2),
        lot: (1, 2),
        mid: 250_000,
    },
    Market {
        symbol: "ETH-BTC",
        tick: (1, 5),
        lot: (1, 2),
        mid: 5_000,
    },
];
const ASSETS: [&str; 3] = ["BTC", "USD", "ETH"];
/// Accounts `1..=ACCOUNTS` trade.
const ACCOUNTS: u64 = 40;

/// `v x 10^-decimals` as a decimal string (`dec(125, 2) == "1.25"`).
pub fn dec(v: i64, decimals: u32) -> String {
    let neg = v < 0;
    let digits = v.unsigned_abs().to_string();
    let d = decimals as usize;
    let mut s = String::new();
    if neg {
        s.push('-');
    }
    if d == 0 {
        s.push_str(&digits);
    } else if digits.len() > d {
        let (a, b) = digits.split_at(digits.len() - d);
        let _ = write!(s, "{a}.{b}");
    } else {
        let _ = write!(s, "0.{}{digits}", "0".repeat(d - digits.len()));
    }
    s
}

/// A seeded stream of `n` JSON lines, every one a valid command (instruments, deposits, orders of
/// every kind, cancels, amends, mass cancels, withdrawals, controls, time), no queries and no
/// malformed lines, so that line `k` (1-based) becomes journal record `k + 1`. Rejects and engine
/// errors (a duplicate id, a clock moving backwards, an unknown symbol) are commands too and are
/// included. Each line ends with `\n`.
pub fn command_stream(seed: u64, n: usize) -> String {
    let mut rng = Rng::new(seed);
    let mut out = String::with_capacity(n * 170);
    let mut lines = 0usize;
    let line = |out: &mut String, s: String| {
        out.push_str(&s);
        out.push('\n');
    };
    for (i, m) in MARKETS.iter().enumerate() {
        let (base, quote) = m.symbol.split_once('-').unwrap_or(("BTC", "USD"));
        line(
            &mut out,
            format!(
                r#"{{"op":"instrument","symbol":"{}","kind":"spot","base":"{base}","quote":"{quote}","tick":"{}","lot":"{}","maker_fee_bps":{},"taker_fee_bps":{}}}"#,
                m.symbol,
                dec(m.tick.0, m.tick.1),
                dec(m.lot.0, m.lot.1),
                i as i64 - 1,
                3 + i
            ),
        );
    }
    for a in 1..=ACCOUNTS {
        for asset in ASSETS {
            line(
                &mut out,
                format!(
                    r#"{{"op":"deposit","account":{a},"asset":"{asset}","amount":"1000000000"}}"#
                ),
            );
        }
    }
    let mut clock = 1_000i64;
    let mut next_id = vec![0u64; ACCOUNTS as usize + 1];
    lines += MARKETS.len() + ACCOUNTS as usize * ASSETS.len();
    while lines < n {
        let account = rng.range(1, ACCOUNTS);
        let m = &MARKETS[rng.below(3) as usize];
        let symbol = if rng.chance(1, 200) {
            "XRP-USD"
        } else {
            m.symbol
        };
        // A recent order id of this account (maybe already closed, maybe never used).
        let used = next_id[account as usize];
        let recent = format!("o{}", used.saturating_sub(rng.below(12)));
        let price = |rng: &mut Rng| dec((m.mid + rng.below(41) as i64 - 20) * m.tick.0, m.tick.1);
        let qty = |rng: &mut Rng| dec(rng.range(1, 400) as i64 * m.lot.0, m.lot.1);
        let r = rng.below(1000);
        let text = if r < 520 {
            let id = if rng.chance(1, 100) {
                recent.clone()
            } else {
                next_id[account as usize] += 1;
                format!("o{}", next_id[account as usize])
            };
            let side = if rng.chance(1, 2) { "buy" } else { "sell" };
            let mut s = format!(
                r#"{{"op":"new","account":{account},"symbol":"{symbol}","id":"{id}","side":"{side}""#
            );
            if rng.chance(1, 12) {
                let _ = write!(s, r#","type":"market","qty":"{}""#, qty(&mut rng));
            } else {
                let _ = write!(
                    s,
                    r#","type":"limit","price":"{}","qty":"{}""#,
                    price(&mut rng),
                    qty(&mut rng)
                );
            }
            match rng.below(10) {
                0 => s.push_str(r#","tif":"ioc""#),
                1 => s.push_str(r#","tif":"fok""#),
                2 | 3 => {
                    let _ = write!(
                        s,
                        r#","tif":"gtd","expire":{}"#,
                        clock + rng.range(0, 300) as i64
                    );
                }
                4 => s.push_str(r#","tif":"gtc""#),
                _ => {}
            }
            if rng.chance(1, 20) {
                s.push_str(r#","post_only":true"#);
            }
            match rng.below(12) {
                0 => s.push_str(r#","stp":"cancel_taker""#),
                1 => s.push_str(r#","stp":"cancel_maker""#),
                2 => s.push_str(r#","stp":"cancel_both""#),
                3 => s.push_str(r#","stp":"none""#),
                _ => {}
            }
            s.push('}');
            s
        } else if r < 680 {
            format!(r#"{{"op":"cancel","account":{account},"symbol":"{symbol}","id":"{recent}"}}"#)
        } else if r < 810 {
            let mut s = format!(
                r#"{{"op":"amend","account":{account},"symbol":"{symbol}","id":"{recent}""#
            );
            match rng.below(3) {
                0 => {
                    let _ = write!(s, r#","price":"{}""#, price(&mut rng));
                }
                1 => {
                    let _ = write!(s, r#","qty":"{}""#, qty(&mut rng));
                }
                _ => {
                    let _ = write!(
                        s,
                        r#","price":"{}","qty":"{}""#,
                        price(&mut rng),
                        qty(&mut rng)
                    );
                }
            }
            s.push('}');
            s
        } else if r < 825 {
            if rng.chance(1, 2) {
                format!(r#"{{"op":"mass_cancel","account":{account}}}"#)
            } else {
                format!(r#"{{"op":"mass_cancel","account":{account},"symbol":"{symbol}"}}"#)
            }
        } else if r < 925 {
            if rng.chance(1, 100) {
                // Backwards: an engine error event, journaled like any command.
                format!(r#"{{"op":"time","ts":{}}}"#, clock - 1)
            } else {
                clock += rng.below(40) as i64;
                format!(r#"{{"op":"time","ts":{clock}}}"#)
            }
        } else if r < 950 {
            let asset = ASSETS[rng.below(3) as usize];
            format!(
                r#"{{"op":"deposit","account":{account},"asset":"{asset}","amount":"{}"}}"#,
                dec(rng.range(1, 1_000_000) as i64, 3)
            )
        } else if r < 990 {
            let asset = ASSETS[rng.below(3) as usize];
            // Sometimes more than any account holds: rejected, insufficient_balance.
            let amount = if rng.chance(1, 10) {
                "5000000000".to_string()
            } else {
                dec(rng.range(1, 99_999) as i64, 2)
            };
            format!(
                r#"{{"op":"withdraw","account":{account},"asset":"{asset}","amount":"{amount}","id":"w{}"}}"#,
                rng.next_u64() % 1_000_000
            )
        } else {
            // Controls on a listed symbol: a wide band around the mid, a large max_qty.
            format!(
                r#"{{"op":"controls","symbol":"{}","price_band_bps":5000,"reference_price":"{}","max_qty":"{}"}}"#,
                m.symbol,
                dec(m.mid * m.tick.0, m.tick.1),
                dec(100_000 * m.lot.0, m.lot.1)
            )
        };
        line(&mut out, text);
        lines += 1;
    }
    out
}

/// The first `n` lines of `text` (each with its newline).
pub fn first_lines(text: &str, n: usize) -> &str {
    if n == 0 {
        return "";
    }
    let mut seen = 0;
    for (i, b) in text.bytes().enumerate() {
        if b == b'\n' {
            seen += 1;
            if seen == n {
                return &text[..=i];
            }
        }
    }
    text
}

/// Everything after the first `n` lines.
pub fn skip_lines(text: &str, n: usize) -> &str {
    &text[first_lines(text, n).len()..]
}

/// Runs the binary with `args` to completion, returning its output.
pub fn run(args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("run tradestream")
}

/// Runs the binary and panics (with its stderr) unless it exits 0.
pub fn run_ok(args: &[&str]) -> Output {
    let out = run(args);
    assert!(
        out.status.success(),
        "tradestream {args:?} failed ({}): {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// `state_hash <hex>` from a `simulate --state-hash` stderr.
pub fn simulate_state_hash(stderr: &[u8]) -> String {
    let text = String::from_utf8_lossy(stderr);
    text.lines()
        .find_map(|l| l.strip_prefix("state_hash "))
        .unwrap_or_else(|| panic!("no state_hash line in {text:?}"))
        .trim()
        .to_string()
}

/// What a `replay` run reported on stderr: its last sequence number, final state hash and the
/// size of a torn tail it ignored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplayReport {
    /// Last sequence number applied.
    pub last_seq: u64,
    /// Final engine state hash (hex).
    pub state_hash: String,
    /// Bytes of torn tail the journal ends with (left alone by replay).
    pub torn_bytes: u64,
}

/// Parses the summary line of `tradestream replay` (`... to sequence N ...; state hash H; ...`).
pub fn replay_report(stderr: &[u8]) -> ReplayReport {
    let text = String::from_utf8_lossy(stderr);
    let line = text
        .lines()
        .rev()
        .find(|l| l.contains("state hash "))
        .unwrap_or_else(|| panic!("no replay summary in {text:?}"));
    let after = |key: &str| -> &str {
        let i = line
            .find(key)
            .unwrap_or_else(|| panic!("no {key:?} in {line:?}"));
        line[i + key.len()..]
            .split(|c: char| !c.is_ascii_alphanumeric())
            .next()
            .unwrap_or("")
    };
    let torn_bytes = if line.contains("torn tail of ") {
        after("torn tail of ").parse().unwrap_or(0)
    } else {
        0
    };
    ReplayReport {
        last_seq: after("to sequence ").parse().expect("sequence number"),
        state_hash: after("state hash ").to_string(),
        torn_bytes,
    }
}

/// Rewrites the `seq` of every complete line of simulate output from run-local line numbers to
/// global ones (`+ offset`). A trailing incomplete line is returned separately, rewritten too
/// when its `seq` field is complete, otherwise `None`.
pub fn rebase(out: &[u8], offset: i64) -> (Vec<u8>, Option<Vec<u8>>) {
    let mut done = Vec::with_capacity(out.len() + out.len() / 8);
    let mut rest = out;
    while let Some(i) = rest.iter().position(|&b| b == b'\n') {
        let line = rebase_line(&rest[..i], offset).unwrap_or_else(|| {
            panic!(
                "output line without a leading seq: {:?}",
                String::from_utf8_lossy(&rest[..i])
            )
        });
        done.extend_from_slice(&line);
        done.push(b'\n');
        rest = &rest[i + 1..];
    }
    let partial = if rest.is_empty() {
        None
    } else {
        rebase_line(rest, offset)
    };
    (done, partial)
}

fn rebase_line(line: &[u8], offset: i64) -> Option<Vec<u8>> {
    const PREFIX: &[u8] = b"{\"seq\":";
    // An error event repeats its line number: `{"seq":N,"event":"error","line":N,...`.
    const ERROR: &[u8] = b",\"event\":\"error\",\"line\":";
    let body = line.strip_prefix(PREFIX)?;
    let comma = body.iter().position(|&b| b == b',')?;
    let n: i64 = std::str::from_utf8(&body[..comma]).ok()?.parse().ok()?;
    let mut out = PREFIX.to_vec();
    out.extend_from_slice((n + offset).to_string().as_bytes());
    let rest = &body[comma..];
    match rest.strip_prefix(ERROR) {
        Some(after) => {
            let end = after.iter().position(|&b| b == b',')?;
            let l: i64 = std::str::from_utf8(&after[..end]).ok()?.parse().ok()?;
            out.extend_from_slice(ERROR);
            out.extend_from_slice((l + offset).to_string().as_bytes());
            out.extend_from_slice(&after[end..]);
        }
        None => out.extend_from_slice(rest),
    }
    Some(out)
}

/// The `seq` of an output line (`{"seq":N,...`).
pub fn seq_of(line: &[u8]) -> usize {
    let rest = line
        .strip_prefix(b"{\"seq\":")
        .expect("line starts with seq");
    let end = rest.iter().position(|&b| b == b',').expect("seq ends");
    std::str::from_utf8(&rest[..end])
        .expect("digits")
        .parse()
        .expect("seq")
}

/// The first line of `text` where `a` and `b` differ, for failure messages.
pub fn first_difference(a: &[u8], b: &[u8]) -> String {
    let (mut la, mut lb) = (a.split(|&c| c == b'\n'), b.split(|&c| c == b'\n'));
    for n in 1.. {
        match (la.next(), lb.next()) {
            (Some(x), Some(y)) if x == y => continue,
            (x, y) => {
                return format!(
                    "line {n}: {:?} vs {:?}",
                    x.map(String::from_utf8_lossy),
                    y.map(String::from_utf8_lossy)
                )
            }
        }
    }
    unreachable!()
}

/// CRC32C (Castagnoli, reflected): the checksum of journal batches, written out so that a test
/// can forge a valid batch around bytes it altered.
pub fn crc32c(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = (crc >> 1) ^ (0x82F6_3B78 & (crc & 1).wrapping_neg());
        }
    }
    !crc
}

fn le_u32(b: &[u8]) -> u32 {
    u32::from_le_bytes(b[..4].try_into().expect("4 bytes"))
}

fn le_u64(b: &[u8]) -> u64 {
    u64::from_le_bytes(b[..8].try_into().expect("8 bytes"))
}

/// One batch of a segment file: the 40-byte header (`magic "TSJB", version, flags, payload_len
/// u32, count u32, first_seq u64, durable_seq u64, reserved, crc u32`), then records (`len u32,
/// seq u64, kind u8, payload`), padded to 512 bytes. Batches start after the 512-byte segment
/// header sector.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Batch {
    /// Offset of the header in the file.
    pub offset: usize,
    /// Header and records, without padding.
    pub len: usize,
    /// First sequence number.
    pub first_seq: u64,
    /// Last sequence number.
    pub last_seq: u64,
    /// The writer's durable watermark when it wrote this batch.
    pub durable_seq: u64,
}

/// The batches of a segment, in order, up to the first non-batch.
pub fn batches(bytes: &[u8]) -> Vec<Batch> {
    let mut out = Vec::new();
    let mut p = 512;
    while p + 40 <= bytes.len() && &bytes[p..p + 4] == b"TSJB" {
        let h = &bytes[p..p + 40];
        let len = 40 + le_u32(&h[8..12]) as usize;
        let first_seq = le_u64(&h[16..24]);
        out.push(Batch {
            offset: p,
            len,
            first_seq,
            last_seq: first_seq + u64::from(le_u32(&h[12..16])) - 1,
            durable_seq: le_u64(&h[24..32]),
        });
        p += len.div_ceil(512) * 512;
    }
    out
}

/// `(seq, kind, payload offset, payload length)` of every record of `batch`.
pub fn records(bytes: &[u8], batch: &Batch) -> Vec<(u64, u8, usize, usize)> {
    let mut out = Vec::new();
    let mut p = batch.offset + 40;
    while p < batch.offset + batch.len {
        let len = le_u32(&bytes[p..]) as usize;
        out.push((le_u64(&bytes[p + 4..]), bytes[p + 12], p + 13, len));
        p += 13 + len;
    }
    out
}

/// Recomputes the CRC of the batch at `offset` after its records were altered.
pub fn fix_batch_crc(bytes: &mut [u8], offset: usize) {
    let payload_len = le_u32(&bytes[offset + 8..]) as usize;
    let mut covered = bytes[offset..offset + 36].to_vec();
    covered.extend_from_slice(&bytes[offset + 40..offset + 40 + payload_len]);
    let crc = crc32c(&covered);
    bytes[offset + 36..offset + 40].copy_from_slice(&crc.to_le_bytes());
}
