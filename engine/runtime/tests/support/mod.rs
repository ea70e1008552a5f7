//! Shared set-up: a journaled engine in a temp dir, one gateway port, a counting waker.

#![allow(dead_code)]

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tradestream_durable::{DurableConfig, DurableEngine};
use tradestream_engine::EngineConfig;
use tradestream_journal::{FsStorage, FsyncPolicy, JournalConfig};
use tradestream_model::decimal::{parse, Grid};
use tradestream_model::{
    AccountId, Amount, ClientOrderId, Command, InstrumentId, InstrumentKind, InstrumentSpec,
    NewOrder, OrderType, Price, Qty, SelfTradePrevention, ShortName, Side, TimeInForce,
};
use tradestream_runtime::{
    spawn, AckMode, GatewayPort, Idle, Out, Output, RuntimeConfig, RuntimeHandle, Wake,
};

/// Counts wake-ups.
#[derive(Default)]
pub struct Counter(pub AtomicU64);

impl Wake for Counter {
    fn wake(&self) {
        self.0.fetch_add(1, Ordering::Relaxed);
    }
}

/// Opens a journaled engine in `dir`.
pub fn engine(dir: &std::path::Path, fsync: FsyncPolicy) -> DurableEngine {
    let config = DurableConfig {
        engine: EngineConfig::default(),
        journal: JournalConfig::new(""),
        fsync,
        snapshot_every: 0,
        keep_snapshots: 2,
        prefault: false,
    };
    DurableEngine::open(FsStorage::new(dir), config).unwrap().0
}

/// Starts the runtime with one port.
pub fn start(engine: DurableEngine, ack: AckMode) -> (RuntimeHandle, GatewayPort, Arc<Counter>) {
    let wake = Arc::new(Counter::default());
    let config = RuntimeConfig {
        idle: Idle::SpinPark {
            spin: Duration::from_micros(20),
            park: Duration::from_millis(1),
        },
        ack,
        ..RuntimeConfig::default()
    };
    let (h, mut ports) = spawn(engine, config, vec![wake.clone() as Arc<dyn Wake>]).unwrap();
    (h, ports.pop().unwrap(), wake)
}

/// The test instrument and two funded accounts.
pub fn setup() -> Vec<Command> {
    let spec = InstrumentSpec {
        symbol: ShortName::new("X-Y").unwrap(),
        kind: InstrumentKind::Spot,
        base: ShortName::new("X").unwrap(),
        quote: ShortName::new("Y").unwrap(),
        tick: Grid::new(parse("1").unwrap()).unwrap(),
        lot: Grid::new(parse("1").unwrap()).unwrap(),
        maker_fee_bps: 0,
        taker_fee_bps: 0,
    };
    let mut v = vec![Command::AddInstrument(spec)];
    for a in [1, 2] {
        for asset in ["X", "Y"] {
            v.push(Command::Deposit {
                account: AccountId(a),
                asset: ShortName::new(asset).unwrap(),
                amount: Amount(1_000_000_000 * 1_000_000_000_000_000_000),
            });
        }
    }
    v
}

/// A limit order.
pub fn order(
    account: u64,
    id: &str,
    side: Side,
    price: i64,
    qty: i64,
    tif: TimeInForce,
) -> Command {
    Command::New(NewOrder {
        account: AccountId(account),
        instrument: Some(InstrumentId(0)),
        id: ClientOrderId::new(id).unwrap(),
        side,
        order_type: OrderType::Limit,
        price: Price(price),
        qty: Qty(qty),
        tif,
        post_only: false,
        reduce_only: false,
        stp: SelfTradePrevention::None,
    })
}

/// Polls until `n` requests have finished (their done items arrived), collecting every item.
pub fn collect(port: &mut GatewayPort, n: usize, into: &mut Vec<Out>) {
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut done = 0;
    while done < n {
        assert!(
            Instant::now() < deadline,
            "timed out: {done} of {n} requests done"
        );
        match port.poll() {
            Some(out) => {
                if matches!(out.output, Output::Done(_)) && out.origin.is_some() {
                    done += 1;
                }
                into.push(out);
            }
            None => std::hint::spin_loop(),
        }
    }
}
