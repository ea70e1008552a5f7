//! The derivatives mix: orders on a perpetual, a dated future and ten options from 10,000
//! margined accounts, with market makers re-quoting and oracle updates (perpetual index prices
//! that derive the mark and run the maintenance scan, option risk arrays priced outside the
//! core). Generated completely before timing from a seeded generator.

use std::collections::VecDeque;

use tradestream_engine::Engine;
use tradestream_model::{
    AccountId, Command, Event, InstrumentId, Price, PriceKind, Side, TimeInForce,
};

use super::venue::{self, FUTURE, PERP};
use crate::rng::Rng;

/// Accounts placing orders.
pub const ACCOUNTS: u64 = 10_000;
/// Market-maker accounts (ids 1..=MAKERS); traders are numbered after them.
pub const MAKERS: u64 = 10;
/// USD each trader starts with.
pub const TRADER_USD: i64 = 20_000;
/// Open quotes a maker keeps per instrument before cancelling its oldest.
const QUOTES: usize = 60;

/// What a measured command is, for the latency split.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    /// A trader's or maker's order or cancel.
    Order,
    /// An index price (mark derived, maintenance scan) or an option risk array.
    Oracle,
}

/// Set-up commands and the measured stream.
pub struct Mix {
    /// Deposits and the makers' initial quotes (untimed).
    pub setup: Vec<Command>,
    /// The timed commands.
    pub measured: Vec<(Class, Command)>,
}

struct Gen {
    rng: Rng,
    next_id: u64,
    index: i64,
    /// Reference price per instrument id (perpetual, future, options), ticks.
    reference: Vec<i64>,
    /// Each trader's resting-order candidates (id, instrument), newest last.
    open: Vec<Vec<(u64, InstrumentId)>>,
    /// Each instrument's maker quotes (account, id), oldest first.
    quotes: Vec<VecDeque<(u64, u64)>>,
}

impl Gen {
    fn id(&mut self) -> u64 {
        self.next_id += 1;
        self.next_id
    }

    /// A maker quote `levels` half-spreads away from the reference, cancelling the maker's
    /// oldest quote in the instrument when it holds too many.
    fn quote(&mut self, inst: InstrumentId, out: &mut Vec<(Class, Command)>) {
        let r = self.reference[inst.0 as usize];
        let step = (r / 2_000).max(1);
        let side = if self.rng.below(2) == 0 {
            Side::Buy
        } else {
            Side::Sell
        };
        let away = step * self.rng.between(1, 20);
        let price = match side {
            Side::Buy => r - away,
            Side::Sell => r + away,
        };
        let maker = 1 + self.rng.below(MAKERS);
        let n = self.id();
        let qty = self.rng.between(50, 500);
        out.push((
            Class::Order,
            venue::order(maker, inst, n, side, price, qty, TimeInForce::Gtc),
        ));
        let q = &mut self.quotes[inst.0 as usize];
        q.push_back((maker, n));
        if q.len() > QUOTES {
            let (account, id) = q.pop_front().expect("a quote");
            out.push((
                Class::Order,
                Command::Cancel {
                    account: AccountId(account),
                    instrument: Some(inst),
                    id: venue::cid(id),
                },
            ));
        }
    }

