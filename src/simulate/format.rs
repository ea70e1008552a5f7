//! Events to JSON lines, fields in the contract's order, decimals normalised.

use std::io::Write;
use tradestream_engine::Engine;
use tradestream_model::decimal::{write_amount, Grid};
use tradestream_model::{
    AccountId, AssetId, ClientOrderId, Event, InstrumentId, OrderType, Price, Qty, Side,
};

/// Writes `s` as a JSON string.
pub fn write_str(out: &mut Vec<u8>, s: &str) {
    out.push(b'"');
    for c in s.chars() {
        match c {
            '"' => out.extend_from_slice(b"\\\""),
            '\\' => out.extend_from_slice(b"\\\\"),
            '\n' => out.extend_from_slice(b"\\n"),
            '\r' => out.extend_from_slice(b"\\r"),
            '\t' => out.extend_from_slice(b"\\t"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => {
                let mut b = [0u8; 4];
                out.extend_from_slice(c.encode_utf8(&mut b).as_bytes());
            }
        }
    }
    out.push(b'"');
}

/// A JSON object being written field by field.
pub(super) struct Obj<'a> {
    out: &'a mut Vec<u8>,
}

impl<'a> Obj<'a> {
    pub(super) fn start(out: &'a mut Vec<u8>, seq: u64, event: &str) -> Obj<'a> {
        let _ = write!(out, "{{\"seq\":{seq},\"event\":\"{event}\"");
        Obj { out }
    }

    fn key(&mut self, k: &str) -> &mut Vec<u8> {
        let _ = write!(self.out, ",\"{k}\":");
        self.out
    }

    pub(super) fn int(&mut self, k: &str, v: impl std::fmt::Display) -> &mut Self {
        let _ = write!(self.key(k), "{v}");
        self
    }

    pub(super) fn str(&mut self, k: &str, v: &str) -> &mut Self {
        write_str(self.key(k), v);
        self
    }

    pub(super) fn grid(&mut self, k: &str, g: Grid, steps: i64) -> &mut Self {
        let out = self.key(k);
        out.push(b'"');
        g.write(steps, out);
        out.push(b'"');
        self
    }

    pub(super) fn amount(&mut self, k: &str, a: tradestream_model::Amount) -> &mut Self {
        let out = self.key(k);
        out.push(b'"');
        write_amount(a, out);
        out.push(b'"');
        self
    }

    pub(super) fn bool(&mut self, k: &str, v: bool) -> &mut Self {
        let _ = write!(self.key(k), "{v}");
        self
    }

    pub(super) fn raw(&mut self, k: &str, v: &[u8]) -> &mut Self {
        self.key(k).extend_from_slice(v);
        self
    }

    pub(super) fn end(&mut self) {
        self.out.extend_from_slice(b"}\n");
    }
}

/// Writes one engine event.
pub fn event(out: &mut Vec<u8>, seq: u64, e: &Event, engine: &Engine) {
    let grids = |i: InstrumentId| {
        let inst = engine
            .instrument(i)
            .expect("events name listed instruments");
        (inst.spec.symbol, inst.spec.tick, inst.spec.lot)
    };
    let acct = |a: AccountId| a.0;
    let id = |c: &ClientOrderId| c.as_str().to_owned();
    match e {
        Event::Accepted {
            account,
            id: cid,
            order_id,
            instrument,
            side,
            order_type,
            price,
            qty,
            ..
        } => {
            let (sym, tick, lot) = grids(*instrument);
            let mut o = Obj::start(out, seq, "accepted");
            o.int("account", acct(*account))
                .str("id", cid.as_str())
                .int("order_id", order_id.0);
            o.str("symbol", sym.as_str()).str("side", side.as_str());
            if *order_type == OrderType::Limit {
                o.grid("price", tick, price.0);
            }
            o.grid("qty", lot, qty.0).end();
        }
        Event::Rejected {
            account,
            id: cid,
            reason,
        } => {
            Obj::start(out, seq, "rejected")
                .int("account", acct(*account))
                .str("id", cid.as_str())
                .str("reason", reason.as_str())
                .end();
        }
        Event::Trade {
            instrument,
            trade_id,
            price,
            qty,
            maker_account,
            maker_id,
            taker_account,
            taker_id,
            taker_side,
        } => {
            let (sym, tick, lot) = grids(*instrument);
            Obj::start(out, seq, "trade")
                .str("symbol", sym.as_str())
                .int("trade_id", trade_id.0)
                .grid("price", tick, price.0)
                .grid("qty", lot, qty.0)
                .int("maker_account", acct(*maker_account))
                .str("maker_id", &id(maker_id))
                .int("taker_account", acct(*taker_account))
                .str("taker_id", &id(taker_id))
                .str("taker_side", taker_side.as_str())
                .end();
        }
        Event::Cancelled {
            account,
            id: cid,
            instrument,
            reason,
            leaves_qty,
        } => {
            let (_, _, lot) = grids(*instrument);
            Obj::start(out, seq, "cancelled")
                .int("account", acct(*account))
                .str("id", cid.as_str())
                .str("reason", reason.as_str())
                .grid("leaves_qty", lot, leaves_qty.0)
                .end();
        }
        Event::Amended {
            account,
            id: cid,
            instrument,
            price,
            qty,
            leaves_qty,
        } => {
            let (_, tick, lot) = grids(*instrument);
            Obj::start(out, seq, "amended")
                .int("account", acct(*account))
                .str("id", cid.as_str())
                .grid("price", tick, price.0)
                .grid("qty", lot, qty.0)
                .grid("leaves_qty", lot, leaves_qty.0)
                .end();
        }
        Event::Filled {
            account, id: cid, ..
        } => {
            Obj::start(out, seq, "filled")
                .int("account", acct(*account))
                .str("id", cid.as_str())
                .end();
        }
        Event::Halted { instrument, halted } => {
            let (sym, _, _) = grids(*instrument);
            Obj::start(out, seq, "halted")
                .str("symbol", sym.as_str())
                .bool("halted", *halted)
                .end();
        }
        Event::FeesChanged {
            instrument,
            maker_fee_bps,
            taker_fee_bps,
        } => {
            let (sym, _, _) = grids(*instrument);
            Obj::start(out, seq, "fees_changed")
                .str("symbol", sym.as_str())
                .int("maker_fee_bps", maker_fee_bps)
                .int("taker_fee_bps", taker_fee_bps)
                .end();
        }
        Event::KillSwitch { account, on } => {
            Obj::start(out, seq, "kill_switch")
                .int("account", acct(*account))
                .bool("on", *on)
                .end();
        }
        Event::PriceSet {
            instrument,
            kind,
            price,
        } => {
            let (sym, tick, _) = grids(*instrument);
            Obj::start(out, seq, kind.as_str())
                .str("symbol", sym.as_str())
                .grid("price", tick, price.0)
                .end();
        }
        Event::FundingPaid {
            account,
            instrument,
            amount,
        } => {
            let (sym, _, _) = grids(*instrument);
            Obj::start(out, seq, "funding_paid")
                .int("account", acct(*account))
                .str("symbol", sym.as_str())
                .amount("amount", *amount)
                .end();
        }
        Event::PositionSettled {
            account,
            instrument,
            qty,
            pnl,
        } => {
            let (sym, _, lot) = grids(*instrument);
            Obj::start(out, seq, "position_settled")
                .int("account", acct(*account))
                .str("symbol", sym.as_str())
                .grid("qty", lot, *qty)
                .amount("pnl", *pnl)
                .end();
        }
        Event::Settled { instrument, price } => {
            let (sym, tick, _) = grids(*instrument);
            Obj::start(out, seq, "settled")
                .str("symbol", sym.as_str())
                .grid("price", tick, price.0)
                .end();
        }
        Event::OptionMarked { .. }
        | Event::FundingRate { .. }
        | Event::LiquidationStarted { .. }
        | Event::LiquidationStep { .. }
        | Event::Deleveraged { .. }
        | Event::InsurancePaid { .. }
        | Event::Liquidated { .. } => super::format_derivatives::event(out, seq, e, engine),
        Event::Quoted { .. }
        | Event::ProtectionSet { .. }
        | Event::ProtectionTripped { .. }
        | Event::ProtectionReset { .. } => super::format_quotes::event(out, seq, e, engine),
        Event::Error(err) => error(out, seq, &err.to_string()),
    }
}

/// Writes an `error` event for input line `seq`.
pub fn error(out: &mut Vec<u8>, seq: u64, message: &str) {
    Obj::start(out, seq, "error")
        .int("line", seq)
        .str("message", message)
        .end();
}

/// Writes one `balance` event per known asset.
pub fn balances(out: &mut Vec<u8>, seq: u64, account: AccountId, engine: &Engine) {
    for (i, name) in engine.asset_names().iter().enumerate() {
        let b = engine.balance(account, AssetId(i as u32));
        Obj::start(out, seq, "balance")
            .int("account", account.0)
            .str("asset", name.as_str())
            .amount("available", b.available)
            .amount("held", b.held)
            .end();
    }
}

/// Writes one `position` event per derivative instrument the account has traded (flat ones
/// included), in order of first trade: signed `qty` in the instrument's lots and the `entry`
/// notional of the open quantity in the settlement asset (signed like `qty`).
pub fn positions(out: &mut Vec<u8>, seq: u64, account: AccountId, engine: &Engine) {
    for p in engine.positions(account) {
        let i = engine
            .instrument(InstrumentId(p.instrument))
            .expect("positions name listed instruments");
        Obj::start(out, seq, "position")
            .int("account", account.0)
            .str("symbol", i.spec.symbol.as_str())
            .grid("qty", i.spec.lot, p.qty)
            .amount("entry", p.entry)
            .end();
    }
}

/// Writes one `fees` event per known asset.
pub fn fees(out: &mut Vec<u8>, seq: u64, engine: &Engine) {
    for (i, name) in engine.asset_names().iter().enumerate() {
        Obj::start(out, seq, "fees")
            .str("asset", name.as_str())
            .amount("amount", engine.fee_balance(AssetId(i as u32)))
            .end();
    }
}

/// Writes a `book` event with up to `depth` levels a side.
pub fn book(out: &mut Vec<u8>, seq: u64, instrument: InstrumentId, depth: usize, engine: &Engine) {
    let (sym, tick, lot) = {
        let i = engine
            .instrument(instrument)
            .expect("queries name listed instruments");
        (i.spec.symbol, i.spec.tick, i.spec.lot)
    };
    let levels = |side: Side| {
        let mut v = Vec::new();
        v.push(b'[');
        for (n, (Price(p), Qty(q))) in engine.depth(instrument, side).take(depth).enumerate() {
            if n > 0 {
                v.push(b',');
            }
            v.extend_from_slice(b"[\"");
            tick.write(p, &mut v);
            v.extend_from_slice(b"\",\"");
            lot.write(q, &mut v);
            v.extend_from_slice(b"\"]");
        }
        v.push(b']');
        v
    };
    let (bids, asks) = (levels(Side::Buy), levels(Side::Sell));
    Obj::start(out, seq, "book")
        .str("symbol", sym.as_str())
        .raw("bids", &bids)
        .raw("asks", &asks)
        .end();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_escaped() {
        let mut out = Vec::new();
        write_str(&mut out, "a\"b\\c\n\u{1}é");
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "\"a\\\"b\\\\c\\n\\u0001é\""
        );
    }

    #[test]
    fn errors_carry_line() {
        let mut out = Vec::new();
        error(&mut out, 7, "bad");
        assert_eq!(
            out,
            b"{\"seq\":7,\"event\":\"error\",\"line\":7,\"message\":\"bad\"}\n"
        );
    }
}
