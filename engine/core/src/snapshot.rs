//! Engine state to bytes and back, for snapshots. The bytes list, in a fixed order, the clock and
//! id sequences, assets, instruments (with the fee rates in force, controls, last trade and halt
//! flag), accounts (balances and kill switch), open orders in book queue order, each account's
//! orders in acceptance order, and every used client order id (sorted). A restored engine has
//! the same state hash and behaves identically on every later command.
//!
//! Versions: 1 had no halt or kill-switch flags; 2 adds them (one byte after each instrument's
//! last trade, one after each account's balances); 3 adds each instrument's index and mark
//! prices and settled flag after its halt byte, and each account's derivative positions after
//! its kill-switch byte (count, then instrument, signed lots, entry notional); 4 adds each asset's
//! insurance fund after its fee balance and, after each instrument's settled flag, its position
//! limit, perpetual basis, premium samples and last funding time, and option volatility and risk
//! array; and each account's kill-switch byte carries the deficit flag in bit 1; 5 appends the
//! market-maker section (see `Engine::write_quoting`) and still reads version 4 (no quotes, no
//! protections). A snapshot of another version is refused
//! ([`CodecError::SnapshotVersion`]); the journal alone always recovers the state.

use crate::arena::{Handle, Order, NIL};
use crate::book::Book;
use crate::instruments::Instrument;
use crate::quoting::QuoteSides;
use crate::{Engine, EngineConfig};
use rustc_hash::FxHashMap;
use tradestream_model::codec::{decode_command, encode_command, CodecError, Reader, Writer};
use tradestream_model::{
    AccountId, Amount, AssetId, Command, Controls, OrderId, Price, Qty, SelfTradePrevention, Side,
    TimeInForce, Timestamp,
};
use tradestream_risk::protection::Protection;

/// Version of the snapshot layout.
pub const SNAPSHOT_VERSION: u8 = 5;

/// The previous layout, still read: version 5 only appends the market-maker section.
const PREVIOUS_VERSION: u8 = 4;

fn bad(field: &'static str, value: u64) -> CodecError {
    CodecError::Invalid { field, value }
}

impl Engine {
    /// Appends the engine's whole state to `out`.
    pub fn write_snapshot(&self, out: &mut Vec<u8>) {
        let mut w = Writer::new(out);
        let c = &self.config;
        w.u8(SNAPSHOT_VERSION)
            .u32(c.max_open_orders_per_account)
            .u32(c.capacity);
        w.u64(c.expected_client_ids as u64)
            .u64(c.expected_accounts as u64)
            .u64(c.levels_per_side as u64);
        w.i64(self.clock.0)
            .u64(self.next_order_id)
            .u64(self.next_trade_id);
        w.u32(self.assets.len() as u32);
        for (i, name) in self.assets.names().iter().enumerate() {
            w.str(name)
                .i128(self.assets.supply(AssetId(i as u32)).0)
                .i128(self.fees[i].0)
                .i128(self.insurance[i].0);
        }
        w.u32(self.instruments.len() as u32);
        let mut spec = Vec::new();
        for inst in &self.instruments {
            spec.clear();
            encode_command(&Command::AddInstrument(inst.spec), &mut spec);
            w.u32(spec.len() as u32);
            for b in &spec {
                w.u8(*b);
            }
            let k = &inst.controls;
            w.opt(k.price_band_bps, |w, v| {
                w.u32(v);
            });
            w.opt(k.reference_price, |w, v| {
                w.i64(v.0);
            });
            w.opt(k.max_qty, |w, v| {
                w.i64(v.0);
            });
            w.opt(k.max_notional, |w, v| {
                w.i128(v.0);
            });
            w.opt(inst.last_trade, |w, v| {
                w.i64(v.0);
            });
            w.u8(inst.halted as u8);
            w.opt(inst.index, |w, v| {
                w.i64(v.0);
            });
            w.opt(inst.mark, |w, v| {
                w.i64(v.0);
            });
            w.u8(inst.settled as u8);
            w.opt(k.max_position, |w, v| {
                w.i64(v.0);
            });
            w.i64(inst.basis)
                .i64(inst.premium_sum)
                .u32(inst.premium_count);
            w.opt(inst.last_funding, |w, v| {
                w.i64(v.0);
            });
            w.u32(inst.vol_ppm);
            w.opt(inst.risk, |w, values| {
                for v in values {
                    w.i64(v);
                }
            });
        }
        let accounts: Vec<_> = self.accounts.iter().collect();
        w.u32(accounts.len() as u32);
        for a in &accounts {
            w.u64(a.id.0).u32(self.assets.len() as u32);
            for asset in 0..self.assets.len() {
                let b = a.balance(AssetId(asset as u32));
                w.i128(b.available.0).i128(b.held.0);
            }
            w.u8(a.kill_switch as u8 | (a.deficit as u8) << 1);
            w.u32(a.positions.len() as u32);
            for p in &a.positions {
                w.u32(p.instrument).i64(p.qty).i128(p.entry.0);
            }
        }
        w.u32(self.arena.live());
        for book in &self.books {
            for side in [Side::Buy, Side::Sell] {
                let s = book.side(side);
                for level in s.levels() {
                    let mut slot = level.head;
                    while slot != NIL {
                        let o = self.arena.get(slot);
                        write_order(&mut w, o);
                        slot = o.next;
                    }
                }
            }
        }
        for a in &accounts {
            w.u32(a.open_orders);
            for slot in a.open_slots(&self.arena) {
                w.u64(self.arena.get(slot).order_id.0);
            }
        }
        let mut ids: Vec<_> = self.ids.iter().collect();
        ids.sort_unstable_by_key(|e| (e.account, e.id));
        w.u64(ids.len() as u64);
        for e in ids {
            w.u64(e.account.0).str(&e.id);
            let live = self
                .arena
                .resolve(e.handle)
                .map(|s| self.arena.get(s).order_id.0);
            w.opt(live, |w, v| {
                w.u64(v);
            });
        }
        self.write_quoting(&mut w);
    }

