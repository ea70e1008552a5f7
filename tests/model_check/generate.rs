//! Proptest strategies for realistic command streams.
//!
//! A `Scenario` is abstract (small indices and choices) so that proptest can shrink it; `render`
//! turns it into the JSON lines fed to both the engine and the reference.  Rendering tracks just
//! enough to aim commands well (the clock, which ids were sent, the last price asked for an id),
//! never the engine's state.

use proptest::prelude::*;
use proptest::sample::Index;
use serde_json::{json, Map, Value};

use crate::reference::{fmt_units, mul_units, parse_dec, UNIT};

/// Listable pairs: symbol, base, quote.  ETH-BTC shares BTC with BTC-USD as quote vs base.
const PAIRS: [(&str, &str, &str); 5] = [
    ("BTC-USD", "BTC", "USD"),
    ("ETH-USD", "ETH", "USD"),
    ("ETH-BTC", "ETH", "BTC"),
    ("SOL-EUR", "SOL", "EUR"),
    ("XRP-USD", "XRP", "USD"),
];

/// (tick, lot) sizes.  The last two have amounts with 16 to 18 decimals, so that fees (and
/// rebates) are truncated at 10^-18.
const GRIDS: [(&str, &str); 8] = [
    ("0.01", "0.001"),
    ("0.5", "0.1"),
    ("1", "1"),
    ("0.05", "0.25"),
    ("5", "0.01"),
    ("0.0001", "100"),
    ("0.07", "0.000000000000003"),
    ("0.000000001", "0.000000007"),
];

const MAKER_BPS: [Option<i64>; 8] = [
    None,
    Some(0),
    Some(1),
    Some(-1),
    Some(-2),
    Some(5),
    Some(10),
    Some(-25),
];
const TAKER_BPS: [Option<i64>; 7] = [
    None,
    Some(0),
    Some(2),
    Some(5),
    Some(10),
    Some(30),
    Some(100),
];

const ACCOUNT_IDS: [u64; 8] = [0, 1, 2, 3, 7, 42, 1000, 9_000_000_000_000_000_000];

/// Funding levels, in lots of each instrument (quote funding: lots x mid price).
const FUNDING_LOTS: [i128; 6] = [0, 5, 50, 500, 5000, 50000];

#[derive(Clone, Debug)]
pub struct InstSpec {
    pub symbol: String,
    pub base: String,
    pub quote: String,
    pub tick: String,
    pub lot: String,
    pub maker_bps: Option<i64>,
    pub taker_bps: Option<i64>,
    /// Mid price in ticks.
    pub mid: i64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    Buy,
    Sell,
}

#[derive(Clone, Copy, Debug)]
pub enum PriceVar {
    Plain,
    TrailingZeros,
    LeadingZeros,
    Zero,
    NegativeZero,
    Negative,
    OffGrid,
    TooPrecise,
    Huge,
}

#[derive(Clone, Copy, Debug)]
pub enum QtyVar {
    Plain,
    TrailingZeros,
    Zero,
    Negative,
    OffLot,
    Huge,
}

#[derive(Clone, Copy, Debug)]
pub enum IdSel {
    Fresh,
    /// Exactly 36 bytes.
    FreshLong,
    /// Re-use one of this account's earlier ids (the k-th most recent).
    Reuse(u8),
}

#[derive(Clone, Copy, Debug)]
pub enum SymSel {
    /// The symbol the targeted order was sent to.
    Same,
    Other(Index),
    Unknown,
}

#[derive(Clone, Debug)]
pub struct NewCmd {
    pub acct: Index,
    pub inst: Index,
    pub unknown_symbol: bool,
    pub id: IdSel,
    pub side: Side,
    pub market: bool,
    /// Offset from the side's centre, in ticks.
    pub price_off: i64,
    pub price_var: PriceVar,
    pub lots: i64,
    pub qty_var: QtyVar,
    /// `None`: field omitted.
    pub tif: Option<&'static str>,
    /// For gtd: `expire - clock`.
    pub expire_delta: i64,
    /// Send a (valid) `expire` with a tif other than gtd.
    pub stray_expire: bool,
    pub post_only: Option<bool>,
    pub stp: Option<&'static str>,
    /// Add unknown fields.
    pub extra: bool,
    /// A market order with a `price` field (ignored).
    pub market_price: bool,
}

#[derive(Clone, Debug)]
pub enum Target {
    /// The k-th most recently sent order.
    Recent(u8),
    Unknown(u16),
}