    /// A trader's order or cancel.
    fn trade(&mut self, out: &mut Vec<(Class, Command)>) {
        let t = self.rng.below(ACCOUNTS);
        let account = MAKERS + 1 + t;
        let inst = match self.rng.below(100) {
            0..=69 => PERP,
            70..=91 => InstrumentId(2 + self.rng.below(10) as u32),
            _ => FUTURE,
        };
        let r = self.reference[inst.0 as usize];
        let step = (r / 5_000).max(1);
        let side = if self.rng.below(2) == 0 {
            Side::Buy
        } else {
            Side::Sell
        };
        let sign = if side == Side::Buy { 1 } else { -1 };
        let qty = self.rng.between(1, 50);
        match self.rng.below(100) {
            0..=39 => {
                let n = self.id();
                let price = r - sign * step * self.rng.between(1, 15);
                out.push((
                    Class::Order,
                    venue::order(account, inst, n, side, price, qty, TimeInForce::Gtc),
                ));
                self.open[t as usize].push((n, inst));
            }
            40..=64 => {
                let n = self.id();
                let price = r + sign * step * self.rng.between(1, 10);
                out.push((
                    Class::Order,
                    venue::order(account, inst, n, side, price, qty, TimeInForce::Ioc),
                ));
            }
            _ => {
                if let Some((id, inst)) = self.open[t as usize].pop() {
                    out.push((
                        Class::Order,
                        Command::Cancel {
                            account: AccountId(account),
                            instrument: Some(inst),
                            id: venue::cid(id),
                        },
                    ));
                }
            }
        }
    }
}

/// Builds the mix for `e` (a fresh [`venue::engine`]): `measured` timed commands.
pub fn generate(e: &Engine, seed: u64, measured: usize) -> Mix {
    let instruments = 2 + venue::options().count();
    let mut g = Gen {
        rng: Rng::new(seed ^ 0xDE71_BA7E),
        next_id: 0,
        index: venue::START,
        reference: (0..instruments as u32)
            .map(|i| venue::mark(e, InstrumentId(i)))
            .collect(),
        open: vec![Vec::new(); ACCOUNTS as usize],
        quotes: vec![VecDeque::new(); instruments],
    };
    let mut setup = Vec::new();
    for m in 1..=MAKERS {
        setup.push(venue::deposit(m, 1_000_000_000));
    }
    for t in 0..ACCOUNTS {
        setup.push(venue::deposit(MAKERS + 1 + t, TRADER_USD));
    }
    let mut quotes = Vec::new();
    for i in 0..instruments as u32 {
        for _ in 0..QUOTES {
            g.quote(InstrumentId(i), &mut quotes);
        }
    }
    setup.extend(quotes.into_iter().map(|(_, c)| c));
    let mut out = Vec::with_capacity(measured + measured / 10);
    while out.len() < measured {
        match g.rng.below(1_000) {
            0 => {
                // The index walks by up to 0.1%; the perpetual's mark follows it.
                g.index += g.rng.between(-50, 50);
                g.reference[PERP.0 as usize] = g.index;
                out.push((
                    Class::Oracle,
                    Command::SetPrice {
                        instrument: PERP,
                        kind: PriceKind::Index,
                        price: Price(g.index),
                    },
                ));
            }
            1 => {
                let option = InstrumentId(2 + g.rng.below(10) as u32);
                let cmd = venue::option_risk(e, option, g.index);
                if let Command::OptionRisk { mark, .. } = cmd {
                    g.reference[option.0 as usize] = mark.0.max(1);
                }
                out.push((Class::Oracle, cmd));
            }
            2..=99 => {
                let inst = InstrumentId(g.rng.below(instruments as u64) as u32);
                g.quote(inst, &mut out);
            }
            _ => g.trade(&mut out),
        }
    }
    out.truncate(measured);
    Mix {
        setup,
        measured: out,
    }
}

/// What one measured pass produced.
#[derive(Debug, Default, Clone)]
pub struct Counts {
    /// Trades.
    pub trades: u64,
    /// Rejected orders by reason.
    pub rejects: std::collections::BTreeMap<&'static str, u64>,
    /// Liquidations started.
    pub liquidations: u64,
    /// Events in all.
    pub events: u64,
}

impl Counts {
    /// Counts one command's events.
    pub fn add(&mut self, events: &[Event]) {
        self.events += events.len() as u64;
        for e in events {
            match e {
                Event::Trade { .. } => self.trades += 1,
                Event::Rejected { reason, .. } => {
                    *self.rejects.entry(reason.as_str()).or_default() += 1
                }
                Event::LiquidationStarted { .. } => self.liquidations += 1,
                _ => {}
            }
        }
    }
}
