//! Shared by the integration tests: a real engine with several instruments and funded
//! accounts, an abstract command stream that proptest can shrink (and a seeded generator for
//! it), and a subscriber that rebuilds a channel from a snapshot and its messages.

#![allow(dead_code)]

pub mod client;
pub mod world;

use proptest::prelude::*;
use tradestream_engine::{Engine, EngineConfig};
use tradestream_model::decimal::Grid;
use tradestream_model::{
    AccountId, Amount, ClientOrderId, Command, Controls, Event, InstrumentId, InstrumentKind,
    InstrumentSpec, NewOrder, OrderType, Price, Qty, SelfTradePrevention, ShortName, Side,
    TimeInForce, Timestamp, AMOUNT_SCALE,
};

/// Accounts 0..ACCOUNTS; the last one is poor (its orders often fail or run out of money).
pub const ACCOUNTS: u8 = 4;
/// Prices are around this many ticks.
pub const MID: i64 = 100;

/// An engine with `instruments` spot instruments (tick 1, lot 1) and funded accounts.
pub fn engine(instruments: usize) -> Engine {
    let mut e = Engine::new(EngineConfig {
        max_open_orders_per_account: 10_000,
        capacity: 50_000,
        expected_client_ids: 1 << 16,
        expected_accounts: 16,
        levels_per_side: 64,
    });
    let mut sink = Vec::new();
    let name = |s: &str| ShortName::new(s).unwrap();
    let unit = Grid::from_parts(1, 0).unwrap();
    for i in 0..instruments {
        let spec = InstrumentSpec {
            symbol: name(&format!("I{i}-USD")),
            kind: InstrumentKind::Spot,
            base: name(&format!("B{i}")),
            quote: name("USD"),
            tick: unit,
            lot: unit,
            maker_fee_bps: -1,
            taker_fee_bps: 4,
        };
        e.apply(&Command::AddInstrument(spec), Timestamp(0), &mut sink);
    }
    let assets: Vec<String> = (0..instruments)
        .map(|i| format!("B{i}"))
        .chain(["USD".to_string()])
        .collect();
    for a in 0..ACCOUNTS {
        for asset in &assets {
            let whole = if a == ACCOUNTS - 1 {
                3_000
            } else {
                1_000_000_000
            };
            let cmd = Command::Deposit {
                account: AccountId(a as u64),
                asset: name(asset),
                amount: Amount(whole * AMOUNT_SCALE),
            };
            e.apply(&cmd, Timestamp(0), &mut sink);
        }
    }
    assert!(sink.is_empty(), "set-up failed: {sink:?}");
    e
}

/// A client order id.
pub fn cid(s: &str) -> ClientOrderId {
    ClientOrderId::new(s).unwrap()
}

/// A plain GTC limit order.
pub fn limit(account: u64, inst: u32, id: &str, side: Side, price: i64, qty: i64) -> NewOrder {
    NewOrder {
        account: AccountId(account),
        instrument: Some(InstrumentId(inst)),
        id: cid(id),
        side,
        order_type: OrderType::Limit,
        price: Price(price),
        qty: Qty(qty),
        tif: TimeInForce::Gtc,
        post_only: false,
        reduce_only: false,
        stp: SelfTradePrevention::None,
    }
}

/// An abstract command: small choices that proptest shrinks well.
#[derive(Debug, Clone)]
pub enum Op {
    /// A new order.
    New {
        acct: u8,
        inst: u8,
        buy: bool,
        market: bool,
        /// 0 GTC, 1 IOC, 2 FOK, 3 GTD.
        tif: u8,
        post_only: bool,
        /// 0 none, 1 cancel taker, 2 cancel maker, 3 cancel both.
        stp: u8,
        /// Price offset from `MID` when aggressive, else distance behind the touch.
        off: i8,
        /// Priced anywhere around `MID` (often crossing) rather than on its own side.
        aggressive: bool,
        qty: u8,
    },
    /// Amend one of the account's earlier orders.
    Amend {
        acct: u8,
        pick: u16,
        off: Option<i8>,
        qty: Option<u8>,
    },
    /// Cancel one of the account's earlier orders.
    Cancel { acct: u8, pick: u16 },
    /// Cancel the account's orders in one instrument or all.
    MassCancel { acct: u8, inst: Option<u8> },
    /// Move the clock (expiring GTD orders).
    Time { advance: u8 },
    /// Turn an instrument's price band on or off.
    Band { inst: u8, on: bool },
    /// Halt or resume an instrument (resting orders stay).
    Halt { inst: u8, on: bool },
    /// Turn an account's kill switch on (cancelling its orders) or off.
    Kill { acct: u8, on: bool },
    /// Cancel-on-disconnect for an account.
    Disconnect { acct: u8 },
    /// New fee rates for an instrument.
    Fees { inst: u8 },
}

