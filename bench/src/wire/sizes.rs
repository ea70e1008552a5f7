//! How large each floor's messages are: the same bytes on the wire as the gateway's order.
//!
//! * WebSocket: a `place` frame (JSON text plus the masked client frame header), the `ws`
//!   benchmark's own frames;
//! * FIX: a NewOrderSingle with a 6-digit MsgSeqNum, the `fix` benchmark's own messages;
//! * QUIC: the UDP payload of a 1-RTT packet carrying one NewOrder frame and nothing else
//!   ([`QUIC_PACKET_OVERHEAD`] bytes around the frame).

use tradestream_quic::{NewOrder, HEADER_LEN};

use super::settings::Gateway;
use crate::fix::orders::TRADESTREAM;
use crate::ws::entry;

/// What a QUIC 1-RTT packet adds around one STREAM frame's data: the short header (1 flag
/// byte, quinn's 8-byte connection id, a 2-byte packet number), the STREAM frame header (type,
/// stream id, a 4-byte offset, a 2-byte length) and the 16-byte AEAD tag.
pub const QUIC_PACKET_OVERHEAD: usize = (1 + 8 + 2) + (1 + 1 + 4 + 2) + 16;

/// Bytes of one order of `gateway` on the wire, which its floor's echo messages match.
pub fn order_bytes(gateway: Gateway) -> usize {
    match gateway {
        Gateway::Ws => entry::mean_wire_bytes(1_000).round() as usize,
        Gateway::Fix => TRADESTREAM.order_bytes(),
        Gateway::Quic => HEADER_LEN + NewOrder::BODY_LEN + QUIC_PACKET_OVERHEAD,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floors_carry_orders_of_their_gateway_size() {
        let ws = order_bytes(Gateway::Ws);
        let fix = order_bytes(Gateway::Fix);
        // A place frame is about 150 bytes of JSON; a NewOrderSingle 150-200 bytes of FIX.
        assert!((120..200).contains(&ws), "{ws}");
        assert!((150..200).contains(&fix), "{fix}");
        assert_eq!(ws, entry::mean_wire_bytes(1_000).round() as usize);
        // docs/quic-protocol.md: an 8-byte header and a 30-byte body, in a 35-byte packet.
        assert_eq!(order_bytes(Gateway::Quic), 38 + 35);
    }
}
