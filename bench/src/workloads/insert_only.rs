//! Liquibook's performance test (`test/perf/pt_order_book.cpp`): limit inserts only, sides
//! alternating, bids at 1880-1889 and asks at 1884-1893 (the overlap trades), quantity
//! 100-1000 in steps of 100. The book starts empty and keeps the orders that never cross.

use super::book_model::BookModel;
use super::{extent, Facts, Workload};
use crate::ops::{Op, Side, Tif, Universe};
use crate::rng::Rng;

/// Accounts the inserts are spread over.
pub const ACCOUNTS: u32 = 1_000;

/// `measured` inserts from an empty book.
pub fn generate(seed: u64, measured: usize) -> Workload {
    let mut rng = Rng::new(seed);
    let mut model = BookModel::new(1);
    let mut facts = Facts::default();
    let measured: Vec<Op> = (0..measured)
        .map(|i| {
            let side = if i % 2 == 0 { Side::Buy } else { Side::Sell };
            let base = match side {
                Side::Buy => 1880,
                Side::Sell => 1884,
            };
            let op = Op::Place {
                oid: i as u64 + 1,
                account: rng.below(u64::from(ACCOUNTS)) as u32,
                symbol: 0,
                side,
                price: base + rng.between(0, 9),
                qty: 100 * rng.between(1, 10),
                tif: Tif::Gtc,
            };
            facts.count(&op, model.apply(&op));
            op
        })
        .collect();
    facts.close(&model);
    let (max_price, max_qty) = extent(&[&measured]);
    Workload {
        key: "insert_only",
        title: "insert-only (Liquibook perf test: bids 1880-1889, asks 1884-1893)".into(),
        universe: Universe {
            symbols: 1,
            accounts: ACCOUNTS,
            max_price,
            max_qty,
        },
        prefill: Vec::new(),
        warmup: Vec::new(),
        measured,
        passes: 1,
        facts,
    }
}
