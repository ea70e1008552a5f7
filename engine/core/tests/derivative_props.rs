//! Property tests over random derivative workloads (issue 5): a perpetual (with basis smoothing
//! and fees), a dated future (with a maker rebate), a call option on the future (risk arrays via
//! `OptionRisk`) and a binary, all settled in USD, six accounts, random deposits and
//! withdrawals, limit / IOC / market orders on both sides, amends, cancels, mark moves with
//! shocks, index prices, funding, insurance deposits, controls, and settlement / resolution near
//! the end.
//!
//! After every command:
//! 1. the USD ledger (balances + fees + insurance − entry notionals) changes exactly by the
//!    accepted deposits, withdrawals and insurance deposits;
//! 2. every account's equity is >= 0 unless the account was liquidated at some point in the run;
//!    after a command that re-checks all accounts (a mark change, funding, settlement), no
//!    account with an open position is below maintenance without a `Liquidated` in that
//!    command, and an account liquidated in a command is flat after it;
//! 3. a second engine fed the same commands emits the same events and ends with the same state
//!    hash, and an engine restored from a snapshot taken mid-run has the same hash and emits the
//!    same later events.
//!
//! Cases default to 64 (19 setup commands, up to 200 random ones, settlement, up to 10 more);
//! `PROPTEST_CASES` overrides.

mod venue;

use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError};
use tradestream_engine::Engine;
use tradestream_model::{
    AccountId, ClientOrderId, Command, Controls, Event, InstrumentId, InstrumentKind,
    InstrumentSpec, NewOrder, OptionRight, OrderType, Price, PriceKind, Qty, SelfTradePrevention,
    Side, TimeInForce, Timestamp, RISK_SCENARIOS,
};
use venue::*;

const PERP: InstrumentId = InstrumentId(0);
const FUT: InstrumentId = InstrumentId(1);
const OPT: InstrumentId = InstrumentId(2);
const BIN: InstrumentId = InstrumentId(3);
const ACCOUNTS: u64 = 6;
const STRIKE: i64 = 100;
const EXPIRY: Timestamp = Timestamp(1_000_000_000_000);

/// One random step, resolved against the engine's state into a concrete command.
#[derive(Debug, Clone)]
enum Op {
    Deposit {
        acct: u64,
        amount: u32,
    },
    Withdraw {
        acct: u64,
        amount: u32,
    },
    Order {
        acct: u64,
        inst: u32,
        buy: bool,
        /// 0 GTC limit, 1 IOC limit, 2 market.
        kind: u8,
        /// Basis points from the reference (futures, perpetual), ticks (option, binary).
        offset: i32,
        qty: i64,
        reduce_only: bool,
    },
    Cancel {
        acct: u64,
        pick: usize,
    },
    Amend {
        acct: u64,
        pick: usize,
        offset: i32,
        qty: Option<i64>,
    },
    MassCancel {
        acct: u64,
    },
    /// Mark of the perpetual (0) or the future (1), moved by `bps`.
    Mark {
        inst: u32,
        bps: i32,
    },
    /// Index of the perpetual (its mark follows by basis smoothing).
    Index {
        bps: i32,
    },
    OptionRisk {
        vol: i64,
    },
    BinaryMark {
        price: i64,
    },
    Fund {
        rate_ppm: i64,
    },
    FundPremium,
    Time {
        hours: i64,
    },
    Insurance {
        amount: u32,
    },
    Controls {
        band_bps: Option<u32>,
        max_qty: Option<i64>,
    },
}

/// Settlement and resolution, appended near the end.
#[derive(Debug, Clone)]
struct Tail {
    fut_bps: i32,
    yes: bool,
    after: Vec<Op>,
}

fn acct() -> impl Strategy<Value = u64> {
    1..=ACCOUNTS
}