#[derive(Clone, Debug)]
pub enum Cmd {
    New(NewCmd),
    Cancel {
        target: Target,
        other_acct: Option<Index>,
        sym: SymSel,
    },
    Amend {
        target: Target,
        other_acct: Option<Index>,
        sym: SymSel,
        /// (offset from the last price sent for that id, variant)
        price: Option<(i64, PriceVar)>,
        qty: Option<(i64, QtyVar)>,
    },
    MassCancel {
        acct: Index,
        sym: Option<SymSel>,
    },
    Time {
        delta: i64,
    },
    Withdraw {
        acct: Index,
        asset: Index,
        size: usize,
    },
    Deposit {
        acct: Index,
        asset: Index,
        size: usize,
    },
    Balance {
        acct: Index,
    },
    Fees,
    Book {
        inst: Index,
        depth: Option<u16>,
    },
    Invalid(u8),
    /// List one more instrument mid-stream (new assets; listing it twice is an error).
    Listing(Index),
    /// Pre-trade controls (docs/simulate.md); `None` turns a control off.
    Controls {
        inst: Index,
        /// Index into BAND_BPS.
        band: Option<usize>,
        /// Offset from mid, in ticks.
        reference: Option<i64>,
        /// In lots.
        max_qty: Option<i64>,
        /// In lots at mid price.
        max_notional: Option<i64>,
    },
}

#[derive(Clone)]
pub struct Scenario {
    pub max_open_orders: u32,
    pub capacity: u32,
    pub instruments: Vec<InstSpec>,
    pub accounts: Vec<u64>,
    /// Per account and instrument: (base level, quote level) indices into FUNDING_LOTS.
    pub funding: Vec<(usize, usize)>,
    /// A small odd amount added to every deposit, in 10^-7.
    pub funding_odd: u32,
    /// The commands; `false` leaves one out.  Generated `true`; shrinking turns it to `false`
    /// first, so failing streams shrink below the 50 commands they are generated with.
    pub commands: Vec<(bool, Cmd)>,
}

impl Scenario {
    /// Every asset the scenario can name, in the order the instruments introduce them.
    pub fn assets(&self) -> Vec<String> {
        let mut v: Vec<String> = Vec::new();
        for i in &self.instruments {
            for a in [&i.base, &i.quote] {
                if !v.contains(a) {
                    v.push(a.clone());
                }
            }
        }
        v
    }
}

// ---------------------------------------------------------------------------------------------
// Strategies
// ---------------------------------------------------------------------------------------------

fn inst_params() -> impl Strategy<Value = (usize, usize, usize, i64)> {
    (
        0..GRIDS.len(),
        0..MAKER_BPS.len(),
        0..TAKER_BPS.len(),
        50i64..2000,
    )
}

fn instruments() -> impl Strategy<Value = Vec<InstSpec>> {
    (
        proptest::sample::subsequence((0..PAIRS.len()).collect::<Vec<_>>(), 1..=3),
        proptest::collection::vec(inst_params(), 3),
    )
        .prop_map(|(pairs, params)| {
            pairs
                .into_iter()
                .zip(params)
                .map(|(p, (g, m, t, mid))| InstSpec {
                    symbol: PAIRS[p].0.to_string(),
                    base: PAIRS[p].1.to_string(),
                    quote: PAIRS[p].2.to_string(),
                    tick: GRIDS[g].0.to_string(),
                    lot: GRIDS[g].1.to_string(),
                    maker_bps: MAKER_BPS[m],
                    taker_bps: TAKER_BPS[t],
                    mid,
                })
                .collect()
        })
}

fn price_var() -> impl Strategy<Value = PriceVar> {
    prop_oneof![
        100 => Just(PriceVar::Plain),
        3 => Just(PriceVar::TrailingZeros),
        2 => Just(PriceVar::LeadingZeros),
        1 => Just(PriceVar::Zero),
        1 => Just(PriceVar::NegativeZero),
        1 => Just(PriceVar::Negative),
        2 => Just(PriceVar::OffGrid),
        1 => Just(PriceVar::TooPrecise),
        1 => Just(PriceVar::Huge),
    ]
}

fn qty_var() -> impl Strategy<Value = QtyVar> {
    prop_oneof![
        100 => Just(QtyVar::Plain),
        3 => Just(QtyVar::TrailingZeros),
        1 => Just(QtyVar::Zero),
        1 => Just(QtyVar::Negative),
        2 => Just(QtyVar::OffLot),
        1 => Just(QtyVar::Huge),
    ]
}

fn lots() -> impl Strategy<Value = i64> {
    prop_oneof![
        8 => 1i64..=10,
        2 => 10i64..=60,
        1 => 60i64..=400,
    ]
}

fn id_sel() -> impl Strategy<Value = IdSel> {
    prop_oneof![
        30 => Just(IdSel::Fresh),
        1 => Just(IdSel::FreshLong),
        2 => (0u8..6).prop_map(IdSel::Reuse),
    ]
}

fn opt_of<T: Clone + std::fmt::Debug + 'static>(
    values: &'static [T],
) -> impl Strategy<Value = Option<T>> {
    prop_oneof![
        1 => Just(None),
        3 => proptest::sample::select(values).prop_map(Some),
    ]
}