    /// The market-maker section: for each (account, instrument) with an open quote order or a
    /// protection, sorted: account, instrument, the open bid and ask orders' ids, and the
    /// protection (limits, freeze end, the fills of its window as time, qty, delta).
    pub(crate) fn write_quoting(&self, w: &mut Writer) {
        let live = |h: Handle| self.arena.resolve(h).map(|s| self.arena.get(s).order_id.0);
        let entries: Vec<_> = self
            .quoting
            .sorted()
            .into_iter()
            .map(|key| {
                let sides = self
                    .quoting
                    .quotes
                    .get(&key)
                    .map(|q| (live(q.bid), live(q.ask)));
                (
                    key,
                    sides.unwrap_or((None, None)),
                    self.quoting.protections.get(&key),
                )
            })
            .filter(|(_, sides, p)| p.is_some() || *sides != (None, None))
            .collect();
        w.u32(entries.len() as u32);
        for ((account, inst), (bid, ask), p) in entries {
            w.u64(account.0).u32(inst);
            for side in [bid, ask] {
                w.opt(side, |w, v| {
                    w.u64(v);
                });
            }
            w.opt(p, |w, p| {
                w.limits(&p.limits());
                w.opt(p.frozen_until(), |w, t| {
                    w.u64(t);
                });
                w.u32(p.fills().len() as u32);
                for (at, qty, delta) in p.fills() {
                    w.u64(at).i64(qty).i64(delta);
                }
            });
        }
    }

    /// Reads the market-maker section; `orders` maps the open orders' ids to their handles.
    fn read_quoting(
        &mut self,
        r: &mut Reader,
        orders: &FxHashMap<u64, Handle>,
    ) -> Result<(), CodecError> {
        for _ in 0..r.u32()? {
            let account = AccountId(r.u64()?);
            let inst = r.u32()?;
            if inst as usize >= self.instruments.len() {
                return Err(bad("quote instrument", inst as u64));
            }
            let side = |r: &mut Reader| match r.opt("quote order", |r| r.u64())? {
                None => Ok(Handle::CLOSED),
                Some(oid) => orders.get(&oid).copied().ok_or(bad("quote order", oid)),
            };
            let (bid, ask) = (side(r)?, side(r)?);
            if bid != Handle::CLOSED || ask != Handle::CLOSED {
                self.quoting
                    .quotes
                    .insert((account, inst), QuoteSides { bid, ask });
            }
            let protection = r.opt("protection", |r| {
                let limits = r.limits()?;
                let frozen_until = r.opt("frozen until", |r| r.u64())?;
                let n = r.u32()?;
                let mut fills = Vec::with_capacity(n as usize);
                for _ in 0..n {
                    fills.push((r.u64()?, r.i64()?, r.i64()?));
                }
                Ok(Protection::restore(limits, fills, frozen_until))
            })?;
            if let Some(p) = protection {
                self.quoting.protections.insert((account, inst), p);
            }
        }
        Ok(())
    }

