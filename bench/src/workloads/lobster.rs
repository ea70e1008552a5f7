//! The LOBSTER GOOG 2012-06-21 sample (NASDAQ, 09:30-16:00, about 150K messages), replayed.
//!
//! The message file is read straight out of the zip with `unzip -p` (nothing is unpacked to
//! disk). Message types: 1 (new limit order) is a GTC order; 2 (partial cancel) and 4
//! (execution of a visible order) reduce the named order, or cancel it when nothing is left;
//! 3 (deletion) cancels it; 5, 6 and 7 (hidden executions, crosses, halts) are skipped, and so
//! are messages naming orders never seen (they rested before 09:30 or out of the 10 visible
//! levels). Prices become cents when every price is a whole cent. Orders have no owner in the
//! data: the account is the order id modulo 1,000.

use std::collections::HashMap;
use std::path::Path;
use std::process::Command;

use anyhow::{bail, ensure, Context, Result};

use super::book_model::BookModel;
use super::{extent, Facts, Workload};
use crate::ops::{Op, Side, Tif, Universe};

/// Accounts the orders are spread over.
pub const ACCOUNTS: u32 = 1_000;

/// One row of the message file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Message {
    kind: u8,
    id: u64,
    size: i64,
    /// Dollars times 10,000.
    price: i64,
    side: Side,
}

/// Reads the message file out of the sample zip at `zip`; the measured phase is the whole day,
/// replayed `passes` times on fresh venues.
pub fn load(zip: &Path, passes: usize) -> Result<Workload> {
    ensure!(
        zip.is_file(),
        "no LOBSTER sample at {} (pass --lobster PATH)",
        zip.display()
    );
    let out = Command::new("unzip")
        .arg("-p")
        .arg(zip)
        .arg("*_message_*.csv")
        .output()
        .context("running `unzip` (install it: apt-get install unzip)")?;
    ensure!(
        out.status.success() && !out.stdout.is_empty(),
        "unzip -p {} '*_message_*.csv' failed: {}",
        zip.display(),
        String::from_utf8_lossy(&out.stderr).trim()
    );
    let text = String::from_utf8(out.stdout).context("the message file is not UTF-8")?;
    parse(&text, passes).with_context(|| format!("parsing the message file in {}", zip.display()))
}

/// Parses the CSV text of a LOBSTER message file.
fn parse(text: &str, passes: usize) -> Result<Workload> {
    let messages = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(n, l)| parse_line(l).with_context(|| format!("line {}: {l:?}", n + 1)))
        .collect::<Result<Vec<_>>>()?;
    ensure!(!messages.is_empty(), "the message file is empty");
    let cents = messages
        .iter()
        .filter(|m| m.kind == 1)
        .all(|m| m.price % 100 == 0);
    let tick = if cents { 100 } else { 1 };

    let mut model = BookModel::new(1);
    let mut facts = Facts::default();
    let mut oids: HashMap<u64, u64> = HashMap::new();
    let mut measured = Vec::with_capacity(messages.len());
    for m in &messages {
        let known = oids.get(&m.id).copied();
        let resting = known.and_then(|oid| model.order(oid).map(|r| (oid, *r)));
        let op = match (m.kind, resting) {
            (1, _) => {
                let oid = measured.len() as u64 + 1;
                oids.insert(m.id, oid);
                Op::Place {
                    oid,
                    account: (m.id % u64::from(ACCOUNTS)) as u32,
                    symbol: 0,
                    side: m.side,
                    price: m.price / tick,
                    qty: m.size,
                    tif: Tif::Gtc,
                }
            }
            (2 | 4, Some((oid, r))) if m.size < r.open => Op::Reduce {
                oid,
                account: r.account,
                symbol: 0,
                side: r.side,
                price: r.price,
                by: m.size,
                open: r.open - m.size,
            },
            (2..=4, Some((oid, r))) => Op::Cancel {
                oid,
                account: r.account,
                symbol: 0,
            },
            _ => {
                facts.skipped += 1;
                continue;
            }
        };
        facts.count(&op, model.apply(&op));
        measured.push(op);
    }
    ensure!(!measured.is_empty(), "no replayable message in the file");
    facts.close(&model);
    let (max_price, max_qty) = extent(&[&measured]);
    Ok(Workload {
        key: "lobster",
        title: "LOBSTER GOOG 2012-06-21 replay".into(),
        universe: Universe {
            symbols: 1,
            accounts: ACCOUNTS,
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

/// `time,type,order id,size,price,direction`.
fn parse_line(line: &str) -> Result<Message> {
    let fields: Vec<&str> = line.trim().split(',').collect();
    let [_, kind, id, size, price, direction] = fields[..] else {
        bail!("expected 6 fields, got {}", fields.len());
    };
    let kind: u8 = kind.parse().context("type")?;
    let size: i64 = size.parse().context("size")?;
    let price: i64 = price.parse().context("price")?;
    let side = match direction {
        "1" => Side::Buy,
        "-1" => Side::Sell,
        other => bail!("direction {other:?} is neither 1 nor -1"),
    };
    if kind == 1 {
        ensure!(
            size > 0 && price > 0,
            "a new order needs a positive size and price"
        );
    }
    Ok(Message {
        kind,
        id: id.parse().context("order id")?,
        size,
        price,
        side,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replays_new_reduce_execute_delete_and_skips_the_rest() {
        let text = "\
34200.1,1,11,100,5853300,1
34200.2,2,11,30,5853300,1
34200.3,4,11,70,5853300,1
34200.4,3,99,10,5853000,-1
34200.5,5,0,10,5853000,-1
34200.6,1,12,50,5853400,-1
34200.7,3,12,50,5853400,-1
";
        let w = parse(text, 2).expect("valid file");
        assert_eq!(
            w.facts.skipped, 2,
            "unknown order 99 and the hidden execution"
        );
        assert_eq!(w.measured.len(), 5);
        assert!(matches!(
            w.measured[0],
            Op::Place {
                price: 58533,
                qty: 100,
                side: Side::Buy,
                ..
            }
        ));
        assert!(matches!(
            w.measured[1],
            Op::Reduce {
                by: 30,
                open: 70,
                ..
            }
        ));
        assert!(matches!(w.measured[2], Op::Cancel { oid: 1, .. }));
        assert!(matches!(w.measured[4], Op::Cancel { .. }));
        assert_eq!(w.facts.resting_end, 0);
    }

    #[test]
    fn rejects_malformed_lines() {
        assert!(parse("34200.1,1,11,100,5853300\n", 1).is_err());
        assert!(parse("34200.1,1,11,100,5853300,0\n", 1).is_err());
        assert!(parse("34200.1,1,11,-5,5853300,1\n", 1).is_err());
    }
}