fn new_cmd(market: bool) -> impl Strategy<Value = NewCmd> {
    (
        (
            any::<Index>(),
            any::<Index>(),
            proptest::bool::weighted(0.02),
            id_sel(),
        ),
        (
            prop_oneof![Just(Side::Buy), Just(Side::Sell)],
            prop_oneof![12 => -4i64..=4, 1 => -40i64..=40],
            price_var(),
            lots(),
            qty_var(),
        ),
        (
            opt_of(&["gtc", "gtc", "ioc", "fok", "gtd"]),
            prop_oneof![4 => 1i64..3000, 1 => -300i64..=0],
            proptest::bool::weighted(0.05),
            prop_oneof![6 => Just(None), 1 => Just(Some(true)), 1 => Just(Some(false))],
            opt_of(&["none", "cancel_taker", "cancel_maker", "cancel_both"]),
            proptest::bool::weighted(0.05),
            proptest::bool::weighted(0.2),
        ),
    )
        .prop_map(
            move |(
                (acct, inst, unknown_symbol, id),
                (side, price_off, price_var, lots, qty_var),
                (tif, expire_delta, stray_expire, post_only, stp, extra, market_price),
            )| NewCmd {
                acct,
                inst,
                unknown_symbol,
                id,
                side,
                market,
                price_off,
                price_var,
                lots,
                qty_var,
                tif,
                expire_delta,
                stray_expire,
                post_only,
                stp,
                extra,
                market_price,
            },
        )
}

fn target() -> impl Strategy<Value = Target> {
    prop_oneof![
        8 => prop_oneof![4 => 0u8..2, 2 => 0u8..6, 1 => 0u8..24].prop_map(Target::Recent),
        1 => (0u16..100).prop_map(Target::Unknown),
    ]
}

fn sym_sel() -> impl Strategy<Value = SymSel> {
    prop_oneof![
        16 => Just(SymSel::Same),
        1 => any::<Index>().prop_map(SymSel::Other),
        1 => Just(SymSel::Unknown),
    ]
}

fn other_acct() -> impl Strategy<Value = Option<Index>> {
    prop_oneof![12 => Just(None), 1 => any::<Index>().prop_map(Some)]
}

fn cmd() -> impl Strategy<Value = Cmd> {
    prop_oneof![
        45 => new_cmd(false).prop_map(Cmd::New),
        9 => new_cmd(true).prop_map(Cmd::New),
        10 => (target(), other_acct(), sym_sel())
            .prop_map(|(target, other_acct, sym)| Cmd::Cancel { target, other_acct, sym }),
        12 => (
            target(),
            other_acct(),
            sym_sel(),
            prop_oneof![
                2 => Just(None),
                3 => (-3i64..=3, price_var()).prop_map(Some),
            ],
            prop_oneof![
                1 => Just(None),
                1 => (0i64..=12, qty_var()).prop_map(Some),
            ],
        )
            .prop_map(|(target, other_acct, sym, price, qty)| {
                // An amend needs a price or a qty: fall back to a qty change.
                let qty = if price.is_none() && qty.is_none() {
                    Some((3, QtyVar::Plain))
                } else {
                    qty
                };
                Cmd::Amend { target, other_acct, sym, price, qty }
            }),
        2 => (any::<Index>(), prop_oneof![Just(None), sym_sel().prop_map(Some)])
            .prop_map(|(acct, sym)| Cmd::MassCancel { acct, sym }),
        6 => prop_oneof![
            6 => 0i64..1500,
            1 => Just(0i64),
            1 => -100i64..0,
        ]
        .prop_map(|delta| Cmd::Time { delta }),
        3 => (any::<Index>(), any::<Index>(), 0usize..WITHDRAW_SIZES.len())
            .prop_map(|(acct, asset, size)| Cmd::Withdraw { acct, asset, size }),
        3 => (any::<Index>(), any::<Index>(), 0usize..DEPOSIT_SIZES.len())
            .prop_map(|(acct, asset, size)| Cmd::Deposit { acct, asset, size }),
        2 => any::<Index>().prop_map(|acct| Cmd::Balance { acct }),
        1 => Just(Cmd::Fees),
        2 => (any::<Index>(), prop_oneof![Just(None), (1u16..=4).prop_map(Some)])
            .prop_map(|(inst, depth)| Cmd::Book { inst, depth }),
        4 => (0u8..INVALID_KINDS).prop_map(Cmd::Invalid),
        1 => any::<Index>().prop_map(Cmd::Listing),
        1 => (
            any::<Index>(),
            prop_oneof![1 => Just(None), 1 => (0..BAND_BPS.len()).prop_map(Some)],
            prop_oneof![1 => Just(None), 2 => (-6i64..=6).prop_map(Some)],
            prop_oneof![2 => Just(None), 1 => (5i64..=200).prop_map(Some)],
            prop_oneof![2 => Just(None), 1 => (5i64..=200).prop_map(Some)],
        )
            .prop_map(|(inst, band, reference, max_qty, max_notional)| Cmd::Controls {
                inst,
                band,
                reference,
                max_qty,
                max_notional,
            }),
    ]
}

