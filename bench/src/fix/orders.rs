//! The order flow every FIX target gets, and how each target's dialect writes it.
//!
//! Two sessions (`BENCH1`, `BENCH2`); order `i` goes on session `i % 2`: buys on the first,
//! sells on the second, all limit orders for the same quantity at the same price. Each order
//! crosses the one before it from the other session, so every pair trades and the book never
//! holds more than a few orders: the last order meets the same state as the first. Every order
//! is answered at least once (New for the one that rests, Trade or Fill for both when they
//! cross); the latency is to the first ExecutionReport carrying its ClOrdID.

use std::sync::atomic::{AtomicU64, Ordering};

use super::message::{field, Encoder};
use super::settings::MAX_ORDERS;
use super::timestamp;

/// The instrument.
pub const SYMBOL: &str = "BTC-USD";
/// The client's SenderCompIDs, one per session; order `i` goes on session `i % 2`.
pub const SESSIONS: [&str; 2] = ["BENCH1", "BENCH2"];
/// Digits of a ClOrdID: a measurement number (3) then the order's index (8).
pub const ID_DIGITS: usize = 11;

/// How one target wants the orders written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dialect {
    /// BeginString (8).
    pub begin_string: &'static str,
    /// The acceptor's SenderCompID, the client's TargetCompID (56).
    pub acceptor: &'static str,
    /// Whether HandlInst (21=1, automated, no intervention) is sent: required before FIX 4.3.
    pub handl_inst: bool,
    /// TimeInForce (59).
    pub time_in_force: &'static str,
    /// OrderQty (38).
    pub quantity: &'static str,
    /// Price (44).
    pub price: &'static str,
}

/// QuickFIX's ordermatch example (1.15): its application cracks FIX 4.2 NewOrderSingles only
/// (a FIX 4.4 one is answered 35=j "Unsupported Message Type"), takes whole quantities and
/// rejects any TimeInForce but Day.
pub const QUICKFIX: Dialect = Dialect {
    begin_string: "FIX.4.2",
    acceptor: "ORDERMATCH",
    handl_inst: true,
    time_in_force: "0",
    quantity: "1",
    price: "100.5",
};

/// Tradestream's FIX 4.4 gateway: BTC-USD has tick 0.5 and lot 0.0001; GTC.
pub const TRADESTREAM: Dialect = Dialect {
    begin_string: "FIX.4.4",
    acceptor: "TRADESTREAM",
    handl_inst: false,
    time_in_force: "1",
    quantity: "0.0001",
    price: "100.5",
};

/// Side (54) of order `index`: buy on the first session, sell on the second.
pub fn side_of(index: usize) -> &'static [u8] {
    match index % 2 {
        0 => b"1",
        _ => b"2",
    }
}

/// Measurement numbers handed out so far (ClOrdIDs of different measurements differ).
static MEASUREMENTS: AtomicU64 = AtomicU64::new(0);

/// The ClOrdIDs of one measurement: `MMMIIIIIIII`, a measurement number then the order's
/// index, so an id is never reused within a process and every id has the same length.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClOrdIds {
    /// `measurement * MAX_ORDERS`.
    base: u64,
}

impl ClOrdIds {
    /// The ids of a new measurement.
    pub fn next() -> ClOrdIds {
        let m = MEASUREMENTS.fetch_add(1, Ordering::Relaxed) % 1_000;
        ClOrdIds {
            base: m * MAX_ORDERS,
        }
    }

    /// The id of order `index`, as its 11 digits.
    pub fn id(&self, index: usize) -> [u8; ID_DIGITS] {
        let mut value = self.base + index as u64 % MAX_ORDERS;
        let mut out = [b'0'; ID_DIGITS];
        for b in out.iter_mut().rev() {
            *b = b'0' + (value % 10) as u8;
            value /= 10;
        }
        out
    }

    /// The order an id names, if it is one of this measurement's.
    pub fn index_of(&self, id: &[u8]) -> Option<usize> {
        if id.len() != ID_DIGITS || !id.iter().all(u8::is_ascii_digit) {
            return None;
        }
        let value = id.iter().fold(0u64, |v, &d| v * 10 + u64::from(d - b'0'));
        value
            .checked_sub(self.base)
            .filter(|&i| i < MAX_ORDERS)
            .map(|i| i as usize)
    }
}