/// Any command, weighted towards orders that trade.
pub fn op(instruments: u8) -> impl Strategy<Value = Op> {
    let acct = 0..ACCOUNTS;
    let inst = 0..instruments;
    prop_oneof![
        28 => (acct.clone(), inst.clone(), any::<bool>(), 0..20u8, 0..10u8, 0..12u8, 0..8u8, -10..=10i8, 0..3u8, 1..40u8)
            .prop_map(|(acct, inst, buy, m, tif, po, stp, off, ag, qty)| Op::New {
                acct,
                inst,
                buy,
                market: m == 0,
                tif: match tif { 0 => 1, 1 => 2, 2 => 3, _ => 0 },
                post_only: po == 0,
                stp: stp.saturating_sub(4),
                off,
                aggressive: ag == 0,
                qty,
            }),
        8 => (acct.clone(), any::<u16>(), proptest::option::of(-10..=10i8), proptest::option::of(1..40u8))
            .prop_map(|(acct, pick, off, qty)| Op::Amend { acct, pick, off, qty }),
        4 => (acct.clone(), any::<u16>()).prop_map(|(acct, pick)| Op::Cancel { acct, pick }),
        1 => (acct, proptest::option::of(inst.clone()))
            .prop_map(|(acct, inst)| Op::MassCancel { acct, inst }),
        2 => (0..4u8).prop_map(|advance| Op::Time { advance }),
        1 => (inst.clone(), any::<bool>()).prop_map(|(inst, on)| Op::Band { inst, on }),
        1 => (inst.clone(), 0..8u8).prop_map(|(inst, r)| Op::Halt { inst, on: r == 0 }),
        1 => (0..ACCOUNTS, 0..8u8).prop_map(|(acct, r)| Op::Kill { acct, on: r == 0 }),
        1 => (0..ACCOUNTS).prop_map(|acct| Op::Disconnect { acct }),
        1 => inst.prop_map(|inst| Op::Fees { inst }),
    ]
}

/// Xorshift64, for seeded streams outside proptest.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    /// A random [`Op`] with the same mix as [`op`].
    pub fn op(&mut self, instruments: u8) -> Op {
        let acct = self.below(ACCOUNTS as u64) as u8;
        let inst = self.below(instruments as u64) as u8;
        match self.below(1000) {
            0..=589 => Op::New {
                acct,
                inst,
                buy: self.below(2) == 0,
                market: self.below(20) == 0,
                tif: [0, 0, 0, 0, 0, 0, 0, 1, 2, 3][self.below(10) as usize],
                post_only: self.below(12) == 0,
                stp: (self.below(8) as u8).saturating_sub(4),
                off: self.below(21) as i8 - 10,
                aggressive: self.below(3) == 0,
                qty: 1 + self.below(39) as u8,
            },
            590..=789 => Op::Amend {
                acct,
                pick: self.next() as u16,
                off: (self.below(2) == 0).then(|| self.below(21) as i8 - 10),
                qty: (self.below(2) == 0).then(|| 1 + self.below(39) as u8),
            },
            790..=909 => Op::Cancel {
                acct,
                pick: self.next() as u16,
            },
            910..=914 => Op::MassCancel {
                acct,
                inst: (self.below(2) == 0).then_some(inst),
            },
            915..=979 => Op::Time {
                advance: self.below(4) as u8,
            },
            980..=984 => Op::Band {
                inst,
                on: self.below(2) == 0,
            },
            985..=989 => Op::Halt {
                inst,
                on: self.below(8) == 0,
            },
            990..=994 => Op::Kill {
                acct,
                on: self.below(8) == 0,
            },
            995 => Op::Disconnect { acct },
            _ => Op::Fees { inst },
        }
    }
}

/// Turns [`Op`]s into engine commands, remembering which ids each account sent (so that
/// amends and cancels mostly aim at real orders) and the clock.
#[derive(Default)]
pub struct Renderer {
    next_id: u64,
    sent: Vec<Vec<(ClientOrderId, u32)>>,
    pub clock: i64,
}