pub fn scenario() -> impl Strategy<Value = Scenario> {
    (
        prop_oneof![
            6 => Just(10_000u32),
            1 => 1u32..6,
        ],
        prop_oneof![
            8 => Just(1_000_000u32),
            1 => 2u32..12,
        ],
        instruments(),
        proptest::sample::subsequence(ACCOUNT_IDS.to_vec(), 2..=5),
        proptest::collection::vec((0..FUNDING_LOTS.len(), 0..FUNDING_LOTS.len()), 15),
        0u32..100,
        proptest::collection::vec((proptest::bool::weighted(1.0), cmd()), 50..=300),
    )
        .prop_map(
            |(max_open_orders, capacity, instruments, accounts, funding, funding_odd, commands)| {
                Scenario {
                    max_open_orders,
                    capacity,
                    instruments,
                    accounts,
                    funding,
                    funding_odd,
                    commands,
                }
            },
        )
}

// ---------------------------------------------------------------------------------------------
// Rendering
// ---------------------------------------------------------------------------------------------

/// Instruments listed mid-stream: new assets, or pairs of known ones.
const LATE: [(&str, &str, &str); 3] = [
    ("ADA-USD", "ADA", "USD"),
    ("DOT-ADA", "DOT", "ADA"),
    ("BTC-EUR", "BTC", "EUR"),
];

const BAND_BPS: [i64; 8] = [1, 20, 50, 100, 300, 1000, 10_000, 100_000];

const WITHDRAW_SIZES: [&str; 5] = ["0.001", "1", "25.5", "1000", "1000000000"];
const DEPOSIT_SIZES: [&str; 4] = ["0.5", "10", "250", "10000"];
const INVALID_KINDS: u8 = 57;

/// An order as sent (whether or not the engine accepted it).
struct Sent {
    acct: u64,
    id: String,
    inst: usize,
    /// The last price sent for it, in ticks.
    price: i64,
}

struct Renderer<'a> {
    s: &'a Scenario,
    lines: Vec<String>,
    clock: i64,
    sent: Vec<Sent>,
    /// Ids sent per account (any outcome).
    ids: Vec<(u64, String)>,
    fresh: u64,
    withdraw_n: u64,
}

fn obj(pairs: Vec<(&str, Value)>) -> String {
    // serde_json's Map is sorted, so build the text by hand to keep `op` first.
    let body: Vec<String> = pairs
        .into_iter()
        .map(|(k, v)| format!("{}:{}", json!(k), v))
        .collect();
    format!("{{{}}}", body.join(","))
}

fn units_of(s: &str) -> i128 {
    parse_dec(s).unwrap().units().unwrap()
}

impl<'a> Renderer<'a> {
    fn inst(&self, i: &Index) -> usize {
        i.index(self.s.instruments.len())
    }

    fn acct(&self, i: &Index) -> u64 {
        self.s.accounts[i.index(self.s.accounts.len())]
    }

    fn price_text(&self, inst: usize, ticks: i64, var: PriceVar) -> String {
        let spec = &self.s.instruments[inst];
        let tick = units_of(&spec.tick);
        let plain = fmt_units(ticks as i128 * tick);
        match var {
            PriceVar::Plain => plain,
            PriceVar::TrailingZeros => {
                if plain.contains('.') {
                    format!("{plain}00")
                } else {
                    format!("{plain}.000")
                }
            }
            PriceVar::LeadingZeros => format!("00{plain}"),
            PriceVar::Zero => "0".into(),
            PriceVar::NegativeZero => "-0".into(),
            PriceVar::Negative => format!("-{plain}"),
            // Half a tick off the grid (the finest tick is 10^-4, so this stays representable).
            PriceVar::OffGrid => fmt_units(ticks as i128 * tick + tick / 2),
            PriceVar::TooPrecise => {
                // 19 decimal places: off any grid of at most 18.
                let (int, frac) = plain.split_once('.').unwrap_or((&plain, ""));
                format!("{int}.{frac:0<18}1")
            }
            PriceVar::Huge => "1000000000000000000000000000000".into(),
        }
    }

    fn qty_text(&self, inst: usize, lots: i64, var: QtyVar) -> String {
        let spec = &self.s.instruments[inst];
        let lot = units_of(&spec.lot);
        let plain = fmt_units(lots.max(1) as i128 * lot);
        match var {
            QtyVar::Plain => fmt_units(lots as i128 * lot),
            QtyVar::TrailingZeros => {
                if plain.contains('.') {
                    format!("{plain}0")
                } else {
                    format!("{plain}.0")
                }
            }
            QtyVar::Zero => "0".into(),
            QtyVar::Negative => format!("-{plain}"),
            QtyVar::OffLot => {
                // A tenth of a lot more (lots are at least 10^-3, so this stays representable).
                fmt_units(lots.max(1) as i128 * lot + lot / 10)
            }
            QtyVar::Huge => "100000000000000000000000000000000".into(),
        }
    }

