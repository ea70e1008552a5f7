//! Market-maker protection in JSON: the limits object of `admin.set_protection` answers and the
//! `protection_*` messages of the `orders` stream.

use crate::catalog::Listing;
use crate::encode::private::head;
use crate::json::Obj;
use tradestream_model::{ProtectionLimits, Qty, Timestamp};

/// Writes `window_ms`, `max_filled`, `max_delta` (decimals in the instrument's lot),
/// `freeze_ms` and `active` (false when the limits removed the protection).
pub fn limits_fields(o: &mut Obj<'_>, l: &Listing, limits: &ProtectionLimits) {
    o.uint("window_ms", limits.window_ms)
        .dec("max_filled", |w| l.write_qty(Qty(limits.max_filled), w))
        .dec("max_delta", |w| l.write_qty(Qty(limits.max_delta), w))
        .uint("freeze_ms", limits.freeze_ms)
        .bool("active", !limits.is_off());
}

/// What happened to a protection, as the `orders` stream reports it.
#[derive(Debug, Clone, Copy)]
pub enum Change {
    /// Configured or removed (`protection_set`).
    Set(ProtectionLimits),
    /// Tripped (`protection_tripped`): lots filled and net delta within the window, and the end
    /// of the freeze (`None`: until a reset).
    Tripped {
        /// Lots filled within the window.
        filled: i64,
        /// Net lots within the window.
        delta: i64,
        /// End of the freeze.
        frozen_until: Option<Timestamp>,
    },
    /// Reset by an operator (`protection_reset`).
    Reset,
}

/// An `orders` update about the account's protection on `l`'s instrument.
pub fn update(
    out: &mut Vec<u8>,
    seq: u64,
    engine_seq: u64,
    l: &Listing,
    change: &Change,
    ts: Timestamp,
) {
    let mut o = head(out, "orders", seq, engine_seq);
    o.with("data", |w| {
        let mut d = Obj::new(w);
        match *change {
            Change::Set(limits) => {
                d.str("type", "protection_set")
                    .str("symbol", l.spec.symbol.as_str());
                limits_fields(&mut d, l, &limits);
            }
            Change::Tripped {
                filled,
                delta,
                frozen_until,
            } => {
                d.str("type", "protection_tripped")
                    .str("symbol", l.spec.symbol.as_str())
                    .dec("filled", |w| l.write_qty(Qty(filled), w))
                    .dec("delta", |w| l.write_qty(Qty(delta), w));
                match frozen_until {
                    Some(t) => d.int("frozen_until", t.0),
                    None => d.null("frozen_until"),
                };
            }
            Change::Reset => {
                d.str("type", "protection_reset")
                    .str("symbol", l.spec.symbol.as_str());
            }
        }
        d.int("ts", ts.0);
        d.end();
    });
    o.end();
}