    /// Rebuilds an engine from [`Engine::write_snapshot`] bytes.
    pub fn from_snapshot(bytes: &[u8]) -> Result<Engine, CodecError> {
        let mut r = Reader::new(bytes);
        let version = r.u8()?;
        if version != SNAPSHOT_VERSION && version != PREVIOUS_VERSION {
            return Err(CodecError::SnapshotVersion {
                found: version,
                supported: SNAPSHOT_VERSION,
            });
        }
        let config = EngineConfig {
            max_open_orders_per_account: r.u32()?,
            capacity: r.u32()?,
            expected_client_ids: r.u64()? as usize,
            expected_accounts: r.u64()? as usize,
            levels_per_side: r.u64()? as usize,
        };
        let mut e = Engine::new(config);
        e.clock = Timestamp(r.i64()?);
        e.next_order_id = r.u64()?;
        e.next_trade_id = r.u64()?;
        let n_assets = r.u32()?;
        for i in 0..n_assets {
            let id = e.assets.intern(r.str("asset")?);
            if id.0 != i {
                return Err(bad("duplicate asset", i as u64));
            }
            e.assets.add_supply(id, Amount(r.i128()?));
            e.fees.push(Amount(r.i128()?));
            e.insurance.push(Amount(r.i128()?));
        }
        for i in 0..r.u32()? {
            let len = r.u32()? as usize;
            let mut spec_bytes = Vec::with_capacity(len);
            for _ in 0..len {
                spec_bytes.push(r.u8()?);
            }
            let Command::AddInstrument(spec) = decode_command(&spec_bytes)? else {
                return Err(bad("instrument", i as u64));
            };
            let (base, quote) = match (e.assets.find(&spec.base), e.assets.find(&spec.quote)) {
                (Some(b), Some(q)) => (b, q),
                _ => return Err(bad("instrument assets", i as u64)),
            };
            let qptl = spec
                .tick
                .product_amount(spec.lot)
                .map_err(|_| bad("instrument grid", i as u64))?;
            let mut controls = Controls {
                price_band_bps: r.opt("band", |r| r.u32())?,
                reference_price: r.opt("reference", |r| r.i64().map(Price))?,
                max_qty: r.opt("max qty", |r| r.i64().map(Qty))?,
                max_notional: r.opt("max notional", |r| r.i128().map(Amount))?,
                max_position: None,
            };
            let last_trade = r.opt("last trade", |r| r.i64().map(Price))?;
            let halted = read_flag(&mut r, "halted")?;
            let index = r.opt("index", |r| r.i64().map(Price))?;
            let mark = r.opt("mark", |r| r.i64().map(Price))?;
            let settled = read_flag(&mut r, "settled")?;
            controls.max_position = r.opt("max position", |r| r.i64().map(Qty))?;
            let (basis, premium_sum, premium_count) = (r.i64()?, r.i64()?, r.u32()?);
            let last_funding = r.opt("last funding", |r| r.i64().map(Timestamp))?;
            let vol_ppm = r.u32()?;
            let risk = r.opt("risk", |r| {
                let mut values = [0i64; tradestream_model::RISK_SCENARIOS];
                for v in &mut values {
                    *v = r.i64()?;
                }
                Ok(values)
            })?;
            let unit = crate::handlers::unit_of(&spec).map_err(|_| bad("unit", i as u64))?;
            e.symbols
                .insert(spec.symbol, tradestream_model::InstrumentId(i));
            e.instruments.push(Instrument {
                spec,
                base,
                quote,
                quote_per_tick_lot: qptl,
                base_per_lot: spec.lot.as_amount(),
                controls,
                last_trade,
                derivative: spec.kind.is_derivative(),
                index,
                mark,
                settled,
                halted,
                basis,
                premium_sum,
                premium_count,
                last_funding,
                risk,
                vol_ppm,
                unit,
            });
            e.books.push(Book::new(config.levels_per_side));
        }
        let n_accounts = r.u32()?;
        for i in 0..n_accounts {
            let idx = e
                .accounts
                .get_or_create(AccountId(r.u64()?), n_assets as usize);
            if idx != i {
                return Err(bad("duplicate account", i as u64));
            }
            for asset in 0..r.u32()? {
                let b = e.accounts.get_mut(idx).balance_mut(AssetId(asset));
                b.available = Amount(r.i128()?);
                b.held = Amount(r.i128()?);
            }
            let flags = r.u8()?;
            if flags > 3 {
                return Err(bad("account flags", flags as u64));
            }
            e.accounts.get_mut(idx).kill_switch = flags & 1 != 0;
            e.accounts.get_mut(idx).deficit = flags & 2 != 0;
            for _ in 0..r.u32()? {
                let instrument = r.u32()?;
                if instrument as usize >= e.instruments.len()
                    || !e.instruments[instrument as usize].derivative
                {
                    return Err(bad("position instrument", instrument as u64));
                }
                let p = e.accounts.get_mut(idx).position_mut(instrument);
                p.qty = r.i64()?;
                p.entry = Amount(r.i128()?);
            }
        }
        let n_orders = r.u32()?;
        let mut slots: FxHashMap<u64, Handle> = FxHashMap::default();
        for _ in 0..n_orders {
            let o = read_order(&mut r, n_accounts, e.instruments.len() as u32)?;
            if e.arena.is_full() {
                return Err(bad("orders beyond capacity", n_orders as u64));
            }
            let h = e.arena.insert(o);
            e.books[o.instrument as usize]
                .side_mut(o.side)
                .push_back(&mut e.arena, h.slot);
            if let TimeInForce::Gtd(t) = o.tif {
                e.expiries.push(t.0, o.order_id.0, h);
            }
            slots.insert(o.order_id.0, h);
        }
        for acct in 0..n_accounts {
            for _ in 0..r.u32()? {
                let oid = r.u64()?;
                let h = slots.get(&oid).ok_or(bad("account order", oid))?;
                e.accounts.link_order(acct, *h);
            }
        }
        let n_ids = r.u64()?;
        e.ids.reserve(n_ids as usize);
        for _ in 0..n_ids {
            let acct = AccountId(r.u64()?);
            let id = r.str("client order id")?;
            let live = r.opt("live order", |r| r.u64())?;
            let h = match live {
                Some(oid) => *slots.get(&oid).ok_or(bad("live order", oid))?,
                None => Handle::CLOSED,
            };
            if e.accounts.find(acct).is_none()
                || e.ids.get(e.ids.hash(acct, &id), acct, &id).is_some()
            {
                return Err(bad("client order id", acct.0));
            }
            e.ids.insert_new(e.ids.hash(acct, &id), acct, id, h);
        }
        if version == SNAPSHOT_VERSION {
            e.read_quoting(&mut r, &slots)?;
        }
        r.finish()?;
        Ok(e)
    }
}

