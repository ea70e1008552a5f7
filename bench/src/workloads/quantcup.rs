//! The QuantCup 1 scoring feed, as the `lobster` crate ships it (`data/orders.csv`, converted
//! from the contest's `score_feed.h`): one symbol, 35,759 messages, rows
//! `trader_id,side,price,qty`. A row with price 0 cancels the order numbered `qty` (orders are
//! numbered 1, 2, ... in feed order, as the contest engine hands out ids); every other row is a
//! GTC limit order. As in the contest's `score.c`, every row is sent: a cancel naming an order
//! that is gone or not placed yet is a no-op for every engine (it names the order's owner, or
//! the row's trader when the order is not placed yet).

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

use super::book_model::BookModel;
use super::{extent, Facts, Workload};
use crate::ops::{Op, Side, Tif, Universe};

/// The crate version whose source tree holds the feed (pinned in bench/Cargo.toml).
const LOBSTER_CRATE: &str = "lobster-0.7.0";

/// Finds `data/orders.csv` of the lobster crate in the cargo registry's unpacked sources
/// (`$CARGO_HOME/registry/src/*/lobster-0.7.0/`, `CARGO_HOME` defaulting to `~/.cargo`).
pub fn locate_feed() -> Result<PathBuf> {
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
        .context("neither CARGO_HOME nor HOME is set")?;
    let sources = home.join("registry").join("src");
    let entries =
        fs::read_dir(&sources).with_context(|| format!("reading {}", sources.display()))?;
    for entry in entries.flatten() {
        let feed = entry
            .path()
            .join(LOBSTER_CRATE)
            .join("data")
            .join("orders.csv");
        if feed.is_file() {
            return Ok(feed);
        }
    }
    bail!(
        "no {LOBSTER_CRATE}/data/orders.csv under {} (build the bench crate so cargo unpacks \
         it, or pass --quantcup-feed PATH)",
        sources.display()
    )
}

/// Reads the feed at `path`; the measured phase is the whole feed, replayed `passes` times.
pub fn load(path: &Path, passes: usize) -> Result<Workload> {
    let text = fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    parse(&text, passes).with_context(|| format!("parsing the QuantCup feed {}", path.display()))
}

/// Parses the CSV text of the feed.
fn parse(text: &str, passes: usize) -> Result<Workload> {
    let mut model = BookModel::new(1);
    let mut facts = Facts::default();
    // Owner of each placed order, indexed by order number - 1.
    let mut owners: Vec<u32> = Vec::new();
    let mut measured = Vec::new();
    let mut accounts = 1;
    for (n, line) in text.lines().enumerate().skip(1) {
        let fields: Vec<&str> = line.trim().split(',').collect();
        let [trader, side, price, qty] = fields[..] else {
            bail!("line {}: expected 4 fields, got {:?}", n + 1, line);
        };
        let number = |s: &str, what: &str| -> Result<u64> {
            s.trim()
                .parse()
                .with_context(|| format!("line {}: {what} {s:?} is not a number", n + 1))
        };
        let trader = u32::try_from(number(trader, "trader")?)
            .with_context(|| format!("line {}: trader out of range", n + 1))?;
        let (price, qty) = (number(price, "price")?, number(qty, "qty")?);
        accounts = accounts.max(trader + 1);
        let op = if price == 0 {
            let account = usize::try_from(qty)
                .ok()
                .and_then(|q| q.checked_sub(1))
                .and_then(|i| owners.get(i).copied())
                .unwrap_or(trader);
            Op::Cancel {
                oid: qty,
                account,
                symbol: 0,
            }
        } else {
            let side = match side.trim() {
                "Bid" => Side::Buy,
                "Ask" => Side::Sell,
                other => bail!("line {}: side {other:?} is neither Bid nor Ask", n + 1),
            };
            if qty == 0 {
                bail!("line {}: a limit order of quantity 0", n + 1);
            }
            owners.push(trader);
            Op::Place {
                oid: owners.len() as u64,
                account: trader,
                symbol: 0,
                side,
                price: i64::try_from(price).context("price out of range")?,
                qty: i64::try_from(qty).context("qty out of range")?,
                tif: Tif::Gtc,
            }
        };
        facts.count(&op, model.apply(&op));
        measured.push(op);
    }
    if measured.is_empty() {
        bail!("the feed holds no messages");
    }
    facts.close(&model);
    let (max_price, max_qty) = extent(&[&measured]);
    Ok(Workload {
        key: "quantcup",
        title: "QuantCup feed (lobster crate data/orders.csv)".into(),
        universe: Universe {
            symbols: 1,
            accounts,
            max_price,
            max_qty,
        },
        prefill: Vec::new(),
        warmup: Vec::new(),
        measured,
        passes,
        facts,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_limits_and_cancels_by_order_number() {
        let csv =
            "trader_id,side,price,qty\n8,Bid,4799,500\n4,Ask,4801,800\n7,Bid,0,2\n1,Bid,0,9\n";
        let w = parse(csv, 3).expect("valid feed");
        assert_eq!(w.measured.len(), 4);
        assert_eq!(
            w.measured[2],
            Op::Cancel {
                oid: 2,
                account: 4,
                symbol: 0
            }
        );
        assert_eq!(
            w.measured[3],
            Op::Cancel {
                oid: 9,
                account: 1,
                symbol: 0
            },
            "order 9 is not placed: the row's trader"
        );
        assert_eq!(w.facts.unknown, 1);
        assert_eq!(w.universe.accounts, 9);
        assert_eq!(w.universe.max_price, 4801);
        assert_eq!(w.passes, 3);
    }

    #[test]
    fn rejects_malformed_rows() {
        assert!(parse("h\n1,Bid,x,5\n", 1).is_err());
        assert!(parse("h\n1,Up,10,5\n", 1).is_err());
        assert!(parse("h\n1,Bid,10\n", 1).is_err());
    }
}
