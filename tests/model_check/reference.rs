//! The reference model: a deliberately naive implementation of the JSON Lines contract
//! (`shared/contracts/engine-jsonl.md`) and of the choices recorded in `docs/simulate.md`, for spot
//! instruments.  It is written from those two texts only, never from the engine's code.
//!
//! Everything lives in plain vectors that are searched linearly; amounts are `i128` in units of
//! 10^-18, prices are integer ticks and quantities integer lots.  Events are built as ordered
//! `(key, value)` lists so that the contract's field order can be checked too.
//!
//! Not modelled (the generator never produces them): inputs whose reading the texts leave open
//! (values that overflow `i128`, decimals with more than 18 places that are only trailing zeros,
//! `null` values, duplicate keys, controls with zero, negative or off-grid values).
//!
//! Pre-trade controls (`controls`, docs/simulate.md) are modelled with these readings of what the
//! docs leave open: a band needs a reference (no `reference_price` and no trade yet: no band); the
//! reference is the instrument's last trade price, whenever that trade happened; a market order's
//! band is fixed when it arrives and stops it only at the edge it sweeps towards (a buy above the
//! top, a sell below the bottom), checked before self-trade prevention and affordability at each
//! maker; an `amend` must leave an order that passes the controls (its new price against the band,
//! its new total quantity against `max_qty`, new price x new total quantity against
//! `max_notional`), checked after `invalid_qty` and in the order of the `new` precedence, except
//! when the amend only lowers the quantity at the same price (risk-reducing, always allowed);
//! `controls` naming an unknown symbol is an `error`.

use serde_json::{json, Map, Value};

/// 10^18: one whole unit of an asset, in the engine's amount units.
pub const UNIT: i128 = 1_000_000_000_000_000_000;

// ---------------------------------------------------------------------------------------------
// Decimals
// ---------------------------------------------------------------------------------------------

/// A decimal string in the contract's syntax `-?[0-9]+(\.[0-9]+)?`, with leading zeros of the
/// integer part and trailing zeros of the fraction removed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Dec {
    pub neg: bool,
    /// Integer digits without leading zeros ("" for zero).
    pub int: String,
    /// Fraction digits without trailing zeros.
    pub frac: String,
}

/// Parses the contract's decimal syntax; `None` for anything else (`"1e2"`, `"1."`, `".5"`, `"+1"`).
pub fn parse_dec(s: &str) -> Option<Dec> {
    let (neg, rest) = match s.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, s),
    };
    let (int, frac) = match rest.find('.') {
        Some(p) => (&rest[..p], Some(&rest[p + 1..])),
        None => (rest, None),
    };
    if int.is_empty() || !int.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if let Some(f) = frac {
        if f.is_empty() || !f.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
    }
    Some(Dec {
        neg,
        int: int.trim_start_matches('0').to_string(),
        frac: frac.unwrap_or("").trim_end_matches('0').to_string(),
    })
}

impl Dec {
    pub fn is_zero(&self) -> bool {
        self.int.is_empty() && self.frac.is_empty()
    }

    pub fn is_positive(&self) -> bool {
        !self.neg && !self.is_zero()
    }

    /// The value as `mantissa / 10^scale`; `None` if the mantissa does not fit an `i128`.
    pub fn mantissa_scale(&self) -> Option<(i128, u32)> {
        let mut m: i128 = 0;
        for b in self.int.bytes().chain(self.frac.bytes()) {
            m = m.checked_mul(10)?.checked_add((b - b'0') as i128)?;
        }
        Some((if self.neg { -m } else { m }, self.frac.len() as u32))
    }

    /// The value in 10^-18 units; `None` if it has more than 18 decimal places or overflows.
    pub fn units(&self) -> Option<i128> {
        let (m, s) = self.mantissa_scale()?;
        if s > 18 {
            return None;
        }
        m.checked_mul(10i128.checked_pow(18 - s)?)
    }
}

/// The exact product of two decimals in 10^-18 units; `None` if it is not a whole number of
/// units or overflows.
pub fn mul_units(a: &Dec, b: &Dec) -> Option<i128> {
    let (ma, sa) = a.mantissa_scale()?;
    let (mb, sb) = b.mantissa_scale()?;
    let m = ma.checked_mul(mb)?;
    let s = sa + sb;
    if s <= 18 {
        m.checked_mul(10i128.checked_pow(18 - s)?)
    } else {
        let d = 10i128.checked_pow(s - 18)?;
        if m % d == 0 {
            Some(m / d)
        } else {
            None
        }
    }
}

/// Formats 10^-18 units as a normalised decimal: no trailing zeros, no trailing point.
pub fn fmt_units(u: i128) -> String {
    let neg = u < 0;
    let a = u.unsigned_abs();
    let unit = UNIT as u128;
    let int = a / unit;
    let frac = a % unit;
    let mut s = String::new();
    if neg {
        s.push('-');
    }
    s.push_str(&int.to_string());
    if frac != 0 {
        let f = format!("{:018}", frac);
        s.push('.');
        s.push_str(f.trim_end_matches('0'));
    }
    s
}

// ---------------------------------------------------------------------------------------------
// Events
// ---------------------------------------------------------------------------------------------

/// One output line: its fields in the contract's order.
#[derive(Clone, Debug, PartialEq)]
pub struct Event {
    pub fields: Vec<(&'static str, Value)>,
}

impl Event {
    pub fn to_value(&self) -> Value {
        let mut m = Map::new();
        for (k, v) in &self.fields {
            m.insert(k.to_string(), v.clone());
        }
        Value::Object(m)
    }

    pub fn keys(&self) -> Vec<String> {
        self.fields.iter().map(|(k, _)| k.to_string()).collect()
    }

    pub fn name(&self) -> &str {
        self.fields
            .iter()
            .find(|(k, _)| *k == "event")
            .and_then(|(_, v)| v.as_str())
            .unwrap_or("")
    }