    fn fresh_id(&mut self, long: bool) -> String {
        self.fresh += 1;
        if long {
            format!("0123abcd-89ef-4567-89ab-cdef{:08}", self.fresh)
        } else {
            format!("c{}", self.fresh)
        }
    }

    fn deposits(&mut self) {
        let s = self.s;
        let assets = s.assets();
        for (ai, &acct) in s.accounts.iter().enumerate() {
            let mut amounts: Vec<i128> = vec![0; assets.len()];
            for (ii, spec) in s.instruments.iter().enumerate() {
                let (bl, ql) = s.funding[(ai * 3 + ii) % s.funding.len()];
                let lot = units_of(&spec.lot);
                let b = assets.iter().position(|a| *a == spec.base).unwrap();
                let q = assets.iter().position(|a| *a == spec.quote).unwrap();
                amounts[b] += FUNDING_LOTS[bl] * lot;
                // lots x mid price x 1.2
                let tick_lot = mul_units(
                    &parse_dec(&spec.tick).unwrap(),
                    &parse_dec(&spec.lot).unwrap(),
                )
                .unwrap();
                amounts[q] += FUNDING_LOTS[ql] * (spec.mid as i128) * tick_lot * 6 / 5;
            }
            for (k, amt) in amounts.into_iter().enumerate() {
                if amt > 0 {
                    let amount = amt + s.funding_odd as i128 * UNIT / 10_000_000;
                    self.lines.push(obj(vec![
                        ("op", json!("deposit")),
                        ("account", json!(acct)),
                        ("asset", json!(assets[k])),
                        ("amount", json!(fmt_units(amount))),
                    ]));
                }
            }
        }
    }

    fn new_order(&mut self, n: &NewCmd) {
        let acct = self.acct(&n.acct);
        let inst = self.inst(&n.inst);
        let spec = &self.s.instruments[inst];
        let symbol = if n.unknown_symbol {
            "DOGE-USD".to_string()
        } else {
            spec.symbol.clone()
        };
        let id = match n.id {
            IdSel::Fresh => self.fresh_id(false),
            IdSel::FreshLong => self.fresh_id(true),
            IdSel::Reuse(k) => {
                let mine: Vec<&String> = self
                    .ids
                    .iter()
                    .filter(|(a, _)| *a == acct)
                    .map(|(_, i)| i)
                    .collect();
                if mine.is_empty() {
                    self.fresh_id(false)
                } else {
                    mine[mine.len() - 1 - (k as usize % mine.len())].clone()
                }
            }
        };
        // Both sides centre on mid; offsets of +-4 ticks make books cross often.
        let ticks = spec.mid + n.price_off;
        let mut f: Vec<(&str, Value)> = vec![
            ("op", json!("new")),
            ("account", json!(acct)),
            ("symbol", json!(symbol)),
            ("id", json!(id)),
            (
                "side",
                json!(if n.side == Side::Buy { "buy" } else { "sell" }),
            ),
            ("type", json!(if n.market { "market" } else { "limit" })),
        ];
        // A market order may carry a price too: it is type-checked and ignored.
        if !n.market || n.market_price {
            f.push(("price", json!(self.price_text(inst, ticks, n.price_var))));
        }
        f.push(("qty", json!(self.qty_text(inst, n.lots, n.qty_var))));
        if let Some(t) = n.tif {
            f.push(("tif", json!(t)));
        }
        if n.tif == Some("gtd") || n.stray_expire {
            f.push(("expire", json!(self.clock + n.expire_delta)));
        }
        if let Some(p) = n.post_only {
            f.push(("post_only", json!(p)));
        }
        if let Some(s) = n.stp {
            f.push(("stp", json!(s)));
        }
        if n.extra {
            f.push(("note", json!({"why": "unknown fields are ignored"})));
            f.push(("client_tag", json!(7)));
        }
        self.lines.push(obj(f));
        self.ids.push((acct, id.clone()));
        // Only orders that can rest are worth aiming cancels and amends at.
        if !n.unknown_symbol && !n.market && matches!(n.tif, None | Some("gtc") | Some("gtd")) {
            self.sent.push(Sent {
                acct,
                id,
                inst,
                price: ticks,
            });
        }
    }