/// Mark moves: mostly small, sometimes shocks.
fn mark_move() -> impl Strategy<Value = i32> {
    prop_oneof![4 => -300..=300i32, 1 => -6_000..=6_000i32]
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => (acct(), 50..2_000u32).prop_map(|(acct, amount)| Op::Deposit { acct, amount }),
        1 => (acct(), 1..2_000u32).prop_map(|(acct, amount)| Op::Withdraw { acct, amount }),
        20 => (
            acct(),
            0..4u32,
            any::<bool>(),
            prop_oneof![6 => Just(0u8), 2 => Just(1u8), 1 => Just(2u8)],
            -600..=600i32,
            1..80i64,
            prop::bool::weighted(0.1),
        )
            .prop_map(|(acct, inst, buy, kind, offset, qty, reduce_only)| Op::Order {
                acct,
                inst,
                buy,
                kind,
                offset,
                qty,
                reduce_only,
            }),
        3 => (acct(), any::<usize>()).prop_map(|(acct, pick)| Op::Cancel { acct, pick }),
        3 => (acct(), any::<usize>(), -600..=600i32, prop::option::of(1..80i64))
            .prop_map(|(acct, pick, offset, qty)| Op::Amend { acct, pick, offset, qty }),
        1 => acct().prop_map(|acct| Op::MassCancel { acct }),
        8 => (0..2u32, mark_move()).prop_map(|(inst, bps)| Op::Mark { inst, bps }),
        2 => mark_move().prop_map(|bps| Op::Index { bps }),
        3 => (1..15i64).prop_map(|vol| Op::OptionRisk { vol }),
        2 => (1..100i64).prop_map(|price| Op::BinaryMark { price }),
        2 => (-50_000..=50_000i64).prop_map(|rate_ppm| Op::Fund { rate_ppm }),
        1 => Just(Op::FundPremium),
        1 => (1..10i64).prop_map(|hours| Op::Time { hours }),
        1 => (1..1_000u32).prop_map(|amount| Op::Insurance { amount }),
        1 => (
            prop::option::of(200..3_000u32),
            prop::option::of(3..30i64)
        )
            .prop_map(|(band_bps, max_qty)| Op::Controls { band_bps, max_qty }),
    ]
}

fn tail() -> impl Strategy<Value = Tail> {
    (
        mark_move(),
        any::<bool>(),
        prop::collection::vec(op(), 0..10),
    )
        .prop_map(|(fut_bps, yes, after)| Tail {
            fut_bps,
            yes,
            after,
        })
}

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(64)
}

fn usd_spec(
    symbol: &str,
    kind: InstrumentKind,
    tick: &str,
    maker: i32,
    taker: i32,
) -> InstrumentSpec {
    InstrumentSpec {
        maker_fee_bps: maker,
        taker_fee_bps: taker,
        ..spec(symbol, kind, tick, "1")
    }
}

/// Listing, initial deposits and first prices: every instrument has a mark before it trades.
fn setup(deposits: &[u32]) -> Vec<Command> {
    let m = margin(1_000, 500);
    let mut cmds = vec![
        Command::AddInstrument(usd_spec(
            "BTC-PERP",
            perpetual(m, 200_000, 5_000),
            "1",
            2,
            5,
        )),
        Command::AddInstrument(usd_spec(
            "BTC-FUT",
            InstrumentKind::DatedFuture {
                expiry: EXPIRY,
                margin: m,
            },
            "1",
            -1,
            3,
        )),
        Command::AddInstrument(usd_spec(
            "BTC-C100",
            InstrumentKind::Option {
                underlying: FUT,
                right: OptionRight::Call,
                strike: Price(STRIKE),
                expiry: EXPIRY,
                margin: margin(10_000, 5_000),
            },
            "1",
            0,
            0,
        )),
        Command::AddInstrument(usd_spec(
            "BTC-UP",
            InstrumentKind::Binary { expiry: EXPIRY },
            "0.01",
            0,
            0,
        )),
    ];
    for (k, amount) in deposits.iter().enumerate() {
        cmds.push(Command::Deposit {
            account: AccountId(k as u64 + 1),
            asset: name("USD"),
            amount: usd(&amount.to_string()),
        });
    }
    for (inst, price, kind) in [
        (PERP, 100, PriceKind::Index),
        (PERP, 100, PriceKind::Mark),
        (FUT, 100, PriceKind::Mark),
        (BIN, 50, PriceKind::Mark),
    ] {
        cmds.push(Command::SetPrice {
            instrument: inst,
            kind,
            price: Price(price),
        });
    }
    cmds.push(option_risk(100, 5));
    cmds
}

