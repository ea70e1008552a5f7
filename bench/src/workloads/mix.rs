//! The exchange-core command mix, for one instrument or many.
//!
//! Per command: 9% GTC limit, 3% IOC, 6% cancel, 82% move (price amend), the instrument drawn
//! by weight. Passive prices are uniform within `half_width` ticks of the instrument's center on
//! their own side, never crossing, so about 1,000 orders spread over about 750 levels. A sixth of
//! the GTC orders (at the target book size), every IOC and 1.8% of the moves are aggressive: at
//! the opposite best plus 0-2 ticks (moves: exactly at it). That makes about 6% of commands
//! trade. The book size is held near its prefilled size by feedback from the reference book: the
//! aggressive GTC share scales with (resting / target)^4 and the aggressive quantity with its
//! cube, so a fuller book is eaten faster; it settles a few percent under the target. Cancels and
//! moves pick a resting order uniformly; when an instrument has none, a passive GTC order is
//! placed instead.

use crate::ops::{Op, Side, Tif, Universe};
use crate::rng::Rng;
use crate::workloads::book_model::BookModel;
use crate::workloads::{extent, Facts, Workload};

/// Share of GTC orders placed at the opposite best (the rest are passive).
const GTC_AGGRESSIVE: f64 = 1.0 / 6.0;
/// Share of moves that go to the opposite best.
const MOVE_AGGRESSIVE: f64 = 0.018;
/// Aggressive quantity scale at the target book size, in lots.
const AGGRESSIVE_QTY: f64 = 4.0;
/// Aggressive orders bid up to this many ticks through the opposite best.
const SLACK: u64 = 2;

/// Parameters of one mix stream.
#[derive(Debug, Clone)]
pub struct MixConfig {
    /// RNG seed: the same config gives the same stream.
    pub seed: u64,
    /// Accounts to fund (`Universe::accounts`).
    pub accounts: u32,
    /// Orders come from accounts `0..active_accounts`.
    pub active_accounts: u32,
    /// Passive orders rest at most this many ticks from their instrument's center.
    pub half_width: i64,
    /// Passive quantities are uniform in `1..=max_rest_qty` lots.
    pub max_rest_qty: i64,
    /// Per instrument: relative weight of being addressed by a command.
    pub weights: Vec<f64>,
    /// Per instrument: center price in ticks (more than `half_width`).
    pub centers: Vec<i64>,
    /// Resting orders placed before the measured phases.
    pub prefill: usize,
    /// Untimed commands between prefill and measurement.
    pub warmup: usize,
    /// Timed commands.
    pub measured: usize,
}

/// Generates the stream described by `config`.
pub fn generate(key: &'static str, title: String, config: &MixConfig) -> Workload {
    let mut g = MixGen::new(config);
    let prefill: Vec<Op> = (0..config.prefill).map(|_| g.prefill_one()).collect();
    g.targets = (0..config.weights.len() as u32)
        .map(|s| g.model.resting(s).max(1))
        .collect();
    let warmup: Vec<Op> = (0..config.warmup).map(|_| g.next_applied().0).collect();
    let mut facts = Facts::default();
    let measured: Vec<Op> = (0..config.measured)
        .map(|_| {
            let (op, applied) = g.next_applied();
            facts.count(&op, applied);
            op
        })
        .collect();
    facts.close(&g.model);
    let (max_price, max_qty) = extent(&[&prefill, &warmup, &measured]);
    Workload {
        key,
        title,
        universe: Universe {
            symbols: config.weights.len() as u32,
            accounts: config.accounts,
            max_price,
            max_qty,
        },
        prefill,
        warmup,
        measured,
        passes: 1,
        facts,
    }
}

/// Generator state: the reference book plus the stream's own counters.
struct MixGen<'a> {
    config: &'a MixConfig,
    rng: Rng,
    model: BookModel,
    /// Cumulative weights, for drawing an instrument.
    cumulative: Vec<f64>,
    /// Per instrument: resting orders after prefill.
    targets: Vec<usize>,
    next_oid: u64,
}