impl Renderer {
    /// The command for `op` and the timestamp to apply it with.
    pub fn render(&mut self, op: &Op) -> (Command, Timestamp) {
        if self.sent.is_empty() {
            self.sent = vec![Vec::new(); ACCOUNTS as usize];
        }
        let cmd = match *op {
            Op::New {
                acct,
                inst,
                buy,
                market,
                tif,
                post_only,
                stp,
                off,
                aggressive,
                qty,
            } => {
                self.next_id += 1;
                let price = match (aggressive, buy) {
                    (true, _) => MID + off as i64,
                    (false, true) => MID - 1 - (off as i64).abs(),
                    (false, false) => MID + 1 + (off as i64).abs(),
                };
                let id = cid(&format!("o{}", self.next_id));
                self.sent[acct as usize].push((id, inst as u32));
                Command::New(NewOrder {
                    account: AccountId(acct as u64),
                    instrument: Some(InstrumentId(inst as u32)),
                    id,
                    side: if buy { Side::Buy } else { Side::Sell },
                    order_type: if market {
                        OrderType::Market
                    } else {
                        OrderType::Limit
                    },
                    price: Price(price),
                    qty: Qty(qty as i64),
                    tif: match tif {
                        1 => TimeInForce::Ioc,
                        2 => TimeInForce::Fok,
                        3 => TimeInForce::Gtd(Timestamp(self.clock + 1 + (off as i64 & 3))),
                        _ => TimeInForce::Gtc,
                    },
                    post_only,
                    reduce_only: false,
                    stp: match stp {
                        1 => SelfTradePrevention::CancelTaker,
                        2 => SelfTradePrevention::CancelMaker,
                        3 => SelfTradePrevention::CancelBoth,
                        _ => SelfTradePrevention::None,
                    },
                })
            }
            Op::Amend {
                acct,
                pick,
                off,
                qty,
            } => {
                let (id, inst) = self.pick(acct, pick);
                Command::Amend {
                    account: AccountId(acct as u64),
                    instrument: Some(InstrumentId(inst)),
                    id,
                    price: off.map(|o| Price(MID + o as i64)),
                    qty: qty.map(|q| Qty(q as i64)),
                }
            }
            Op::Cancel { acct, pick } => {
                let (id, inst) = self.pick(acct, pick);
                Command::Cancel {
                    account: AccountId(acct as u64),
                    instrument: Some(InstrumentId(inst)),
                    id,
                }
            }
            Op::MassCancel { acct, inst } => Command::MassCancel {
                account: AccountId(acct as u64),
                instrument: inst.map(|i| Some(InstrumentId(i as u32))),
            },
            Op::Time { advance } => {
                self.clock += advance as i64;
                Command::Time {
                    ts: Timestamp(self.clock),
                }
            }
            Op::Halt { inst, on } => Command::Halt {
                instrument: InstrumentId(inst as u32),
                halted: on,
            },
            Op::Kill { acct, on } => Command::KillSwitch {
                account: AccountId(acct as u64),
                on,
            },
            Op::Disconnect { acct } => Command::Disconnect {
                account: AccountId(acct as u64),
            },
            Op::Fees { inst } => Command::SetFees {
                instrument: InstrumentId(inst as u32),
                maker_fee_bps: -2 + inst as i32,
                taker_fee_bps: 5,
            },
            Op::Band { inst, on } => Command::SetControls {
                instrument: InstrumentId(inst as u32),
                controls: if on {
                    Controls {
                        price_band_bps: Some(1000),
                        reference_price: Some(Price(MID)),
                        ..Controls::default()
                    }
                } else {
                    Controls::default()
                },
            },
        };
        (cmd, Timestamp(self.clock))
    }

    /// One of the account's recent ids (or one never used, when it has none).
    fn pick(&self, acct: u8, pick: u16) -> (ClientOrderId, u32) {
        let sent = &self.sent[acct as usize];
        if sent.is_empty() {
            return (cid("never-sent"), 0);
        }
        let recent = &sent[sent.len().saturating_sub(12)..];
        recent[pick as usize % recent.len()]
    }
}

/// The engine's levels of one side, best first.
pub fn engine_depth(e: &Engine, inst: u32, side: Side) -> Vec<(Price, Qty)> {
    e.depth(InstrumentId(inst), side).collect()
}

/// The trades among `events`.
pub fn trades(events: &[Event]) -> impl Iterator<Item = &Event> {
    events.iter().filter(|e| matches!(e, Event::Trade { .. }))
}