/// The option's mark and risk array from the underlying at `s` ticks: intrinsic value plus a time
/// value of `vol` ticks (+2 in the volatility-up scenarios); the scan range is ±15%.
fn option_risk(s: i64, vol: i64) -> Command {
    let mut values = [0i64; RISK_SCENARIOS];
    for (j, v) in values.iter_mut().enumerate() {
        let moved = s * (100 + 5 * (j as i64 / 2 - 3)) / 100;
        *v = (moved - STRIKE).max(0) + vol + if j % 2 == 0 { 2 } else { 0 };
    }
    Command::OptionRisk {
        instrument: OPT,
        vol_ppm: (vol * 10_000) as u32,
        mark: Price((s - STRIKE).max(0) + vol),
        values,
    }
}

/// Turns ops into commands against the current state of the engine.
#[derive(Default)]
struct Resolver {
    /// Client ids issued: (account, instrument, id).
    ids: Vec<(u64, InstrumentId, ClientOrderId)>,
    next: u32,
    clock: i64,
}

fn reference(e: &Engine, inst: InstrumentId) -> i64 {
    let i = e.instrument(inst).unwrap();
    i.mark.or(i.last_trade).map_or(100, |p| p.0)
}

fn moved(price: i64, bps: i32) -> i64 {
    (price as i128 * (10_000 + bps as i128) / 10_000).clamp(1, 1_000_000) as i64
}

fn order_price(e: &Engine, inst: InstrumentId, offset: i32) -> i64 {
    let r = reference(e, inst);
    match inst {
        PERP | FUT => moved(r, offset),
        OPT => (r + offset as i64 / 50).max(1),
        _ => (r + offset as i64 / 20).clamp(1, 99),
    }
}

impl Resolver {
    fn id(&mut self, prefix: &str) -> ClientOrderId {
        self.next += 1;
        ClientOrderId::new(&format!("{prefix}{}", self.next)).unwrap()
    }

    fn pick(&self, acct: u64, pick: usize) -> (InstrumentId, ClientOrderId) {
        let mine: Vec<_> = self.ids.iter().filter(|x| x.0 == acct).collect();
        match mine.len() {
            0 => (PERP, ClientOrderId::new("none").unwrap()),
            n => (mine[pick % n].1, mine[pick % n].2),
        }
    }

    fn resolve(&mut self, op: &Op, e: &Engine) -> Command {
        match *op {
            Op::Deposit { acct, amount } => Command::Deposit {
                account: AccountId(acct),
                asset: name("USD"),
                amount: usd(&amount.to_string()),
            },
            Op::Withdraw { acct, amount } => Command::Withdraw {
                account: AccountId(acct),
                asset: name("USD"),
                amount: usd(&amount.to_string()),
                id: self.id("w"),
            },
            Op::Order {
                acct,
                inst,
                buy,
                kind,
                offset,
                qty,
                reduce_only,
            } => {
                let inst = InstrumentId(inst);
                let id = self.id("o");
                self.ids.push((acct, inst, id));
                let (order_type, tif, price) = match kind {
                    0 => (
                        OrderType::Limit,
                        TimeInForce::Gtc,
                        order_price(e, inst, offset),
                    ),
                    1 => (
                        OrderType::Limit,
                        TimeInForce::Ioc,
                        order_price(e, inst, offset),
                    ),
                    _ => (OrderType::Market, TimeInForce::Ioc, 0),
                };
                Command::New(NewOrder {
                    account: AccountId(acct),
                    instrument: Some(inst),
                    id,
                    side: if buy { Side::Buy } else { Side::Sell },
                    order_type,
                    price: Price(price),
                    qty: Qty(qty),
                    tif,
                    post_only: false,
                    reduce_only,
                    stp: SelfTradePrevention::None,
                })
            }
            Op::Cancel { acct, pick } => {
                let (inst, id) = self.pick(acct, pick);
                Command::Cancel {
                    account: AccountId(acct),
                    instrument: Some(inst),
                    id,
                }
            }
            Op::Amend {
                acct,
                pick,
                offset,
                qty,
            } => {
                let (inst, id) = self.pick(acct, pick);
                Command::Amend {
                    account: AccountId(acct),
                    instrument: Some(inst),
                    id,
                    price: Some(Price(order_price(e, inst, offset))),
                    qty: qty.map(Qty),
                }
            }
            Op::MassCancel { acct } => Command::MassCancel {
                account: AccountId(acct),
                instrument: None,
            },
            Op::Mark { inst, bps } => {
                let inst = InstrumentId(inst);
                Command::SetPrice {
                    instrument: inst,
                    kind: PriceKind::Mark,
                    price: Price(moved(reference(e, inst), bps)),
                }
            }
            Op::Index { bps } => {
                let index = e.instrument(PERP).unwrap().index.map_or(100, |p| p.0);
                Command::SetPrice {
                    instrument: PERP,
                    kind: PriceKind::Index,
                    price: Price(moved(index, bps)),
                }
            }
            Op::OptionRisk { vol } => option_risk(reference(e, FUT), vol),
            Op::BinaryMark { price } => Command::SetPrice {
                instrument: BIN,
                kind: PriceKind::Mark,
                price: Price(price),
            },
            Op::Fund { rate_ppm } => Command::Fund {
                instrument: PERP,
                rate_ppm,
            },
            Op::FundPremium => Command::FundPremium { instrument: PERP },
            Op::Time { hours } => {
                self.clock += hours * 3_600_000;
                Command::Time {
                    ts: Timestamp(self.clock),
                }
            }
            Op::Insurance { amount } => Command::InsuranceDeposit {
                asset: name("USD"),
                amount: usd(&amount.to_string()),
            },
            Op::Controls { band_bps, max_qty } => Command::SetControls {
                instrument: PERP,
                controls: Controls {
                    price_band_bps: band_bps,
                    max_qty: max_qty.map(Qty),
                    ..Controls::default()
                },
            },
        }
    }
}