fn read_flag(r: &mut Reader, field: &'static str) -> Result<bool, CodecError> {
    match r.u8()? {
        0 => Ok(false),
        1 => Ok(true),
        v => Err(bad(field, v as u64)),
    }
}

fn write_order(w: &mut Writer, o: &Order) {
    w.u64(o.order_id.0)
        .u32(o.account)
        .u32(o.instrument)
        .str(&o.id);
    w.u8(o.side as u8)
        .i64(o.price.0)
        .i64(o.qty.0)
        .i64(o.leaves.0);
    w.opt(
        match o.tif {
            TimeInForce::Gtd(t) => Some(t.0),
            _ => None,
        },
        |w, t| {
            w.i64(t);
        },
    );
    w.u8(o.post_only as u8 | (o.reduce_only as u8) << 1)
        .u8(o.stp as u8)
        .i64(o.entered.0);
}

fn read_order(r: &mut Reader, accounts: u32, instruments: u32) -> Result<Order, CodecError> {
    let order_id = OrderId(r.u64()?);
    let account = r.u32()?;
    let instrument = r.u32()?;
    if account >= accounts || instrument >= instruments {
        return Err(bad("order owner or instrument", order_id.0));
    }
    let id = r.str("client order id")?;
    let side = match r.u8()? {
        0 => Side::Buy,
        1 => Side::Sell,
        v => return Err(bad("side", v as u64)),
    };
    let (price, qty, leaves) = (Price(r.i64()?), Qty(r.i64()?), Qty(r.i64()?));
    let tif = r
        .opt("expire", |r| r.i64())?
        .map_or(TimeInForce::Gtc, |t| TimeInForce::Gtd(Timestamp(t)));
    let flags = r.u8()?;
    let (post_only, reduce_only) = (flags & 1 != 0, flags & 2 != 0);
    let stp = match r.u8()? {
        0 => SelfTradePrevention::None,
        1 => SelfTradePrevention::CancelTaker,
        2 => SelfTradePrevention::CancelMaker,
        3 => SelfTradePrevention::CancelBoth,
        v => return Err(bad("stp", v as u64)),
    };
    Ok(Order {
        order_id,
        account,
        instrument,
        id,
        side,
        price,
        qty,
        leaves,
        tif,
        post_only,
        reduce_only,
        stp,
        entered: Timestamp(r.i64()?),
        prev: NIL,
        next: NIL,
    })
}