    pub fn seq(&self) -> u64 {
        self.fields[0].1.as_u64().unwrap_or(0)
    }
}

fn ev(seq: u64, name: &str, rest: Vec<(&'static str, Value)>) -> Event {
    let mut fields = vec![("seq", json!(seq)), ("event", json!(name))];
    fields.extend(rest);
    Event { fields }
}

fn error_event(seq: u64, message: String) -> Event {
    ev(
        seq,
        "error",
        vec![("line", json!(seq)), ("message", json!(message))],
    )
}

fn rejected(seq: u64, account: u64, id: &str, reason: &str) -> Event {
    ev(
        seq,
        "rejected",
        vec![
            ("account", json!(account)),
            ("id", json!(id)),
            ("reason", json!(reason)),
        ],
    )
}

// ---------------------------------------------------------------------------------------------
// State
// ---------------------------------------------------------------------------------------------

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    Buy,
    Sell,
}

impl Side {
    fn name(self) -> &'static str {
        match self {
            Side::Buy => "buy",
            Side::Sell => "sell",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tif {
    Gtc,
    Ioc,
    Fok,
    Gtd,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stp {
    None,
    CancelTaker,
    CancelMaker,
    CancelBoth,
}

#[derive(Clone, Debug)]
struct Instrument {
    symbol: String,
    base: usize,
    quote: usize,
    tick: i128,
    lot: i128,
    /// Value of one tick times one lot, in units.
    tick_lot: i128,
    maker_bps: i128,
    taker_bps: i128,
    controls: Controls,
    /// Price of the last trade, in ticks.
    last_trade: Option<i128>,
}

/// Pre-trade controls; every amount in units.
#[derive(Clone, Debug, Default)]
struct Controls {
    band_bps: Option<i128>,
    reference_price: Option<i128>,
    max_qty: Option<i128>,
    max_notional: Option<i128>,
}

#[derive(Clone, Debug)]
struct Balance {
    account: u64,
    asset: usize,
    available: i128,
    held: i128,
}

#[derive(Clone, Debug)]
struct Order {
    order_id: u64,
    account: u64,
    id: String,
    inst: usize,
    side: Side,
    /// Limit price in ticks; `None` for a market order.
    price: Option<i128>,
    /// Total quantity in lots.
    qty: i128,
    filled: i128,
    /// Time priority: smaller is earlier.
    prio: u64,
    tif: Tif,
    expire: Option<i64>,
    post_only: bool,
    stp: Stp,
    /// A market order's price band `[lo, hi]` in units, fixed when it arrives.
    band: Option<(i128, i128)>,
}

impl Order {
    fn leaves(&self) -> i128 {
        self.qty - self.filled
    }
}

#[derive(Debug, PartialEq)]
enum Outcome {
    Filled,
    Rest,
    Cancelled,
}

#[derive(Clone, Debug)]
pub struct Reference {
    max_open: usize,
    capacity: usize,
    clock: i64,
    assets: Vec<String>,
    instruments: Vec<Instrument>,
    balances: Vec<Balance>,
    fee_account: Vec<i128>,
    /// Open (resting) orders, in no particular order.
    orders: Vec<Order>,
    /// (account, client id) of every accepted order.
    used_ids: Vec<(u64, String)>,
    next_order_id: u64,
    next_trade_id: u64,
    next_prio: u64,
}

/// Runs a whole input through a fresh reference model.
pub fn run(lines: &[String], max_open_orders: u32, capacity: u32) -> Vec<Event> {
    let mut r = Reference::new(max_open_orders, capacity);
    let mut out = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        r.line(i as u64 + 1, l, &mut out);
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Parsing
// ---------------------------------------------------------------------------------------------

type R<T> = Result<T, String>;
type Obj = Map<String, Value>;

fn req<'a>(o: &'a Obj, k: &str) -> R<&'a Value> {
    o.get(k).ok_or_else(|| format!("missing field `{k}`"))
}

fn account_of(v: &Value, k: &str) -> R<u64> {
    match v.as_u64() {
        Some(a) if a <= i64::MAX as u64 => Ok(a),
        _ => Err(format!("`{k}` must be an integer from 0 to 2^63-1")),
    }
}

fn i64_of(v: &Value, k: &str) -> R<i64> {
    v.as_i64()
        .ok_or_else(|| format!("`{k}` must be a 64-bit integer"))
}

fn name_of(v: &Value, k: &str, max: usize) -> R<String> {
    match v.as_str() {
        Some(s) if !s.is_empty() && s.len() <= max => Ok(s.to_string()),
        _ => Err(format!(
            "`{k}` must be a non-empty string of at most {max} bytes"
        )),
    }
}

fn dec_of(v: &Value, k: &str) -> R<Dec> {
    v.as_str()
        .and_then(parse_dec)
        .ok_or_else(|| format!("`{k}` must be a decimal string"))
}

/// A `tick`, `lot` or `amount`: positive, at most 18 decimal places.
fn amount_of(v: &Value, k: &str) -> R<(Dec, i128)> {
    let d = dec_of(v, k)?;
    if !d.is_positive() {
        return Err(format!("`{k}` must be positive"));
    }
    let u = d
        .units()
        .ok_or_else(|| format!("`{k}` has more than 18 decimal places"))?;
    Ok((d, u))
}

fn account_field(o: &Obj) -> R<u64> {
    account_of(req(o, "account")?, "account")
}
fn symbol_field(o: &Obj) -> R<String> {
    name_of(req(o, "symbol")?, "symbol", 16)
}
fn id_field(o: &Obj) -> R<String> {
    name_of(req(o, "id")?, "id", 36)
}

#[derive(Debug)]
struct NewCmd {
    account: u64,
    symbol: String,
    id: String,
    side: Side,
    /// `None` for a market order.
    price: Option<Dec>,
    qty: Dec,
    tif: Tif,
    expire: Option<i64>,
    post_only: bool,
    stp: Stp,
}

#[derive(Debug)]
enum Command {
    Instrument {
        symbol: String,
        base: String,
        quote: String,
        tick: i128,
        lot: i128,
        tick_lot: i128,
        maker_bps: i128,
        taker_bps: i128,
    },
    Deposit {
        account: u64,
        asset: String,
        amount: i128,
    },
    Withdraw {
        account: u64,
        asset: String,
        amount: i128,
        id: String,
    },
    New(NewCmd),
    Cancel {
        account: u64,
        symbol: String,
        id: String,
    },
    Amend {
        account: u64,
        symbol: String,
        id: String,
        price: Option<Dec>,
        qty: Option<Dec>,
    },
    MassCancel {
        account: u64,
        symbol: Option<String>,
    },
    Time {
        ts: i64,
    },
    Balance {
        account: u64,
    },
    Fees,
    Book {
        symbol: String,
        depth: usize,
    },
    Controls {
        symbol: String,
        controls: Controls,
    },
}

fn parse_command(text: &str) -> R<Command> {
    let v: Value = serde_json::from_str(text).map_err(|e| format!("invalid JSON: {e}"))?;
    let o = v.as_object().ok_or("not a JSON object")?;
    let op = req(o, "op")?.as_str().ok_or("`op` must be a string")?;
    Ok(match op {
        "instrument" => {
            let symbol = symbol_field(o)?;
            let kind = req(o, "kind")?.as_str().ok_or("`kind` must be a string")?;
            let base = name_of(req(o, "base")?, "base", 16)?;
            let quote = name_of(req(o, "quote")?, "quote", 16)?;
            let (tick_d, tick) = amount_of(req(o, "tick")?, "tick")?;
            let (lot_d, lot) = amount_of(req(o, "lot")?, "lot")?;
            let tick_lot = match mul_units(&tick_d, &lot_d) {
                Some(u) if u > 0 => u,
                _ => return Err("tick x lot is finer than 10^-18".into()),
            };
            let bps = |k: &str| -> R<i128> {
                match o.get(k) {
                    None => Ok(0),
                    Some(v) => match v.as_i64() {
                        Some(b) if (-10000..=10000).contains(&b) => Ok(b as i128),
                        _ => Err(format!("`{k}` must be an integer in -10000..=10000")),
                    },
                }
            };
            let maker_bps = bps("maker_fee_bps")?;
            let taker_bps = bps("taker_fee_bps")?;
            if kind != "spot" {
                return Err("only spot instruments trade".into());
            }
            if base == quote {
                return Err("base equals quote".into());
            }
            Command::Instrument {
                symbol,
                base,
                quote,
                tick,
                lot,
                tick_lot,
                maker_bps,
                taker_bps,
            }
        }
        "deposit" => Command::Deposit {
            account: account_field(o)?,
            asset: name_of(req(o, "asset")?, "asset", 16)?,
            amount: amount_of(req(o, "amount")?, "amount")?.1,
        },
        "withdraw" => Command::Withdraw {
            account: account_field(o)?,
            asset: name_of(req(o, "asset")?, "asset", 16)?,
            amount: amount_of(req(o, "amount")?, "amount")?.1,
            id: id_field(o)?,
        },
        "new" => {
            let account = account_field(o)?;
            let symbol = symbol_field(o)?;
            let id = id_field(o)?;
            let side = match req(o, "side")?.as_str() {
                Some("buy") => Side::Buy,
                Some("sell") => Side::Sell,
                _ => return Err("`side` must be buy or sell".into()),
            };
            let market = match req(o, "type")?.as_str() {
                Some("limit") => false,
                Some("market") => true,
                _ => return Err("`type` must be limit or market".into()),
            };
            let qty = dec_of(req(o, "qty")?, "qty")?;
            let price = if market {
                // Checked for type and otherwise ignored.
                if let Some(p) = o.get("price") {
                    dec_of(p, "price")?;
                }
                None
            } else {
                Some(dec_of(req(o, "price")?, "price")?)
            };
            let tif = match o.get("tif") {
                None => Tif::Gtc,
                Some(v) => match v.as_str() {
                    Some("gtc") => Tif::Gtc,
                    Some("ioc") => Tif::Ioc,
                    Some("fok") => Tif::Fok,
                    Some("gtd") => Tif::Gtd,
                    _ => return Err("bad `tif`".into()),
                },
            };
            let expire = match o.get("expire") {
                Some(v) => Some(i64_of(v, "expire")?),
                None if tif == Tif::Gtd => return Err("missing field `expire`".into()),
                None => None,
            };
            let post_only = match o.get("post_only") {
                None => false,
                Some(v) => v.as_bool().ok_or("`post_only` must be a boolean")?,
            };
            let stp = match o.get("stp") {
                None => Stp::None,
                Some(v) => match v.as_str() {
                    Some("none") => Stp::None,
                    Some("cancel_taker") => Stp::CancelTaker,
                    Some("cancel_maker") => Stp::CancelMaker,
                    Some("cancel_both") => Stp::CancelBoth,
                    _ => return Err("bad `stp`".into()),
                },
            };
            Command::New(NewCmd {
                account,
                symbol,
                id,
                side,
                price,
                qty,
                tif,
                expire: if tif == Tif::Gtd { expire } else { None },
                post_only,
                stp,
            })
        }
        "cancel" => Command::Cancel {
            account: account_field(o)?,
            symbol: symbol_field(o)?,
            id: id_field(o)?,
        },
        "amend" => {
            let account = account_field(o)?;
            let symbol = symbol_field(o)?;
            let id = id_field(o)?;
            let price = match o.get("price") {
                Some(v) => Some(dec_of(v, "price")?),
                None => None,
            };
            let qty = match o.get("qty") {
                Some(v) => Some(dec_of(v, "qty")?),
                None => None,
            };
            if price.is_none() && qty.is_none() {
                return Err("amend needs `price` and/or `qty`".into());
            }
            Command::Amend {
                account,
                symbol,
                id,
                price,
                qty,
            }
        }
        "mass_cancel" => Command::MassCancel {
            account: account_field(o)?,
            symbol: match o.get("symbol") {
                Some(v) => Some(name_of(v, "symbol", 16)?),
                None => None,
            },
        },
        "time" => Command::Time {
            ts: i64_of(req(o, "ts")?, "ts")?,
        },
        "balance" => Command::Balance {
            account: account_field(o)?,
        },
        "fees" => Command::Fees,
        "book" => Command::Book {
            symbol: symbol_field(o)?,
            depth: match o.get("depth") {
                None => 10,
                Some(v) => match v.as_i64() {
                    Some(d) if (1..=1000).contains(&d) => d as usize,
                    _ => return Err("`depth` must be an integer in 1..=1000".into()),
                },
            },
        },
        "controls" => {
            let symbol = symbol_field(o)?;
            let opt_amount = |k: &str| -> R<Option<i128>> {
                match o.get(k) {
                    None => Ok(None),
                    Some(v) => Ok(Some(amount_of(v, k)?.1)),
                }
            };
            Command::Controls {
                symbol,
                controls: Controls {
                    band_bps: match o.get("price_band_bps") {
                        None => None,
                        Some(v) => match v.as_i64() {
                            Some(b) if (1..=100_000).contains(&b) => Some(b as i128),
                            _ => return Err("`price_band_bps` must be in 1..=100000".into()),
                        },
                    },
                    reference_price: opt_amount("reference_price")?,
                    max_qty: opt_amount("max_qty")?,
                    max_notional: opt_amount("max_notional")?,
                },
            }
        }
        other => return Err(format!("unknown op `{other}`")),
    })
}

/// A price (or quantity) in whole ticks (lots): positive, on the grid, fitting 64 bits.
fn to_steps(d: &Dec, step: i128) -> Option<i128> {
    if !d.is_positive() {
        return None;
    }
    let u = d.units()?;
    if u % step != 0 {
        return None;
    }
    let n = u / step;
    if n > i64::MAX as i128 {
        return None;
    }
    Some(n)
}

// ---------------------------------------------------------------------------------------------
// The engine
// ---------------------------------------------------------------------------------------------

impl Reference {
    pub fn new(max_open_orders: u32, capacity: u32) -> Self {
        Reference {
            max_open: max_open_orders as usize,
            capacity: capacity as usize,
            clock: 0,
            assets: Vec::new(),
            instruments: Vec::new(),
            balances: Vec::new(),
            fee_account: Vec::new(),
            orders: Vec::new(),
            used_ids: Vec::new(),
            next_order_id: 1,
            next_trade_id: 1,
            next_prio: 1,
        }
    }

    /// Processes one input line (1-based number `seq`), appending its events to `out`.
    pub fn line(&mut self, seq: u64, text: &str, out: &mut Vec<Event>) {
        match parse_command(text) {
            Err(m) => out.push(error_event(seq, m)),
            Ok(cmd) => {
                if let Err(m) = self.apply(seq, cmd, out) {
                    out.push(error_event(seq, m));
                }
            }
        }
    }

    fn asset(&self, name: &str) -> Option<usize> {
        self.assets.iter().position(|a| a == name)
    }

    fn learn_asset(&mut self, name: &str) -> usize {
        match self.asset(name) {
            Some(i) => i,
            None => {
                self.assets.push(name.to_string());
                self.fee_account.push(0);
                self.assets.len() - 1
            }
        }
    }

    fn inst(&self, symbol: &str) -> Option<usize> {
        self.instruments.iter().position(|i| i.symbol == symbol)
    }

    fn bal(&mut self, account: u64, asset: usize) -> &mut Balance {
        let pos = self
            .balances
            .iter()
            .position(|b| b.account == account && b.asset == asset);
        let i = match pos {
            Some(i) => i,
            None => {
                self.balances.push(Balance {
                    account,
                    asset,
                    available: 0,
                    held: 0,
                });
                self.balances.len() - 1
            }
        };
        &mut self.balances[i]
    }

    fn available(&self, account: u64, asset: usize) -> i128 {
        self.balances
            .iter()
            .find(|b| b.account == account && b.asset == asset)
            .map_or(0, |b| b.available)
    }

    /// What an order holds: (asset, amount). A market order holds nothing.
    fn hold_of(&self, o: &Order) -> (usize, i128) {
        let i = &self.instruments[o.inst];
        match (o.side, o.price) {
            (Side::Buy, Some(p)) => (i.quote, p * o.leaves() * i.tick_lot),
            (Side::Buy, None) => (i.quote, 0),
            (Side::Sell, Some(_)) => (i.base, o.leaves() * i.lot),
            (Side::Sell, None) => (i.base, 0),
        }
    }

    fn place_hold(&mut self, o: &Order) {
        let (a, h) = self.hold_of(o);
        let b = self.bal(o.account, a);
        b.available -= h;
        b.held += h;
    }

    fn release_hold(&mut self, o: &Order) {
        let (a, h) = self.hold_of(o);
        let b = self.bal(o.account, a);
        b.available += h;
        b.held -= h;
    }

    fn price_str(&self, inst: usize, ticks: i128) -> String {
        fmt_units(ticks * self.instruments[inst].tick)
    }

    fn qty_str(&self, inst: usize, lots: i128) -> String {
        fmt_units(lots * self.instruments[inst].lot)
    }

    fn cancelled(&self, seq: u64, o: &Order, reason: &str) -> Event {
        ev(
            seq,
            "cancelled",
            vec![
                ("account", json!(o.account)),
                ("id", json!(o.id)),
                ("reason", json!(reason)),
                ("leaves_qty", json!(self.qty_str(o.inst, o.leaves()))),
            ],
        )
    }

    fn filled(seq: u64, o: &Order) -> Event {
        ev(
            seq,
            "filled",
            vec![("account", json!(o.account)), ("id", json!(o.id))],
        )
    }

    /// Removes an open order, releases what it holds and reports its cancel.
    fn cancel_open(&mut self, seq: u64, idx: usize, reason: &str, out: &mut Vec<Event>) {
        let o = self.orders.remove(idx);
        self.release_hold(&o);
        out.push(self.cancelled(seq, &o, reason));
    }

    fn find_open(&self, account: u64, id: &str, inst: usize) -> Option<usize> {
        self.orders
            .iter()
            .position(|o| o.account == account && o.id == id && o.inst == inst)
    }

    /// Whether a resting order at `maker_price` is reachable by `o`.
    fn reaches(o: &Order, maker_price: i128) -> bool {
        match (o.side, o.price) {
            (_, None) => true,
            (Side::Buy, Some(p)) => maker_price <= p,
            (Side::Sell, Some(p)) => maker_price >= p,
        }
    }

    /// The best resting order on the other side that `o` reaches, by price then time.
    fn best_maker(&self, o: &Order) -> Option<usize> {
        let mut best: Option<usize> = None;
        for (i, m) in self.orders.iter().enumerate() {
            if m.inst != o.inst || m.side == o.side {
                continue;
            }
            let mp = m.price.expect("resting orders have a price");
            if !Self::reaches(o, mp) {
                continue;
            }
            best = match best {
                None => Some(i),
                Some(b) => {
                    let bm = &self.orders[b];
                    let bp = bm.price.unwrap();
                    let better_price = match o.side {
                        Side::Buy => mp < bp,
                        Side::Sell => mp > bp,
                    };
                    if better_price || (mp == bp && m.prio < bm.prio) {
                        Some(i)
                    } else {
                        Some(b)
                    }
                }
            };
        }
        best
    }

    /// Settles one trade of `lots` at `price` ticks between `taker` and the maker.
    fn settle(&mut self, taker: &Order, maker: &Order, price: i128, lots: i128) {
        let inst = self.instruments[taker.inst].clone();
        let (buyer, seller) = match taker.side {
            Side::Buy => (taker, maker),
            Side::Sell => (maker, taker),
        };
        let (buyer_bps, seller_bps) = match taker.side {
            Side::Buy => (inst.taker_bps, inst.maker_bps),
            Side::Sell => (inst.maker_bps, inst.taker_bps),
        };
        let base_amt = lots * inst.lot;
        let quote_amt = price * lots * inst.tick_lot;
        // Buyer pays quote: from its hold (at its own limit price) or, for a market order, from
        // its available balance.
        match buyer.price {
            Some(limit) => {
                let held = limit * lots * inst.tick_lot;
                let b = self.bal(buyer.account, inst.quote);
                b.held -= held;
                b.available += held - quote_amt;
            }
            None => self.bal(buyer.account, inst.quote).available -= quote_amt,
        }
        match seller.price {
            Some(_) => self.bal(seller.account, inst.base).held -= base_amt,
            None => self.bal(seller.account, inst.base).available -= base_amt,
        }
        // Fees come out of what each side receives, truncated toward zero.
        let buyer_fee = base_amt * buyer_bps / 10000;
        let seller_fee = quote_amt * seller_bps / 10000;
        self.bal(buyer.account, inst.base).available += base_amt - buyer_fee;
        self.bal(seller.account, inst.quote).available += quote_amt - seller_fee;
        self.fee_account[inst.base] += buyer_fee;
        self.fee_account[inst.quote] += seller_fee;
    }

    /// Matches `taker` (which is not in the book; its hold, if any, is placed) against the book,
    /// emitting the trades, fills and cancels; a remainder that may rest is put into the book.
    fn match_taker(&mut self, seq: u64, mut taker: Order, out: &mut Vec<Event>) -> Outcome {
        while taker.leaves() > 0 {
            let Some(mi) = self.best_maker(&taker) else {
                break;
            };
            let maker = self.orders[mi].clone();
            if let Some((lo, hi)) = taker.band {
                // It stops at the band edge it sweeps towards (a buy at the top, a sell at the
                // bottom); a maker beyond the other edge is a better price and trades.
                let p = maker.price.unwrap() * self.instruments[taker.inst].tick;
                let beyond = match taker.side {
                    Side::Buy => p > hi,
                    Side::Sell => p < lo,
                };
                if beyond {
                    self.release_hold(&taker);
                    out.push(self.cancelled(seq, &taker, "price_band"));
                    return Outcome::Cancelled;
                }
            }
            if maker.account == taker.account && taker.stp != Stp::None {
                match taker.stp {
                    Stp::CancelMaker => {
                        self.cancel_open(seq, mi, "stp", out);
                        continue;
                    }
                    Stp::CancelTaker => {
                        self.release_hold(&taker);
                        out.push(self.cancelled(seq, &taker, "stp"));
                        return Outcome::Cancelled;
                    }
                    Stp::CancelBoth => {
                        self.cancel_open(seq, mi, "stp", out);
                        self.release_hold(&taker);
                        out.push(self.cancelled(seq, &taker, "stp"));
                        return Outcome::Cancelled;
                    }
                    Stp::None => unreachable!(),
                }
            }
            let inst = self.instruments[taker.inst].clone();
            let price = maker.price.unwrap();
            let mut lots = taker.leaves().min(maker.leaves());
            if taker.price.is_none() {
                // A market order trades only the whole lots it can still pay for.
                let afford = match taker.side {
                    Side::Buy => {
                        self.available(taker.account, inst.quote) / (price * inst.tick_lot)
                    }
                    Side::Sell => self.available(taker.account, inst.base) / inst.lot,
                };
                lots = lots.min(afford.max(0));
                if lots == 0 {
                    break;
                }
            }
            self.settle(&taker, &maker, price, lots);
            self.instruments[taker.inst].last_trade = Some(price);
            let trade_id = self.next_trade_id;
            self.next_trade_id += 1;
            out.push(ev(
                seq,
                "trade",
                vec![
                    ("symbol", json!(inst.symbol)),
                    ("trade_id", json!(trade_id)),
                    ("price", json!(self.price_str(taker.inst, price))),
                    ("qty", json!(self.qty_str(taker.inst, lots))),
                    ("maker_account", json!(maker.account)),
                    ("maker_id", json!(maker.id)),
                    ("taker_account", json!(taker.account)),
                    ("taker_id", json!(taker.id)),
                    ("taker_side", json!(taker.side.name())),
                ],
            ));
            self.orders[mi].filled += lots;
            if self.orders[mi].leaves() == 0 {
                let m = self.orders.remove(mi);
                out.push(Self::filled(seq, &m));
            }
            taker.filled += lots;
        }
        if taker.leaves() == 0 {
            out.push(Self::filled(seq, &taker));
            Outcome::Filled
        } else if taker.price.is_none() || matches!(taker.tif, Tif::Ioc | Tif::Fok) {
            self.release_hold(&taker);
            out.push(self.cancelled(seq, &taker, "ioc_remainder"));
            Outcome::Cancelled
        } else {
            self.orders.push(taker);
            Outcome::Rest
        }
    }

    /// Whether `o` would trade on arrival against any order (own orders included).
    fn would_cross(&self, o: &Order) -> bool {
        self.orders
            .iter()
            .any(|m| m.inst == o.inst && m.side != o.side && Self::reaches(o, m.price.unwrap()))
    }

    fn apply(&mut self, seq: u64, cmd: Command, out: &mut Vec<Event>) -> R<()> {
        match cmd {
            Command::Instrument {
                symbol,
                base,
                quote,
                tick,
                lot,
                tick_lot,
                maker_bps,
                taker_bps,
            } => {
                if self.inst(&symbol).is_some() {
                    return Err("symbol already listed".into());
                }
                let base = self.learn_asset(&base);
                let quote = self.learn_asset(&quote);
                self.instruments.push(Instrument {
                    symbol,
                    base,
                    quote,
                    tick,
                    lot,
                    tick_lot,
                    maker_bps,
                    taker_bps,
                    controls: Controls::default(),
                    last_trade: None,
                });
            }
            Command::Deposit {
                account,
                asset,
                amount,
            } => {
                let a = self.learn_asset(&asset);
                self.bal(account, a).available += amount;
            }
            Command::Withdraw {
                account,
                asset,
                amount,
                id,
            } => match self.asset(&asset) {
                Some(a) if self.available(account, a) >= amount => {
                    self.bal(account, a).available -= amount;
                }
                _ => out.push(rejected(seq, account, &id, "insufficient_balance")),
            },
            Command::New(n) => self.new_order(seq, n, out),
            Command::Cancel {
                account,
                symbol,
                id,
            } => {
                let Some(inst) = self.inst(&symbol) else {
                    out.push(rejected(seq, account, &id, "unknown_symbol"));
                    return Ok(());
                };
                match self.find_open(account, &id, inst) {
                    Some(i) => self.cancel_open(seq, i, "user", out),
                    None => out.push(rejected(seq, account, &id, "unknown_order")),
                }
            }
            Command::Amend {
                account,
                symbol,
                id,
                price,
                qty,
            } => self.amend(seq, account, &symbol, &id, price, qty, out),
            Command::MassCancel { account, symbol } => {
                let inst = match symbol {
                    Some(s) => match self.inst(&s) {
                        Some(i) => Some(i),
                        None => return Ok(()),
                    },
                    None => None,
                };
                let mut mine: Vec<(u64, String, usize)> = self
                    .orders
                    .iter()
                    .filter(|o| o.account == account && (inst.is_none() || inst == Some(o.inst)))
                    .map(|o| (o.order_id, o.id.clone(), o.inst))
                    .collect();
                mine.sort();
                for (_, id, i) in mine {
                    let idx = self.find_open(account, &id, i).unwrap();
                    self.cancel_open(seq, idx, "mass", out);
                }
            }
            Command::Time { ts } => {
                if ts < self.clock {
                    return Err("time moves backwards".into());
                }
                self.clock = ts;
                let mut due: Vec<(i64, u64)> = self
                    .orders
                    .iter()
                    .filter_map(|o| match o.expire {
                        Some(e) if e <= ts => Some((e, o.order_id)),
                        _ => None,
                    })
                    .collect();
                due.sort();
                for (_, oid) in due {
                    let idx = self.orders.iter().position(|o| o.order_id == oid).unwrap();
                    self.cancel_open(seq, idx, "expired", out);
                }
            }
            Command::Balance { account } => {
                for a in 0..self.assets.len() {
                    let (available, held) = self
                        .balances
                        .iter()
                        .find(|b| b.account == account && b.asset == a)
                        .map_or((0, 0), |b| (b.available, b.held));
                    out.push(ev(
                        seq,
                        "balance",
                        vec![
                            ("account", json!(account)),
                            ("asset", json!(self.assets[a])),
                            ("available", json!(fmt_units(available))),
                            ("held", json!(fmt_units(held))),
                        ],
                    ));
                }
            }
            Command::Fees => {
                for a in 0..self.assets.len() {
                    out.push(ev(
                        seq,
                        "fees",
                        vec![
                            ("asset", json!(self.assets[a])),
                            ("amount", json!(fmt_units(self.fee_account[a]))),
                        ],
                    ));
                }
            }
            Command::Controls { symbol, controls } => {
                let inst = self.inst(&symbol).ok_or("unknown symbol")?;
                self.instruments[inst].controls = controls;
            }
            Command::Book { symbol, depth } => {
                let inst = self.inst(&symbol).ok_or("unknown symbol")?;
                let levels = |side: Side| -> Vec<Value> {
                    let mut prices: Vec<i128> = Vec::new();
                    for o in &self.orders {
                        if o.inst == inst && o.side == side && !prices.contains(&o.price.unwrap()) {
                            prices.push(o.price.unwrap());
                        }
                    }
                    prices.sort();
                    if side == Side::Buy {
                        prices.reverse();
                    }
                    prices
                        .iter()
                        .take(depth)
                        .map(|&p| {
                            let q: i128 = self
                                .orders
                                .iter()
                                .filter(|o| o.inst == inst && o.side == side && o.price == Some(p))
                                .map(|o| o.leaves())
                                .sum();
                            json!([self.price_str(inst, p), self.qty_str(inst, q)])
                        })
                        .collect()
                };
                out.push(ev(
                    seq,
                    "book",
                    vec![
                        ("symbol", json!(symbol)),
                        ("bids", Value::Array(levels(Side::Buy))),
                        ("asks", Value::Array(levels(Side::Sell))),
                    ],
                ));
            }
        }
        Ok(())
    }

    /// The instrument's price band `[lo, hi]` in units, if a band and a reference are set.
    /// The bounds are `reference x (1 -+ bps / 10000)`, rounded outward to whole units (prices
    /// are whole units, so this is exact for the comparison).
    fn band(&self, inst: usize) -> Option<(i128, i128)> {
        let i = &self.instruments[inst];
        let bps = i.controls.band_bps?;
        let reference = match i.last_trade {
            Some(t) => t * i.tick,
            None => i.controls.reference_price?,
        };
        let lo_num = reference * (10_000 - bps);
        let lo = if lo_num <= 0 {
            i128::MIN
        } else {
            (lo_num + 9_999) / 10_000
        };
        let hi = reference * (10_000 + bps) / 10_000;
        Some((lo, hi))
    }

    fn new_order(&mut self, seq: u64, n: NewCmd, out: &mut Vec<Event>) {
        let mut reject = |reason: &str| out.push(rejected(seq, n.account, &n.id, reason));
        let Some(inst) = self.inst(&n.symbol) else {
            return reject("unknown_symbol");
        };
        if self
            .used_ids
            .iter()
            .any(|(a, i)| *a == n.account && *i == n.id)
        {
            return reject("duplicate_id");
        }
        let (tick, lot) = (self.instruments[inst].tick, self.instruments[inst].lot);
        let price = match &n.price {
            Some(p) => match to_steps(p, tick) {
                Some(t) => Some(t),
                None => return reject("invalid_price"),
            },
            None => None,
        };
        let Some(qty) = to_steps(&n.qty, lot) else {
            return reject("invalid_qty");
        };
        if n.tif == Tif::Gtd && n.expire.unwrap_or(i64::MIN) <= self.clock {
            return reject("invalid_expire");
        }
        let band = self.band(inst);
        if let (Some(p), Some((lo, hi))) = (price, band) {
            let p = p * tick;
            if p < lo || p > hi {
                return reject("price_band");
            }
        }
        let c = &self.instruments[inst].controls;
        if c.max_qty.is_some_and(|m| qty * lot > m) {
            return reject("max_qty");
        }
        if let (Some(p), Some(m)) = (price, c.max_notional) {
            if p * qty * self.instruments[inst].tick_lot > m {
                return reject("max_notional");
            }
        }
        if self
            .orders
            .iter()
            .filter(|o| o.account == n.account)
            .count()
            >= self.max_open
        {
            return reject("too_many_orders");
        }
        if self.orders.len() >= self.capacity {
            return reject("engine_capacity");
        }
        let order = Order {
            order_id: self.next_order_id,
            account: n.account,
            id: n.id.clone(),
            inst,
            side: n.side,
            price,
            qty,
            filled: 0,
            prio: self.next_prio,
            tif: n.tif,
            expire: n.expire,
            post_only: n.post_only,
            stp: n.stp,
            band: if price.is_none() { band } else { None },
        };
        if n.post_only && self.would_cross(&order) {
            return reject("post_only_would_cross");
        }
        if n.tif == Tif::Fok {
            // Run the order on a copy of the whole state: it must fill in full at once.
            let mut sim = self.clone();
            sim.place_hold(&order);
            let mut scratch = Vec::new();
            if sim.match_taker(seq, order.clone(), &mut scratch) != Outcome::Filled {
                return reject("fok_unfilled");
            }
        }
        let (asset, need) = self.hold_of(&order);
        if self.available(n.account, asset) < need {
            return reject("insufficient_balance");
        }
        self.used_ids.push((n.account, n.id.clone()));
        self.next_order_id += 1;
        self.next_prio += 1;
        self.place_hold(&order);
        let mut fields = vec![
            ("account", json!(order.account)),
            ("id", json!(order.id)),
            ("order_id", json!(order.order_id)),
            ("symbol", json!(n.symbol)),
            ("side", json!(order.side.name())),
        ];
        if let Some(p) = price {
            fields.push(("price", json!(self.price_str(inst, p))));
        }
        fields.push(("qty", json!(self.qty_str(inst, qty))));
        out.push(ev(seq, "accepted", fields));
        self.match_taker(seq, order, out);
    }

    #[allow(clippy::too_many_arguments)]
    fn amend(
        &mut self,
        seq: u64,
        account: u64,
        symbol: &str,
        id: &str,
        price: Option<Dec>,
        qty: Option<Dec>,
        out: &mut Vec<Event>,
    ) {
        let mut reject = |reason: &str| out.push(rejected(seq, account, id, reason));
        let Some(inst) = self.inst(symbol) else {
            return reject("unknown_symbol");
        };
        let Some(idx) = self.find_open(account, id, inst) else {
            return reject("unknown_order");
        };
        let old = self.orders[idx].clone();
        let (tick, lot) = (self.instruments[inst].tick, self.instruments[inst].lot);
        let new_price = match &price {
            Some(p) => match to_steps(p, tick) {
                Some(t) => t,
                None => return reject("invalid_price"),
            },
            None => old.price.unwrap(),
        };
        let new_qty = match &qty {
            Some(q) => match to_steps(q, lot) {
                Some(l) if l > old.filled => l,
                _ => return reject("invalid_qty"),
            },
            None => old.qty,
        };
        // The amended order must pass the instrument's controls as a new one would, unless the
        // amend only lowers the quantity at the same price (it only reduces risk).
        let reduces_only = new_price == old.price.unwrap() && new_qty <= old.qty;
        let band = if reduces_only { None } else { self.band(inst) };
        if let Some((lo, hi)) = band {
            let p = new_price * tick;
            if p < lo || p > hi {
                return reject("price_band");
            }
        }
        let c = &self.instruments[inst].controls;
        if !reduces_only && c.max_qty.is_some_and(|m| new_qty * lot > m) {
            return reject("max_qty");
        }
        if !reduces_only
            && c.max_notional
                .is_some_and(|m| new_price * new_qty * self.instruments[inst].tick_lot > m)
        {
            return reject("max_notional");
        }
        let mut new = old.clone();
        new.price = Some(new_price);
        new.qty = new_qty;
        // Only the order's own book is looked at; the order itself is on the other side.
        let crosses = self.would_cross(&new);
        if old.post_only && crosses {
            return reject("post_only_would_cross");
        }
        let (asset, old_hold) = self.hold_of(&old);
        let (_, new_hold) = self.hold_of(&new);
        if new_hold - old_hold > self.available(account, asset) {
            return reject("insufficient_balance");
        }
        if new_price != old.price.unwrap() || new_qty > old.qty {
            new.prio = self.next_prio;
            self.next_prio += 1;
        }
        self.orders.remove(idx);
        self.release_hold(&old);
        self.place_hold(&new);
        out.push(ev(
            seq,
            "amended",
            vec![
                ("account", json!(account)),
                ("id", json!(id)),
                ("price", json!(self.price_str(inst, new_price))),
                ("qty", json!(self.qty_str(inst, new_qty))),
                ("leaves_qty", json!(self.qty_str(inst, new.leaves()))),
            ],
        ));
        if crosses {
            self.match_taker(seq, new, out);
        } else {
            self.orders.push(new);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Self-checks of the model against hand-worked examples from the contract.
// ---------------------------------------------------------------------------------------------

#[cfg(test)]
mod tests {
    use super::*;

    fn events(lines: &[&str]) -> Vec<Value> {
        let lines: Vec<String> = lines.iter().map(|s| s.to_string()).collect();
        run(&lines, 10000, 1_000_000)
            .iter()
            .map(Event::to_value)
            .collect()
    }

    const SETUP: [&str; 5] = [
        r#"{"op":"instrument","symbol":"BTC-USD","kind":"spot","base":"BTC","quote":"USD","tick":"0.5","lot":"0.001","maker_fee_bps":-2,"taker_fee_bps":10}"#,
        r#"{"op":"deposit","account":1,"asset":"USD","amount":"100000"}"#,
        r#"{"op":"deposit","account":2,"asset":"BTC","amount":"10"}"#,
        r#"{"op":"deposit","account":2,"asset":"USD","amount":"5"}"#,
        r#"{"op":"deposit","account":1,"asset":"BTC","amount":"1"}"#,
    ];

    fn with_setup(more: &[&str]) -> Vec<Value> {
        let mut l: Vec<&str> = SETUP.to_vec();
        l.extend_from_slice(more);
        events(&l)
    }

    #[test]
    fn decimals() {
        assert_eq!(
            fmt_units(parse_dec("0100.500").unwrap().units().unwrap()),
            "100.5"
        );
        assert_eq!(fmt_units(parse_dec("-3").unwrap().units().unwrap()), "-3");
        assert_eq!(fmt_units(1), "0.000000000000000001");
        for bad in ["1e2", "1.", ".5", "+1", "NaN", "", "-", "1.2.3", " 1"] {
            assert!(parse_dec(bad).is_none(), "{bad}");
        }
        assert!(parse_dec("-0").unwrap().is_zero());
    }

    #[test]
    fn cross_with_fees_and_event_order() {
        let e = with_setup(&[
            r#"{"op":"new","account":2,"symbol":"BTC-USD","id":"s1","side":"sell","type":"limit","price":"100","qty":"0.5"}"#,
            r#"{"op":"new","account":2,"symbol":"BTC-USD","id":"s2","side":"sell","type":"limit","price":"100.5","qty":"1"}"#,
            r#"{"op":"new","account":1,"symbol":"BTC-USD","id":"b1","side":"buy","type":"limit","price":"101","qty":"0.8","tif":"ioc"}"#,
            r#"{"op":"balance","account":1}"#,
            r#"{"op":"fees"}"#,
            r#"{"op":"book","symbol":"BTC-USD"}"#,
        ]);
        let want = vec![
            json!({"seq":6,"event":"accepted","account":2,"id":"s1","order_id":1,"symbol":"BTC-USD","side":"sell","price":"100","qty":"0.5"}),
            json!({"seq":7,"event":"accepted","account":2,"id":"s2","order_id":2,"symbol":"BTC-USD","side":"sell","price":"100.5","qty":"1"}),
            json!({"seq":8,"event":"accepted","account":1,"id":"b1","order_id":3,"symbol":"BTC-USD","side":"buy","price":"101","qty":"0.8"}),
            json!({"seq":8,"event":"trade","symbol":"BTC-USD","trade_id":1,"price":"100","qty":"0.5","maker_account":2,"maker_id":"s1","taker_account":1,"taker_id":"b1","taker_side":"buy"}),
            json!({"seq":8,"event":"filled","account":2,"id":"s1"}),
            json!({"seq":8,"event":"trade","symbol":"BTC-USD","trade_id":2,"price":"100.5","qty":"0.3","maker_account":2,"maker_id":"s2","taker_account":1,"taker_id":"b1","taker_side":"buy"}),
            json!({"seq":8,"event":"filled","account":1,"id":"b1"}),
            // paid 50 + 30.15 = 80.15 USD; received 0.8 BTC minus 10 bps = 0.0008
            json!({"seq":9,"event":"balance","account":1,"asset":"BTC","available":"1.7992","held":"0"}),
            json!({"seq":9,"event":"balance","account":1,"asset":"USD","available":"99919.85","held":"0"}),
            // seller (maker, -2 bps) received 80.15 USD: rebate 0.01603
            json!({"seq":10,"event":"fees","asset":"BTC","amount":"0.0008"}),
            json!({"seq":10,"event":"fees","asset":"USD","amount":"-0.01603"}),
            json!({"seq":11,"event":"book","symbol":"BTC-USD","bids":[],"asks":[["100.5","0.7"]]}),
        ];
        assert_eq!(e, want);
    }

    #[test]
    fn rejects_and_errors() {
        let e = with_setup(&[
            r#"{"op":"new","account":1,"symbol":"X","id":"a","side":"buy","type":"limit","price":"0","qty":"1"}"#,
            r#"{"op":"new","account":1,"symbol":"BTC-USD","id":"a","side":"buy","type":"limit","price":"100.25","qty":"0"}"#,
            r#"{"op":"new","account":1,"symbol":"BTC-USD","id":"a","side":"buy","type":"limit","price":"100","qty":"0.0005"}"#,
            r#"{"op":"new","account":1,"symbol":"BTC-USD","id":"a","side":"buy","type":"limit","price":"100","qty":"1e2"}"#,
            r#"{"op":"new","account":2,"symbol":"BTC-USD","id":"a","side":"buy","type":"limit","price":"100","qty":"1"}"#,
            r#"{"op":"time","ts":5}"#,
            r#"{"op":"new","account":1,"symbol":"BTC-USD","id":"a","side":"buy","type":"limit","price":"100","qty":"1","tif":"gtd","expire":5}"#,
            "",
        ]);
        let reasons: Vec<String> = e
            .iter()
            .map(|v| {
                v.get("reason")
                    .or(v.get("event"))
                    .unwrap()
                    .as_str()
                    .unwrap()
                    .to_string()
            })
            .collect();
        assert_eq!(
            reasons,
            [
                "unknown_symbol",
                "invalid_price",
                "invalid_qty",
                "error",
                "insufficient_balance",
                "invalid_expire",
                "error"
            ]
        );
    }

    #[test]
    fn stp_and_fok() {
        let e = with_setup(&[
            r#"{"op":"new","account":1,"symbol":"BTC-USD","id":"s1","side":"sell","type":"limit","price":"100","qty":"0.5"}"#,
            r#"{"op":"new","account":2,"symbol":"BTC-USD","id":"s2","side":"sell","type":"limit","price":"100","qty":"0.5"}"#,
            r#"{"op":"new","account":1,"symbol":"BTC-USD","id":"f1","side":"buy","type":"limit","price":"100","qty":"0.6","tif":"fok","stp":"cancel_taker"}"#,
            r#"{"op":"new","account":1,"symbol":"BTC-USD","id":"f2","side":"buy","type":"limit","price":"100","qty":"0.6","tif":"fok","stp":"cancel_maker"}"#,
            r#"{"op":"new","account":1,"symbol":"BTC-USD","id":"f3","side":"buy","type":"limit","price":"100","qty":"0.4","stp":"cancel_maker"}"#,
        ]);
        let names: Vec<String> = e
            .iter()
            .skip(2)
            .map(|v| {
                format!(
                    "{}{}",
                    v["event"].as_str().unwrap(),
                    v.get("reason")
                        .map_or(String::new(), |r| format!(":{}", r.as_str().unwrap()))
                )
            })
            .collect();
        assert_eq!(
            names,
            [
                "rejected:fok_unfilled",
                "rejected:fok_unfilled",
                "accepted",
                "cancelled:stp",
                "trade",
                "filled"
            ]
        );
    }
}