/// What the command may add to the USD ledger when it is accepted.
fn ledger_delta(cmd: &Command, events: &[Event]) -> i128 {
    // Deposits and withdrawals answer only when refused (an insurance deposit may go on to pay
    // old deficits: liquidation events, not a refusal).
    let ok = !events
        .iter()
        .any(|e| matches!(e, Event::Error(_) | Event::Rejected { .. }));
    match cmd {
        Command::Deposit { amount, .. } | Command::InsuranceDeposit { amount, .. } if ok => {
            amount.0
        }
        Command::Withdraw { amount, .. } if ok => -amount.0,
        _ => 0,
    }
}

/// Commands after which the engine checks every account.
fn checks_all(cmd: &Command) -> bool {
    matches!(
        cmd,
        Command::SetPrice { .. }
            | Command::OptionRisk { .. }
            | Command::Fund { .. }
            | Command::FundPremium { .. }
            | Command::Settle { .. }
            | Command::Resolve { .. }
    )
}

fn liquidated_in(events: &[Event], account: AccountId) -> bool {
    events
        .iter()
        .any(|ev| matches!(ev, Event::Liquidated { account: a, .. } if *a == account))
}

/// (equity, maintenance, has an open USD position) of an account.
fn margin_of(e: &Engine, account: AccountId) -> (i128, i128, bool) {
    let open = e.positions(account).iter().any(|p| p.qty != 0);
    match e
        .margin_summary(account)
        .into_iter()
        .find(|m| m.asset == name("USD"))
    {
        Some(m) => (m.equity.0, m.maintenance.0, open),
        None => {
            let usd_id = e.asset_id(&name("USD")).unwrap();
            (e.balance(account, usd_id).available.0, 0, open)
        }
    }
}

fn apply(e: &mut Engine, cmd: &Command, ts: i64) -> Vec<Event> {
    let mut out = Vec::new();
    e.apply(cmd, Timestamp(ts), &mut out);
    out
}

