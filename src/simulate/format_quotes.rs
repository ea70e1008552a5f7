//! Output of the market-maker events (issue 7) in the style of [`super::format`]: `quoted`,
//! `protection_set`, `protection_tripped` and `protection_reset`, with symbols instead of ids and
//! quantities in the instrument's lots as decimals.

use super::format::Obj;
use tradestream_engine::Engine;
use tradestream_model::{Event, InstrumentId, OrderId};

/// Writes one market-maker event (the caller routes only those here).
pub(super) fn event(out: &mut Vec<u8>, seq: u64, e: &Event, engine: &Engine) {
    let spec = |i: InstrumentId| {
        engine
            .instrument(i)
            .expect("events name listed instruments")
            .spec
    };
    let order = |o: Option<OrderId>| match o {
        Some(o) => o.0.to_string().into_bytes(),
        None => b"null".to_vec(),
    };
    match *e {
        Event::Quoted {
            account,
            instrument,
            id,
            bid,
            ask,
        } => {
            Obj::start(out, seq, "quoted")
                .int("account", account.0)
                .str("id", id.as_str())
                .str("symbol", spec(instrument).symbol.as_str())
                .raw("bid_order_id", &order(bid))
                .raw("ask_order_id", &order(ask))
                .end();
        }
        Event::ProtectionSet {
            account,
            instrument,
            limits,
        } => {
            let s = spec(instrument);
            Obj::start(out, seq, "protection_set")
                .int("account", account.0)
                .str("symbol", s.symbol.as_str())
                .int("window_ms", limits.window_ms)
                .grid("max_filled", s.lot, limits.max_filled)
                .grid("max_delta", s.lot, limits.max_delta)
                .int("freeze_ms", limits.freeze_ms)
                .end();
        }
        Event::ProtectionTripped {
            account,
            instrument,
            filled,
            delta,
            frozen_until,
        } => {
            let s = spec(instrument);
            let until = match frozen_until {
                Some(t) => t.0.to_string().into_bytes(),
                None => b"null".to_vec(),
            };
            Obj::start(out, seq, "protection_tripped")
                .int("account", account.0)
                .str("symbol", s.symbol.as_str())
                .grid("filled", s.lot, filled)
                .grid("delta", s.lot, delta)
                .raw("frozen_until", &until)
                .end();
        }
        Event::ProtectionReset {
            account,
            instrument,
        } => {
            Obj::start(out, seq, "protection_reset")
                .int("account", account.0)
                .str("symbol", spec(instrument).symbol.as_str())
                .end();
        }
        _ => {}
    }
}
