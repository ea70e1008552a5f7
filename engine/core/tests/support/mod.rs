//! A seeded workload shared by the engine's integration tests: one instrument, funded accounts,
//! and a mix of every command kind that trades often.

use tradestream_engine::Engine;
use tradestream_model::decimal::{self, Grid};
use tradestream_model::{
    AccountId, ClientOrderId, Command, Event, InstrumentId, InstrumentKind, InstrumentSpec,
    NewOrder, OrderType, Price, Qty, SelfTradePrevention, ShortName, Side, TimeInForce, Timestamp,
};

pub const ACCOUNTS: u64 = 20;

/// Xorshift64.
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
}

/// A client order id from a number.
pub fn id(n: u64) -> ClientOrderId {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    let mut v = n;
    loop {
        i -= 1;
        buf[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    ClientOrderId::new(std::str::from_utf8(&buf[i..]).unwrap()).unwrap()
}

/// Lists BTC-USD and funds every account.
pub fn setup(engine: &mut Engine, sink: &mut Vec<Event>) {
    let g = |s: &str| Grid::new(decimal::parse(s).unwrap()).unwrap();
    let spec = InstrumentSpec {
        symbol: ShortName::new("BTC-USD").unwrap(),
        kind: InstrumentKind::Spot,
        base: ShortName::new("BTC").unwrap(),
        quote: ShortName::new("USD").unwrap(),
        tick: g("0.5"),
        lot: g("0.01"),
        maker_fee_bps: -1,
        taker_fee_bps: 4,
    };
    engine.apply(&Command::AddInstrument(spec), Timestamp(0), sink);
    for a in 0..ACCOUNTS {
        for asset in ["BTC", "USD"] {
            let cmd = Command::Deposit {
                account: AccountId(a),
                asset: ShortName::new(asset).unwrap(),
                amount: decimal::amount(decimal::parse("1000000000").unwrap()).unwrap(),
            };
            engine.apply(&cmd, Timestamp(0), sink);
        }
    }
}

/// One pass of `n` commands with client ids from `first_id`; returns the trades it made.
pub fn pass(
    engine: &mut Engine,
    sink: &mut Vec<Event>,
    rng: &mut Rng,
    first_id: u64,
    n: u64,
    clock: &mut i64,
) -> usize {
    let mut seen = 0;
    for k in 0..n {
        let cmd = random_command(rng, first_id, k, clock);
        sink.clear();
        engine.apply(&cmd, Timestamp(*clock), sink);
        seen += sink
            .iter()
            .filter(|e| matches!(e, Event::Trade { .. }))
            .count();
    }
    seen
}

/// The `k`-th command of a stream whose new orders take ids from `first_id`.
pub fn random_command(rng: &mut Rng, first_id: u64, k: u64, clock: &mut i64) -> Command {
    let inst = Some(InstrumentId(0));
    {
        let account = AccountId(rng.below(ACCOUNTS));
        let recent = id(first_id + k.saturating_sub(1 + rng.below(50)));
        let r = rng.below(100);
        if r < 55 {
            let side = if rng.below(2) == 0 {
                Side::Buy
            } else {
                Side::Sell
            };
            let market = rng.below(20) == 0;
            let tif = match rng.below(10) {
                0 => TimeInForce::Ioc,
                1 => TimeInForce::Fok,
                2 => TimeInForce::Gtd(Timestamp(*clock + 1 + rng.below(20) as i64)),
                _ => TimeInForce::Gtc,
            };
            let stp = match rng.below(8) {
                0 => SelfTradePrevention::CancelTaker,
                1 => SelfTradePrevention::CancelMaker,
                2 => SelfTradePrevention::CancelBoth,
                _ => SelfTradePrevention::None,
            };
            Command::New(NewOrder {
                account,
                instrument: inst,
                id: id(first_id + k),
                side,
                order_type: if market {
                    OrderType::Market
                } else {
                    OrderType::Limit
                },
                price: Price(1000 + rng.below(40) as i64),
                qty: Qty(1 + rng.below(300) as i64),
                tif,
                post_only: rng.below(15) == 0,
                reduce_only: false,
                stp,
            })
        } else if r < 75 {
            Command::Amend {
                account,
                instrument: inst,
                id: recent,
                price: (rng.below(2) == 0).then(|| Price(1000 + rng.below(40) as i64)),
                qty: Some(Qty(1 + rng.below(300) as i64)),
            }
        } else if r < 93 {
            Command::Cancel {
                account,
                instrument: inst,
                id: recent,
            }
        } else if r < 95 {
            Command::MassCancel {
                account,
                instrument: Some(inst),
            }
        } else {
            *clock += rng.below(5) as i64;
            Command::Time {
                ts: Timestamp(*clock),
            }
        }
    }
}
