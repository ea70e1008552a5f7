//! The state hash: a BLAKE3 digest of everything that decides future behaviour, walked in a
//! deterministic order (instruments by id, book levels best first, orders in queue order,
//! accounts in creation order, assets by id). Internal layout (arena slots) is left out, so equal
//! states hash equally however they were reached. The set of used client order ids enters as an
//! order-independent sum, so no hash-map order is observed.
//!
//! Fee rates enter with each instrument (a fee change replaces them there). Halted instruments
//! and accounts with the kill switch on enter as a trailer that is present only when one of them
//! is set, so a state with neither hashes exactly as it did before those flags existed (journals
//! and snapshots written then still verify). Market makers' quotes and protections enter the same
//! way, as a trailer of the snapshot's market-maker section once there is any.

use crate::arena::NIL;
use crate::Engine;
use tradestream_model::{SelfTradePrevention, Side, TimeInForce};

impl Engine {
    /// BLAKE3 digest of books, open orders, balances, fees (rates and collected), the clock, the
    /// id sequences, the used client order ids, halted instruments and kill switches.
    pub fn state_hash(&self) -> [u8; 32] {
        let mut h = blake3::Hasher::new();
        let mut put = |b: &[u8]| {
            h.update(b);
        };
        put(&self.clock.0.to_le_bytes());
        put(&self.next_order_id.to_le_bytes());
        put(&self.next_trade_id.to_le_bytes());
        for (i, name) in self.assets.names().iter().enumerate() {
            put(name.as_bytes());
            put(&[0]);
            put(&self.fees[i].0.to_le_bytes());
        }
        for (inst, book) in self.instruments.iter().zip(&self.books) {
            let s = &inst.spec;
            put(s.symbol.as_bytes());
            put(&[0]);
            put(&inst.quote_per_tick_lot.0.to_le_bytes());
            put(&inst.base_per_lot.0.to_le_bytes());
            put(&s.maker_fee_bps.to_le_bytes());
            put(&s.taker_fee_bps.to_le_bytes());
            put(&inst.last_trade.map_or(0, |p| p.0).to_le_bytes());
            let c = &inst.controls;
            put(&c.price_band_bps.map_or(-1, i64::from).to_le_bytes());
            put(&c.reference_price.map_or(-1, |p| p.0).to_le_bytes());
            put(&c.max_qty.map_or(-1, |q| q.0).to_le_bytes());
            put(&c.max_notional.map_or(-1, |a| a.0).to_le_bytes());
            for side in [Side::Buy, Side::Sell] {
                let s = book.side(side);
                for level in s.levels() {
                    put(&s.price_of(level).0.to_le_bytes());
                    put(&level.total.0.to_le_bytes());
                    let mut slot = level.head;
                    while slot != NIL {
                        let o = self.arena.get(slot);
                        put(&o.order_id.0.to_le_bytes());
                        put(&self.accounts.get(o.account).id.0.to_le_bytes());
                        put(o.id.as_bytes());
                        put(&[
                            0,
                            o.post_only as u8 | (o.reduce_only as u8) << 1,
                            stp_code(o.stp),
                        ]);
                        put(&o.price.0.to_le_bytes());
                        put(&o.qty.0.to_le_bytes());
                        put(&o.leaves.0.to_le_bytes());
                        put(&expire_of(o.tif).to_le_bytes());
                        put(&o.entered.0.to_le_bytes());
                        slot = o.next;
                    }
                }
                put(b"|");
            }
        }
        for a in self.accounts.iter() {
            put(&a.id.0.to_le_bytes());
            put(&a.open_orders.to_le_bytes());
            for asset in 0..self.assets.len() {
                let b = a.balance(tradestream_model::AssetId(asset as u32));
                put(&b.available.0.to_le_bytes());
                put(&b.held.0.to_le_bytes());
            }
            for slot in a.open_slots(&self.arena) {
                put(&self.arena.get(slot).order_id.0.to_le_bytes());
            }
        }
        let (count, sum) = self.ids.iter().fold((0u64, 0u64), |(n, sum), e| {
            let mut k = blake3::Hasher::new();
            k.update(&e.account.0.to_le_bytes());
            k.update(e.id.as_bytes());
            let d = k.finalize();
            let mut first = [0u8; 8];
            first.copy_from_slice(&d.as_bytes()[..8]);
            (n + 1, sum.wrapping_add(u64::from_le_bytes(first)))
        });
        put(&count.to_le_bytes());
        put(&sum.to_le_bytes());
        let halted = self.instruments.iter().filter(|i| i.halted).count() as u32;
        let killed = self.accounts.iter().filter(|a| a.kill_switch).count() as u32;
        if halted + killed > 0 {
            put(b"gates");
            put(&halted.to_le_bytes());
            for (id, _) in self
                .instruments
                .iter()
                .enumerate()
                .filter(|(_, i)| i.halted)
            {
                put(&(id as u32).to_le_bytes());
            }
            put(&killed.to_le_bytes());
            for a in self.accounts.iter().filter(|a| a.kill_switch) {
                put(&a.id.0.to_le_bytes());
            }
        }
        // Oracle prices and settlement, only once any is set.
        if self
            .instruments
            .iter()
            .any(|i| i.index.is_some() || i.mark.is_some() || i.settled)
        {
            put(b"oracle");
            for i in &self.instruments {
                put(&i.index.map_or(-1, |p| p.0).to_le_bytes());
                put(&i.mark.map_or(-1, |p| p.0).to_le_bytes());
                put(&[i.settled as u8]);
            }
        }
        // Derivative positions, only once any account has traded one (so spot-only states hash
        // as before).
        if self.accounts.iter().any(|a| !a.positions.is_empty()) {
            put(b"positions");
            for a in self.accounts.iter().filter(|a| !a.positions.is_empty()) {
                put(&a.id.0.to_le_bytes());
                put(&(a.positions.len() as u32).to_le_bytes());
                for p in &a.positions {
                    put(&p.instrument.to_le_bytes());
                    put(&p.qty.to_le_bytes());
                    put(&p.entry.0.to_le_bytes());
                }
            }
        }
        // Derivative risk state (insurance funds, position limits, perpetual basis and premium
        // samples, option risk arrays), only once any is set.
        let risky = |i: &crate::instruments::Instrument| {
            i.controls.max_position.is_some()
                || i.basis != 0
                || i.premium_count != 0
                || i.last_funding.is_some()
                || i.risk.is_some()
        };
        let deficits = self.accounts.iter().filter(|a| a.deficit).count() as u32;
        if self.insurance.iter().any(|f| f.0 != 0)
            || self.instruments.iter().any(risky)
            || deficits > 0
        {
            put(b"risk");
            put(&deficits.to_le_bytes());
            for a in self.accounts.iter().filter(|a| a.deficit) {
                put(&a.id.0.to_le_bytes());
            }
            for f in &self.insurance {
                put(&f.0.to_le_bytes());
            }
            for i in &self.instruments {
                put(&i.controls.max_position.map_or(-1, |q| q.0).to_le_bytes());
                put(&i.basis.to_le_bytes());
                put(&i.premium_sum.to_le_bytes());
                put(&i.premium_count.to_le_bytes());
                put(&i.last_funding.map_or(i64::MIN, |t| t.0).to_le_bytes());
                put(&i.vol_ppm.to_le_bytes());
                for v in i.risk.iter().flatten() {
                    put(&v.to_le_bytes());
                }
            }
        }
        if !self.quoting.quotes.is_empty() || !self.quoting.protections.is_empty() {
            let mut quoting = Vec::new();
            self.write_quoting(&mut tradestream_model::codec::Writer::new(&mut quoting));
            if quoting != [0, 0, 0, 0] {
                put(b"quoting");
                put(&quoting);
            }
        }
        *h.finalize().as_bytes()
    }
}

fn stp_code(s: SelfTradePrevention) -> u8 {
    match s {
        SelfTradePrevention::None => 0,
        SelfTradePrevention::CancelTaker => 1,
        SelfTradePrevention::CancelMaker => 2,
        SelfTradePrevention::CancelBoth => 3,
    }
}

fn expire_of(tif: TimeInForce) -> i64 {
    match tif {
        TimeInForce::Gtd(t) => t.0,
        _ => i64::MIN,
    }
}