impl<'a> MixGen<'a> {
    fn new(config: &'a MixConfig) -> MixGen<'a> {
        let cumulative = config
            .weights
            .iter()
            .scan(0.0, |sum, w| {
                *sum += w;
                Some(*sum)
            })
            .collect();
        MixGen {
            config,
            rng: Rng::new(config.seed),
            model: BookModel::new(config.weights.len() as u32),
            cumulative,
            targets: Vec::new(),
            next_oid: 1,
        }
    }

    fn symbol(&mut self) -> u32 {
        let total = self.cumulative.last().copied().unwrap_or(0.0);
        let x = self.rng.unit() * total;
        let i = self.cumulative.partition_point(|&c| c <= x);
        i.min(self.cumulative.len() - 1) as u32
    }

    fn side(&mut self) -> Side {
        if self.rng.chance(0.5) {
            Side::Buy
        } else {
            Side::Sell
        }
    }

    fn account(&mut self) -> u32 {
        self.rng.below(u64::from(self.config.active_accounts)) as u32
    }

    fn oid(&mut self) -> u64 {
        self.next_oid += 1;
        self.next_oid - 1
    }

    /// A price that rests: behind the opposite best and within `half_width` of the center.
    fn passive_price(&mut self, symbol: u32, side: Side) -> i64 {
        let center = self.config.centers[symbol as usize];
        let depth = self.rng.below(self.config.half_width as u64) as i64;
        match side {
            Side::Buy => {
                let anchor = self
                    .model
                    .best(symbol, Side::Sell)
                    .map_or(center, |ask| center.min(ask - 1));
                (anchor - depth).max(1)
            }
            Side::Sell => {
                let anchor = self
                    .model
                    .best(symbol, Side::Buy)
                    .map_or(center + 1, |bid| (center + 1).max(bid + 1));
                anchor + depth
            }
        }
    }

    /// A price that crosses: the opposite best plus up to `slack` ticks.
    fn aggressive_price(&mut self, symbol: u32, side: Side, slack: u64) -> Option<i64> {
        let best = self.model.best(symbol, side.opposite())?;
        let slack = self.rng.below(slack + 1) as i64;
        Some(match side {
            Side::Buy => best + slack,
            Side::Sell => (best - slack).max(1),
        })
    }

    fn rest_qty(&mut self) -> i64 {
        self.rng.between(1, self.config.max_rest_qty)
    }

    /// Larger when the instrument holds more than its target, so the book size stays put.
    fn aggressive_qty(&mut self, symbol: u32) -> i64 {
        let cap = (AGGRESSIVE_QTY * self.fullness(symbol).powi(3))
            .clamp(1.0, 10.0 * self.config.max_rest_qty as f64);
        self.rng.between(1, cap as i64)
    }

    /// Resting orders of `symbol` over its target.
    fn fullness(&self, symbol: u32) -> f64 {
        self.model.resting(symbol) as f64 / self.targets[symbol as usize] as f64
    }

    fn place(&mut self, symbol: u32, side: Side, price: i64, qty: i64, tif: Tif) -> Op {
        Op::Place {
            oid: self.oid(),
            account: self.account(),
            symbol,
            side,
            price,
            qty,
            tif,
        }
    }

    fn passive_gtc(&mut self, symbol: u32) -> Op {
        let side = self.side();
        let price = self.passive_price(symbol, side);
        let qty = self.rest_qty();
        self.place(symbol, side, price, qty, Tif::Gtc)
    }

    fn prefill_one(&mut self) -> Op {
        let symbol = self.symbol();
        let op = self.passive_gtc(symbol);
        self.model.apply(&op);
        op
    }

    /// Draws the next command and applies it to the reference book.
    fn next_applied(&mut self) -> (Op, crate::workloads::book_model::Applied) {
        let symbol = self.symbol();
        let op = self.next_op(symbol);
        let applied = self.model.apply(&op);
        (op, applied)
    }

    fn next_op(&mut self, symbol: u32) -> Op {
        let roll = self.rng.below(100);
        if roll < 9 {
            let side = self.side();
            let aggressive = GTC_AGGRESSIVE * self.fullness(symbol).powi(4).min(2.0);
            if self.rng.chance(aggressive) {
                if let Some(price) = self.aggressive_price(symbol, side, SLACK) {
                    let qty = self.aggressive_qty(symbol);
                    return self.place(symbol, side, price, qty, Tif::Gtc);
                }
            }
            let price = self.passive_price(symbol, side);
            let qty = self.rest_qty();
            return self.place(symbol, side, price, qty, Tif::Gtc);
        }
        if roll < 12 {
            let side = self.side();
            let price = match self.aggressive_price(symbol, side, SLACK) {
                Some(p) => p,
                None => self.passive_price(symbol, side),
            };
            let qty = self.aggressive_qty(symbol);
            return self.place(symbol, side, price, qty, Tif::Ioc);
        }
        let Some(oid) = self.model.pick(symbol, &mut self.rng) else {
            return self.passive_gtc(symbol);
        };
        let Some(&r) = self.model.order(oid) else {
            return self.passive_gtc(symbol);
        };
        if roll < 18 {
            return Op::Cancel {
                oid,
                account: r.account,
                symbol,
            };
        }
        let aggressive = if self.rng.chance(MOVE_AGGRESSIVE) {
            self.aggressive_price(symbol, r.side, 0)
        } else {
            None
        };
        let mut price = match aggressive {
            Some(p) => p,
            None => self.passive_price(symbol, r.side),
        };
        if price == r.price {
            // Step one tick away from the spread so the move is a real amend.
            price = match r.side {
                Side::Buy if price > 1 => price - 1,
                Side::Buy => price + 1,
                Side::Sell => price + 1,
            };
        }
        Op::Move {
            oid,
            account: r.account,
            symbol,
            side: r.side,
            price,
            open: r.open,
        }
    }
}