/// Runs the workload and checks every property after every command.
fn check(deposits: &[u32], ops: &[Op], tail: &Tail, snap_frac: f64) -> Result<(), TestCaseError> {
    let mut e1 = engine();
    let mut e2 = engine();
    let mut e3: Option<Engine> = None;
    let mut resolver = Resolver::default();
    let mut cmds: Vec<Command> = Vec::new();
    let mut ever_liquidated = [false; ACCOUNTS as usize + 1];

    let setup = setup(deposits);
    let n_setup = setup.len();
    let mut pending: Vec<Option<Command>> = setup.into_iter().map(Some).collect();
    pending.extend(ops.iter().map(|_| None));
    // Settlement near the end: the option at the underlying's settlement price, the future,
    // the binary; then a few more steps.
    pending.extend([None, None, None]);
    pending.extend(tail.after.iter().map(|_| None));
    let all_ops: Vec<&Op> = ops.iter().chain(tail.after.iter()).collect();
    let total = pending.len();
    let snap_at = n_setup + ((total - n_setup) as f64 * snap_frac) as usize;
    let n_main = n_setup + ops.len();
    let mut ledger: Option<i128> = None;
    let mut op_index = 0;

    for (k, slot) in pending.into_iter().enumerate() {
        let cmd = match slot {
            Some(c) => c,
            None if (n_main..n_main + 3).contains(&k) => match k - n_main {
                0 => Command::Settle {
                    instrument: OPT,
                    price: Price(moved(reference(&e1, FUT), tail.fut_bps)),
                },
                1 => Command::Settle {
                    instrument: FUT,
                    price: Price(moved(reference(&e1, FUT), tail.fut_bps)),
                },
                _ => Command::Resolve {
                    instrument: BIN,
                    yes: tail.yes,
                },
            },
            None => {
                let c = resolver.resolve(all_ops[op_index], &e1);
                op_index += 1;
                c
            }
        };
        if k == snap_at {
            let mut bytes = Vec::new();
            e1.write_snapshot(&mut bytes);
            let restored = Engine::from_snapshot(&bytes).expect("snapshot restores");
            prop_assert_eq!(
                restored.state_hash(),
                e1.state_hash(),
                "snapshot hash before command {} of {:?}",
                k,
                cmds
            );
            e3 = Some(restored);
        }
        cmds.push(cmd);
        let ts = k as i64;
        let events = apply(&mut e1, &cmd, ts);
        let again = apply(&mut e2, &cmd, ts);
        prop_assert_eq!(&events, &again, "replay differs at {}: {:?}", k, cmds);
        if let Some(e3) = e3.as_mut() {
            let restored = apply(e3, &cmd, ts);
            prop_assert_eq!(&events, &restored, "restored differs at {}: {:?}", k, cmds);
        }

        // (1) the ledger.
        if e1.asset_id(&name("USD")).is_some() {
            let now = usd_ledger(&e1);
            if let Some(before) = ledger {
                prop_assert_eq!(
                    now,
                    before + ledger_delta(&cmd, &events),
                    "ledger after {}: {:?}\nevents {:?}",
                    k,
                    cmds,
                    events
                );
            }
            ledger = Some(now);
        }

        // (2) equity and maintenance.
        for ev in &events {
            if let Event::LiquidationStarted { account, .. } | Event::Liquidated { account, .. } =
                ev
            {
                ever_liquidated[account.0 as usize] = true;
            }
        }
        for n in 1..=ACCOUNTS {
            let account = AccountId(n);
            if e1.account_ids().all(|a| a != account) {
                continue;
            }
            let (equity, maintenance, open) = margin_of(&e1, account);
            if equity < 0 {
                prop_assert!(
                    ever_liquidated[n as usize],
                    "account {} equity {} never liquidated, after {}: {:?}\nevents {:?}",
                    n,
                    equity,
                    k,
                    cmds,
                    events
                );
            }
            let liquidated = liquidated_in(&events, account);
            if checks_all(&cmd) && open && equity < maintenance {
                prop_assert!(
                    liquidated,
                    "account {} below maintenance ({} < {}) after {} not liquidated: {:?}\n\
                     events {:?}",
                    n,
                    equity,
                    maintenance,
                    k,
                    cmds,
                    events
                );
            }
            prop_assert!(
                !(liquidated && open),
                "account {} liquidated but not flat after {}: {:?}\nevents {:?}",
                n,
                k,
                cmds,
                events
            );
        }
    }

    // (3) final hashes.
    prop_assert_eq!(e1.state_hash(), e2.state_hash(), "replay hash: {:?}", cmds);
    if let Some(e3) = e3 {
        prop_assert_eq!(
            e1.state_hash(),
            e3.state_hash(),
            "restored hash: {:?}",
            cmds
        );
    }
    Ok(())
}

fn config() -> Config {
    Config {
        cases: cases(),
        failure_persistence: None,
        ..Config::default()
    }
}

fn deposits() -> impl Strategy<Value = Vec<u32>> {
    prop::collection::vec(200..5_000u32, ACCOUNTS as usize)
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn derivative_workloads_conserve_margin_and_replay(
        deposits in deposits(),
        ops in prop::collection::vec(op(), 0..=200),
        tail in tail(),
        snap_frac in 0.0..1.0f64,
    ) {
        check(&deposits, &ops, &tail, snap_frac)?;
    }
}
