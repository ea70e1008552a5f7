//! Shared test helpers: hex parsing and proptest strategies for every message type.

#![allow(dead_code)]

use proptest::prelude::*;
use tradestream_quic::*;

/// Parses hex, ignoring whitespace.
pub fn hex(s: &str) -> Vec<u8> {
    let digits: Vec<u8> = s.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    assert_eq!(digits.len() % 2, 0, "odd number of hex digits");
    digits
        .chunks(2)
        .map(|pair| u8::from_str_radix(std::str::from_utf8(pair).unwrap(), 16).unwrap())
        .collect()
}

/// Encodes one message into a fresh buffer.
pub fn to_bytes(msg: &Message) -> Vec<u8> {
    let mut out = Vec::new();
    encode(msg, &mut out);
    out
}

pub fn side() -> impl Strategy<Value = Side> {
    prop::sample::select(Side::ALL)
}

pub fn tif() -> impl Strategy<Value = TimeInForce> {
    prop::sample::select(TimeInForce::ALL)
}

pub fn md_action() -> impl Strategy<Value = MdAction> {
    prop::sample::select(MdAction::ALL)
}

pub fn level() -> impl Strategy<Value = Level> {
    (side(), any::<i64>(), any::<i64>()).prop_map(|(side, price, qty)| Level { side, price, qty })
}

pub fn md_entry() -> impl Strategy<Value = MdEntry> {
    (md_action(), side(), any::<i64>(), any::<i64>()).prop_map(|(action, side, price, qty)| {
        MdEntry {
            action,
            side,
            price,
            qty,
        }
    })
}

/// Any message, every type equally likely, arbitrary field values, variable-length messages
/// with 0 to the maximum number of entries.
pub fn message() -> impl Strategy<Value = Message> {
    prop_oneof![
        (
            any::<u64>(),
            any::<[u8; 16]>(),
            any::<u64>(),
            any::<u64>(),
            prop::collection::vec(any::<u8>(), 64)
        )
            .prop_map(|(account, key_id, timestamp, nonce, sig)| {
                Message::Logon(Logon {
                    account,
                    key_id,
                    timestamp,
                    nonce,
                    signature: sig.try_into().unwrap(),
                })
            }),
        (
            any::<u64>(),
            any::<u32>(),
            side(),
            tif(),
            any::<i64>(),
            any::<i64>()
        )
            .prop_map(|(client_id, instrument, side, tif, price, qty)| {
                Message::NewOrder(NewOrder {
                    client_id,
                    instrument,
                    side,
                    tif,
                    price,
                    qty,
                })
            }),
        (any::<u64>(), any::<u32>()).prop_map(|(client_id, instrument)| Message::Cancel(Cancel {
            client_id,
            instrument
        })),
        (any::<u64>(), any::<u32>(), any::<i64>(), any::<i64>()).prop_map(
            |(client_id, instrument, new_price, new_qty)| {
                Message::Amend(Amend {
                    client_id,
                    instrument,
                    new_price,
                    new_qty,
                })
            }
        ),
        any::<u32>().prop_map(|instrument| Message::MassCancel(MassCancel { instrument })),
        (
            any::<u64>(),
            any::<u32>(),
            any::<i64>(),
            any::<i64>(),
            any::<i64>(),
            any::<i64>()
        )
            .prop_map(
                |(quote_id, instrument, bid_price, bid_qty, ask_price, ask_qty)| {
                    Message::Quote(Quote {
                        quote_id,
                        instrument,
                        bid_price,
                        bid_qty,
                        ask_price,
                        ask_qty,
                    })
                }
            ),
        (any::<u32>(), any::<u16>()).prop_map(|(instrument, depth)| {
            Message::SnapshotRequest(SnapshotRequest { instrument, depth })
        }),
        any::<u64>().prop_map(|timestamp| Message::Heartbeat(Heartbeat { timestamp })),
        (any::<u64>(), any::<u64>()).prop_map(|(session, server_time)| Message::LogonAck(
            LogonAck {
                session,
                server_time
            }
        )),
        any::<u16>().prop_map(|r| Message::LogonReject(LogonReject {
            reason: RejectCode(r)
        })),
        (any::<u64>(), any::<u64>(), any::<u64>(), any::<u64>()).prop_map(
            |(client_id, order_id, seq, ts)| {
                Message::OrderAck(OrderAck {
                    client_id,
                    order_id,
                    seq,
                    ts,
                })
            }
        ),
        (any::<u64>(), any::<u16>(), any::<u64>()).prop_map(|(client_id, r, seq)| {
            Message::Reject(Reject {
                client_id,
                reason: RejectCode(r),
                seq,
            })
        }),
        (
            any::<u64>(),
            any::<u64>(),
            any::<i64>(),
            any::<i64>(),
            any::<i64>(),
            any::<u64>(),
            any::<u64>(),
            any::<bool>()
        )
            .prop_map(
                |(client_id, order_id, price, qty, leaves, seq, ts, aggressor)| {
                    Message::Fill(Fill {
                        client_id,
                        order_id,
                        price,
                        qty,
                        leaves,
                        seq,
                        ts,
                        aggressor,
                    })
                }
            ),
        (any::<u64>(), any::<i64>(), any::<u64>()).prop_map(|(client_id, leaves, seq)| {
            Message::CancelAck(CancelAck {
                client_id,
                leaves,
                seq,
            })
        }),
        (any::<u64>(), any::<i64>(), any::<i64>(), any::<u64>()).prop_map(
            |(client_id, price, qty, seq)| {
                Message::AmendAck(AmendAck {
                    client_id,
                    price,
                    qty,
                    seq,
                })
            }
        ),
        (any::<u32>(), any::<u32>(), any::<u64>()).prop_map(|(instrument, count, seq)| {
            Message::MassCancelAck(MassCancelAck {
                instrument,
                count,
                seq,
            })
        }),
        (any::<u64>(), any::<u64>(), any::<u64>(), any::<u64>()).prop_map(
            |(quote_id, bid_order_id, ask_order_id, seq)| {
                Message::QuoteAck(QuoteAck {
                    quote_id,
                    bid_order_id,
                    ask_order_id,
                    seq,
                })
            }
        ),
        (
            any::<u32>(),
            any::<i64>(),
            any::<i64>(),
            any::<u64>(),
            any::<u64>()
        )
            .prop_map(|(instrument, filled, delta, frozen_until, seq)| {
                Message::ProtectionTripped(ProtectionTripped {
                    instrument,
                    filled,
                    delta,
                    frozen_until,
                    seq,
                })
            }),
        (
            any::<u32>(),
            any::<u64>(),
            prop::collection::vec(level(), 0..=Snapshot::MAX_LEVELS)
        )
            .prop_map(|(instrument, md_seq, levels)| {
                Message::Snapshot(Snapshot {
                    instrument,
                    md_seq,
                    levels,
                })
            }),
        (
            any::<u64>(),
            any::<u32>(),
            prop::collection::vec(md_entry(), 0..=MdDelta::MAX_ENTRIES)
        )
            .prop_map(|(md_seq, instrument, entries)| {
                Message::MdDelta(MdDelta {
                    md_seq,
                    instrument,
                    entries,
                })
            }),
    ]
}