    /// (account, symbol, id, index into `sent`) for a cancel or amend.
    fn aim(
        &self,
        target: &Target,
        other_acct: &Option<Index>,
        sym: &SymSel,
    ) -> (u64, String, String, Option<usize>) {
        let (acct, inst, id, idx) = match target {
            Target::Recent(k) if !self.sent.is_empty() => {
                let i = self.sent.len() - 1 - (*k as usize % self.sent.len());
                let s = &self.sent[i];
                (s.acct, s.inst, s.id.clone(), Some(i))
            }
            Target::Recent(k) => (self.s.accounts[0], 0, format!("ghost{k}"), None),
            Target::Unknown(n) => (
                self.s.accounts[*n as usize % self.s.accounts.len()],
                *n as usize % self.s.instruments.len(),
                format!("ghost{n}"),
                None,
            ),
        };
        let acct = match other_acct {
            Some(a) => self.acct(a),
            None => acct,
        };
        let symbol = match sym {
            SymSel::Same => self.s.instruments[inst].symbol.clone(),
            SymSel::Other(i) => self.s.instruments[self.inst(i)].symbol.clone(),
            SymSel::Unknown => "NOPE-USD".to_string(),
        };
        (acct, symbol, id, idx)
    }

    fn render(&mut self, c: &Cmd) {
        let s = self.s;
        match c {
            Cmd::New(n) => self.new_order(n),
            Cmd::Cancel {
                target,
                other_acct,
                sym,
            } => {
                let (acct, symbol, id, _) = self.aim(target, other_acct, sym);
                self.lines.push(obj(vec![
                    ("op", json!("cancel")),
                    ("account", json!(acct)),
                    ("symbol", json!(symbol)),
                    ("id", json!(id)),
                ]));
            }
            Cmd::Amend {
                target,
                other_acct,
                sym,
                price,
                qty,
            } => {
                let (acct, symbol, id, idx) = self.aim(target, other_acct, sym);
                let (inst, base_price) = match idx {
                    Some(i) => (self.sent[i].inst, self.sent[i].price),
                    None => (0, s.instruments[0].mid),
                };
                let mut f: Vec<(&str, Value)> = vec![
                    ("op", json!("amend")),
                    ("account", json!(acct)),
                    ("symbol", json!(symbol)),
                    ("id", json!(id)),
                ];
                if let Some((off, var)) = price {
                    let ticks = base_price + off;
                    f.push(("price", json!(self.price_text(inst, ticks, *var))));
                    if let (Some(i), PriceVar::Plain) = (idx, var) {
                        self.sent[i].price = ticks;
                    }
                }
                if let Some((lots, var)) = qty {
                    f.push(("qty", json!(self.qty_text(inst, *lots, *var))));
                }
                self.lines.push(obj(f));
            }
            Cmd::MassCancel { acct, sym } => {
                let mut f = vec![
                    ("op", json!("mass_cancel")),
                    ("account", json!(self.acct(acct))),
                ];
                match sym {
                    None => {}
                    Some(SymSel::Unknown) => f.push(("symbol", json!("NOPE-USD"))),
                    Some(SymSel::Same) => {
                        f.push(("symbol", json!(s.instruments[0].symbol)));
                    }
                    Some(SymSel::Other(i)) => {
                        f.push(("symbol", json!(s.instruments[self.inst(i)].symbol)));
                    }
                }
                self.lines.push(obj(f));
            }
            Cmd::Time { delta } => {
                let ts = self.clock + delta;
                if *delta >= 0 {
                    self.clock = ts;
                }
                self.lines
                    .push(obj(vec![("op", json!("time")), ("ts", json!(ts))]));
            }
            Cmd::Withdraw { acct, asset, size } => {
                let mut assets = s.assets();
                assets.push("DOGE".into());
                assets.push("ZZZ".into());
                self.withdraw_n += 1;
                self.lines.push(obj(vec![
                    ("op", json!("withdraw")),
                    ("account", json!(self.acct(acct))),
                    ("asset", json!(assets[asset.index(assets.len())])),
                    ("amount", json!(WITHDRAW_SIZES[*size])),
                    ("id", json!(format!("w{}", self.withdraw_n))),
                ]));
            }
            Cmd::Deposit { acct, asset, size } => {
                let mut assets = s.assets();
                assets.push("DOGE".into());
                self.lines.push(obj(vec![
                    ("op", json!("deposit")),
                    ("account", json!(self.acct(acct))),
                    ("asset", json!(assets[asset.index(assets.len())])),
                    ("amount", json!(DEPOSIT_SIZES[*size])),
                ]));
            }
            Cmd::Balance { acct } => {
                // Sometimes an account that never did anything.
                let a = if acct.index(8) == 0 {
                    555
                } else {
                    self.acct(acct)
                };
                self.lines
                    .push(obj(vec![("op", json!("balance")), ("account", json!(a))]));
            }
            Cmd::Fees => self.lines.push(obj(vec![("op", json!("fees"))])),
            Cmd::Book { inst, depth } => {
                let mut f = vec![
                    ("op", json!("book")),
                    ("symbol", json!(s.instruments[self.inst(inst)].symbol)),
                ];
                if let Some(d) = depth {
                    f.push(("depth", json!(d)));
                }
                self.lines.push(obj(f));
            }
            Cmd::Invalid(k) => {
                let line = self.invalid(*k);
                self.lines.push(line);
            }
            Cmd::Controls {
                inst,
                band,
                reference,
                max_qty,
                max_notional,
            } => {
                let i = self.inst(inst);
                let spec = &s.instruments[i];
                let tick = units_of(&spec.tick);
                let lot = units_of(&spec.lot);
                let tick_lot = mul_units(
                    &parse_dec(&spec.tick).unwrap(),
                    &parse_dec(&spec.lot).unwrap(),
                )
                .unwrap();
                let mut f = vec![("op", json!("controls")), ("symbol", json!(spec.symbol))];
                if let Some(b) = band {
                    f.push(("price_band_bps", json!(BAND_BPS[*b])));
                }
                if let Some(r) = reference {
                    f.push((
                        "reference_price",
                        json!(fmt_units((spec.mid + r) as i128 * tick)),
                    ));
                }
                if let Some(q) = max_qty {
                    f.push(("max_qty", json!(fmt_units(*q as i128 * lot))));
                }
                if let Some(n) = max_notional {
                    f.push((
                        "max_notional",
                        json!(fmt_units(*n as i128 * spec.mid as i128 * tick_lot)),
                    ));
                }
                self.lines.push(obj(f));
            }
            Cmd::Listing(i) => {
                let (symbol, base, quote) = LATE[i.index(LATE.len())];
                let (tick, lot) = GRIDS[i.index(GRIDS.len())];
                self.lines.push(obj(vec![
                    ("op", json!("instrument")),
                    ("symbol", json!(symbol)),
                    ("kind", json!("spot")),
                    ("base", json!(base)),
                    ("quote", json!(quote)),
                    ("tick", json!(tick)),
                    ("lot", json!(lot)),
                    ("taker_fee_bps", json!(3)),
                ]));
            }
        }
    }

