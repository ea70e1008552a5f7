//! Client order ids: how the gateway names QUIC orders and quote sides in the engine, and
//! recognises them in the engine's events.
//!
//! - an order's `client_id` `n` is the engine `ClientOrderId` `"<n>"` (plain decimal);
//! - a quote `quote_id` `n` is `"q<n>"`, its bid `"q<n>b"` and its ask `"q<n>a"`.
//!
//! The two never collide. Ids of the account entered by other gateways that do not have one of
//! these forms are not reported over QUIC.

use std::io::Write;
use tradestream_model::ClientOrderId;

/// What a QUIC session calls an engine order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ours {
    /// A plain order: its `client_id`.
    Order(u64),
    /// A quote or one of its sides: the `quote_id`.
    Quote(u64),
}

impl Ours {
    /// The wire id: the order's `client_id` or the quote's `quote_id`.
    #[must_use]
    pub fn wire(self) -> u64 {
        match self {
            Ours::Order(n) | Ours::Quote(n) => n,
        }
    }
}

/// The engine id `<prefix><n><suffix>`, formatted on the stack (this is per order).
fn numbered(prefix: &str, n: u64, suffix: &str) -> ClientOrderId {
    // "q" + 20 digits + "b": at most 22 ASCII characters.
    let mut buf = [0u8; 22];
    let mut w = &mut buf[..];
    write!(w, "{prefix}{n}{suffix}").expect("at most 22 characters");
    let len = 22 - w.len();
    let s = std::str::from_utf8(&buf[..len]).expect("ASCII");
    ClientOrderId::new(s).expect("at most 22 ASCII characters fit a client order id")
}

/// The engine id of order `client_id`.
#[must_use]
pub fn order(client_id: u64) -> ClientOrderId {
    numbered("", client_id, "")
}

/// The engine ids of quote `quote_id`: the quote, its bid, its ask.
#[must_use]
pub fn quote(quote_id: u64) -> [ClientOrderId; 3] {
    [
        numbered("q", quote_id, ""),
        numbered("q", quote_id, "b"),
        numbered("q", quote_id, "a"),
    ]
}

/// A canonical decimal `u64` (no sign, no leading zero).
fn decimal(s: &str) -> Option<u64> {
    if s.is_empty() || (s.len() > 1 && s.starts_with('0')) || !s.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    s.parse().ok()
}

/// What `id` is to QUIC, if it has one of the gateway's forms.
#[must_use]
pub fn parse(id: &ClientOrderId) -> Option<Ours> {
    let s = id.as_str();
    match s.strip_prefix('q') {
        None => decimal(s).map(Ours::Order),
        Some(rest) => {
            let n = rest
                .strip_suffix('a')
                .or_else(|| rest.strip_suffix('b'))
                .unwrap_or(rest);
            decimal(n).map(Ours::Quote)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(s: &str) -> ClientOrderId {
        ClientOrderId::new(s).unwrap()
    }

    #[test]
    fn ids_round_trip_and_foreign_ids_are_not_ours() {
        assert_eq!(parse(&order(u64::MAX)), Some(Ours::Order(u64::MAX)));
        assert_eq!(parse(&order(0)), Some(Ours::Order(0)));
        for q in quote(42) {
            assert_eq!(parse(&q), Some(Ours::Quote(42)));
        }
        for foreign in ["007", "abc", "q", "qa", "1.5", "-1", "q1c"] {
            assert_eq!(parse(&id(foreign)), None, "{foreign:?}");
        }
    }
}