impl Dialect {
    /// Appends order `index`'s NewOrderSingle (35=D) to `out`, sent at `now` (Unix
    /// milliseconds, also its TransactTime).
    pub fn new_order_single(
        &self,
        encoder: &mut Encoder,
        out: &mut Vec<u8>,
        ids: &ClOrdIds,
        index: usize,
        now: u64,
    ) {
        let price = self.price.as_bytes();
        self.limit_order(encoder, out, &ids.id(index), side_of(index), price, now);
    }

    /// Appends a limit NewOrderSingle (35=D) with ClOrdID `id` on `side` (54) at `price`,
    /// sent at `now`, in this dialect's quantity and TimeInForce.
    pub fn limit_order(
        &self,
        encoder: &mut Encoder,
        out: &mut Vec<u8>,
        id: &[u8],
        side: &[u8],
        price: &[u8],
        now: u64,
    ) {
        encoder.message(out, b"D", now, |b| {
            field(b, 11, id);
            if self.handl_inst {
                field(b, 21, b"1");
            }
            field(b, 55, SYMBOL.as_bytes());
            field(b, 54, side);
            field(b, 60, &timestamp::format(now));
            field(b, 38, self.quantity.as_bytes());
            field(b, 40, b"2");
            field(b, 44, price);
            field(b, 59, self.time_in_force.as_bytes());
        });
    }

    /// Appends an OrderCancelRequest (35=F) with ClOrdID `id` for the order `original`
    /// (41) on `side`, sent at `now`.
    pub fn cancel(
        &self,
        encoder: &mut Encoder,
        out: &mut Vec<u8>,
        id: &[u8],
        original: &[u8],
        side: &[u8],
        now: u64,
    ) {
        encoder.message(out, b"F", now, |b| {
            field(b, 41, original);
            field(b, 11, id);
            field(b, 55, SYMBOL.as_bytes());
            field(b, 54, side);
            field(b, 60, &timestamp::format(now));
        });
    }

    /// Bytes of a NewOrderSingle of this dialect on the wire, with a 6-digit MsgSeqNum (what
    /// most orders of a run carry).
    pub fn order_bytes(&self) -> usize {
        let mut encoder =
            Encoder::new(self.begin_string, SESSIONS[0], self.acceptor).with_next_seq(100_000);
        let mut out = Vec::new();
        let ids = ClOrdIds { base: 0 };
        self.new_order_single(&mut encoder, &mut out, &ids, 0, timestamp::now_millis());
        out.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_name_their_order_and_measurement() {
        let a = ClOrdIds::next();
        let b = ClOrdIds::next();
        assert_ne!(a.id(5), b.id(5));
        assert_eq!(a.index_of(&a.id(12_345_678)), Some(12_345_678));
        assert_eq!(b.index_of(&a.id(7)), None, "another measurement's id");
        assert_eq!(a.index_of(b"123"), None);
        assert_eq!(a.index_of(b"0000000000x"), None);
        let ids = ClOrdIds {
            base: 3 * MAX_ORDERS,
        };
        assert_eq!(&ids.id(42), b"00300000042");
    }

    #[test]
    fn orders_alternate_sides() {
        assert_eq!(
            (side_of(0), side_of(1), side_of(8)),
            (&b"1"[..], &b"2"[..], &b"1"[..])
        );
    }

    #[test]
    fn writes_each_dialect() {
        let ids = ClOrdIds { base: 0 };
        let mut out = Vec::new();
        let mut e = Encoder::new("FIX.4.2", "BENCH1", "ORDERMATCH");
        QUICKFIX.new_order_single(&mut e, &mut out, &ids, 1, 0);
        let text = String::from_utf8(out.clone())
            .expect("ASCII")
            .replace('\x01', "|");
        assert!(text.starts_with("8=FIX.4.2|9="), "{text}");
        assert!(
            text.contains(
                "|35=D|49=BENCH1|56=ORDERMATCH|34=1|52=19700101-00:00:00.000|11=00000000001|\
                 21=1|55=BTC-USD|54=2|60=19700101-00:00:00.000|38=1|40=2|44=100.5|59=0|10="
            ),
            "{text}"
        );
        out.clear();
        let mut e = Encoder::new("FIX.4.4", "BENCH1", "TRADESTREAM");
        TRADESTREAM.new_order_single(&mut e, &mut out, &ids, 0, 0);
        let text = String::from_utf8(out).expect("ASCII").replace('\x01', "|");
        assert!(
            text.contains("|11=00000000000|55=BTC-USD|54=1|60=19700101-00:00:00.000|38=0.0001|40=2|44=100.5|59=1|10="),
            "{text}"
        );
        assert!(!text.contains("|21="));
        assert!((150..200).contains(&TRADESTREAM.order_bytes()));
    }
}