    /// A line that must give an `error` event.
    fn invalid(&self, k: u8) -> String {
        let s = self.s;
        let sym = s.instruments[0].symbol.clone();
        let acct = s.accounts[0];
        let mut new = Map::new();
        for (key, v) in [
            ("op", json!("new")),
            ("account", json!(acct)),
            ("symbol", json!(sym)),
            ("id", json!(format!("bad{k}"))),
            ("side", json!("buy")),
            ("type", json!("limit")),
            (
                "price",
                json!(fmt_units(
                    units_of(&s.instruments[0].tick) * s.instruments[0].mid as i128
                )),
            ),
            ("qty", json!(s.instruments[0].lot)),
        ] {
            new.insert(key.to_string(), v);
        }
        let with = |changes: &[(&str, Option<Value>)]| -> String {
            let mut m = new.clone();
            for (key, v) in changes {
                match v {
                    Some(v) => m.insert(key.to_string(), v.clone()),
                    None => m.remove(*key),
                };
            }
            Value::Object(m).to_string()
        };
        let inst = |changes: &[(&str, Option<Value>)]| -> String {
            let mut m = Map::new();
            for (key, v) in [
                ("op", json!("instrument")),
                ("symbol", json!("NEW-COIN")),
                ("kind", json!("spot")),
                ("base", json!("NEW")),
                ("quote", json!("COIN")),
                ("tick", json!("0.01")),
                ("lot", json!("1")),
            ] {
                m.insert(key.to_string(), v);
            }
            for (key, v) in changes {
                match v {
                    Some(v) => m.insert(key.to_string(), v.clone()),
                    None => m.remove(*key),
                };
            }
            Value::Object(m).to_string()
        };
        match k {
            0 => String::new(),
            1 => "not json".into(),
            2 => "[1,2,3]".into(),
            3 => r#"{"op":"launch"}"#.into(),
            4 => format!(r#"{{"account":{acct}}}"#),
            5 => with(&[("qty", None)]),
            6 => with(&[("price", None)]),
            7 => with(&[("qty", Some(json!(1.5)))]),
            8 => with(&[("qty", Some(json!("1e2")))]),
            9 => with(&[("price", Some(json!("1.")))]),
            10 => with(&[("price", Some(json!(".5")))]),
            11 => with(&[("qty", Some(json!("+1")))]),
            12 => with(&[("side", Some(json!("hold")))]),
            13 => with(&[("type", Some(json!("stop")))]),
            14 => with(&[("tif", Some(json!("day")))]),
            15 => with(&[("stp", Some(json!("maybe")))]),
            16 => with(&[("post_only", Some(json!("yes")))]),
            17 => with(&[("account", Some(json!(acct.to_string())))]),
            18 => with(&[("account", Some(json!(-1)))]),
            19 => with(&[("account", Some(json!(1.5)))]),
            20 => with(&[("tif", Some(json!("gtd")))]),
            21 => with(&[("tif", Some(json!("gtd"))), ("expire", Some(json!("100")))]),
            22 => obj(vec![
                ("op", json!("deposit")),
                ("account", json!(acct)),
                ("asset", json!("USD")),
                ("amount", json!("0")),
            ]),
            23 => obj(vec![
                ("op", json!("deposit")),
                ("account", json!(acct)),
                ("asset", json!("USD")),
                ("amount", json!("-5")),
            ]),
            24 => obj(vec![
                ("op", json!("withdraw")),
                ("account", json!(acct)),
                ("asset", json!("USD")),
                ("amount", json!("0")),
                ("id", json!("w0")),
            ]),
            25 => obj(vec![("op", json!("time")), ("ts", json!(self.clock - 1))]),
            26 => obj(vec![("op", json!("time")), ("ts", json!("5"))]),
            27 => inst(&[("tick", Some(json!("0")))]),
            28 => inst(&[("symbol", Some(json!(sym)))]),
            29 => inst(&[("quote", Some(json!("NEW")))]),
            30 => inst(&[("kind", Some(json!("perp")))]),
            31 => inst(&[("maker_fee_bps", Some(json!(20000)))]),
            32 => inst(&[("taker_fee_bps", Some(json!("5")))]),
            33 => with(&[("id", Some(json!("")))]),
            34 => with(&[("id", Some(json!("x".repeat(37))))]),
            35 => with(&[("symbol", Some(json!("S".repeat(17))))]),
            36 => obj(vec![
                ("op", json!("amend")),
                ("account", json!(acct)),
                ("symbol", json!(sym)),
                ("id", json!("c1")),
            ]),
            37 => obj(vec![
                ("op", json!("book")),
                ("symbol", json!(sym)),
                ("depth", json!(0)),
            ]),
            38 => obj(vec![
                ("op", json!("book")),
                ("symbol", json!(sym)),
                ("depth", json!(1001)),
            ]),
            39 => obj(vec![("op", json!("book")), ("symbol", json!("NOPE-USD"))]),
            40 => obj(vec![
                ("op", json!("cancel")),
                ("account", json!(acct)),
                ("symbol", json!(sym)),
            ]),
            41 => obj(vec![("op", json!("mass_cancel")), ("account", json!("x"))]),
            42 => obj(vec![
                ("op", json!("deposit")),
                ("account", json!(acct)),
                ("asset", json!("USD")),
                ("amount", json!("0.0000000000000000001")),
            ]),
            43 => inst(&[("lot", Some(json!("-1")))]),
            44 => inst(&[
                ("tick", Some(json!("0.0000000001"))),
                ("lot", Some(json!("0.0000000001"))),
            ]),
            45 => with(&[
                ("type", Some(json!("market"))),
                ("price", Some(json!("abc"))),
            ]),
            46 => with(&[("price", Some(json!(100)))]),
            47 => obj(vec![("op", json!("balance"))]),
            48 => obj(vec![
                ("op", json!("deposit")),
                ("account", json!(acct)),
                ("asset", json!("")),
                ("amount", json!("1")),
            ]),
            49 => obj(vec![
                ("op", json!("deposit")),
                ("account", json!(acct)),
                ("asset", json!("A".repeat(17))),
                ("amount", json!("1")),
            ]),
            50 => r#"{"op":"new"}"#.into(),
            51 => "null".into(),
            52 => with(&[("id", Some(json!(5)))]),
            53 => with(&[("account", Some(json!(9_223_372_036_854_775_808u64)))]),
            54 => inst(&[("lot", None)]),
            55 => obj(vec![
                ("op", json!("withdraw")),
                ("account", json!(acct)),
                ("asset", json!("USD")),
                ("amount", json!("1")),
            ]),
            _ => r#"{"op":"fees""#.into(),
        }
    }
}

/// The input lines of a scenario: instruments, deposits, then the commands.
pub fn render(s: &Scenario) -> Vec<String> {
    let mut r = Renderer {
        s,
        lines: Vec::new(),
        clock: 0,
        sent: Vec::new(),
        ids: Vec::new(),
        fresh: 0,
        withdraw_n: 0,
    };
    for i in &s.instruments {
        let mut f = vec![
            ("op", json!("instrument")),
            ("symbol", json!(i.symbol)),
            ("kind", json!("spot")),
            ("base", json!(i.base)),
            ("quote", json!(i.quote)),
            ("tick", json!(i.tick)),
            ("lot", json!(i.lot)),
        ];
        if let Some(b) = i.maker_bps {
            f.push(("maker_fee_bps", json!(b)));
        }
        if let Some(b) = i.taker_bps {
            f.push(("taker_fee_bps", json!(b)));
        }
        r.lines.push(obj(f));
    }
    r.deposits();
    for (on, c) in &s.commands {
        if *on {
            r.render(c);
        }
    }
    r.lines
}

/// Shown for failing cases: the options and the rendered input, one JSON line each.
impl std::fmt::Debug for Scenario {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(
            f,
            "Scenario {{ max_open_orders: {}, capacity: {} }}, input:",
            self.max_open_orders, self.capacity
        )?;
        for (i, l) in render(self).iter().enumerate() {
            writeln!(f, "  {:>4}: {l}", i + 1)?;
        }
        Ok(())
    }
}
