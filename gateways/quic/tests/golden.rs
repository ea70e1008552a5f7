//! Golden byte vectors, written out by hand from the layout in `docs/quic-protocol.md`:
//! encoding gives exactly these bytes and decoding gives the message back.

mod common;

use common::hex;
use tradestream_quic::*;

fn check(msg: Message, golden: &[u8]) {
    let mut out = Vec::new();
    encode(&msg, &mut out);
    assert_eq!(hex_string(&out), hex_string(golden), "encoding of {msg:?}");
    assert_eq!(decode(golden), Ok((msg.clone(), golden.len())));
    assert_eq!(decode_datagram(golden), Ok(msg));
}

fn hex_string(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn new_order() {
    let golden = hex("54 53 01 02 1e 00 00 00
         2a 00 00 00 00 00 00 00
         07 00 00 00
         01
         02
         42 27 00 00 00 00 00 00
         03 00 00 00 00 00 00 00");
    let msg = Message::NewOrder(NewOrder {
        client_id: 42,
        instrument: 7,
        side: Side::Buy,
        tif: TimeInForce::Ioc,
        price: 10_050,
        qty: 3,
    });
    assert_eq!(golden.len(), HEADER_LEN + NewOrder::BODY_LEN);
    check(msg, &golden);
}

#[test]
fn quote() {
    let golden = hex("54 53 01 06 2c 00 00 00
         09 00 00 00 00 00 00 00
         04 03 02 01
         fb ff ff ff ff ff ff ff
         64 00 00 00 00 00 00 00
         00 01 00 00 00 00 00 00
         00 00 00 00 00 00 00 00");
    let msg = Message::Quote(Quote {
        quote_id: 9,
        instrument: 0x0102_0304,
        bid_price: -5,
        bid_qty: 100,
        ask_price: 256,
        ask_qty: 0,
    });
    check(msg, &golden);
}

#[test]
fn fill() {
    let golden = hex("54 53 01 45 39 00 00 00
         2a 00 00 00 00 00 00 00
         88 77 66 55 44 33 22 11
         42 27 00 00 00 00 00 00
         02 00 00 00 00 00 00 00
         01 00 00 00 00 00 00 00
         e8 03 00 00 00 00 00 00
         08 07 06 05 04 03 02 01
         01");
    let msg = Message::Fill(Fill {
        client_id: 42,
        order_id: 0x1122_3344_5566_7788,
        price: 10_050,
        qty: 2,
        leaves: 1,
        seq: 1000,
        ts: 0x0102_0304_0506_0708,
        aggressor: true,
    });
    check(msg, &golden);
}

#[test]
fn md_delta_with_two_entries() {
    let golden = hex("54 53 01 81 3e 00 00 00
         05 00 00 00 00 00 00 00
         07 00 00 00
         02 00
         01 01 00 00 00 00 00 00
         42 27 00 00 00 00 00 00
         0a 00 00 00 00 00 00 00
         04 02 00 00 00 00 00 00
         43 27 00 00 00 00 00 00
         02 00 00 00 00 00 00 00");
    let msg = Message::MdDelta(MdDelta {
        md_seq: 5,
        instrument: 7,
        entries: vec![
            MdEntry {
                action: MdAction::New,
                side: Side::Buy,
                price: 10_050,
                qty: 10,
            },
            MdEntry {
                action: MdAction::Trade,
                side: Side::Sell,
                price: 10_051,
                qty: 2,
            },
        ],
    });
    check(msg, &golden);
}

#[test]
fn snapshot_with_one_level() {
    let golden = hex("54 53 01 4a 26 00 00 00
         07 00 00 00
         05 00 00 00 00 00 00 00
         01 00
         02 00 00 00 00 00 00 00
         43 27 00 00 00 00 00 00
         0a 00 00 00 00 00 00 00");
    let msg = Message::Snapshot(Snapshot {
        instrument: 7,
        md_seq: 5,
        levels: vec![Level {
            side: Side::Sell,
            price: 10_051,
            qty: 10,
        }],
    });
    check(msg, &golden);
}

#[test]
fn logon_and_its_signed_bytes() {
    let head = "54 53 01 01 68 00 00 00
                e9 03 00 00 00 00 00 00
                00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f
                08 07 06 05 04 03 02 01
                ef be ad de 00 00 00 00";
    let golden = hex(&format!("{head} {}", "ab ".repeat(64)));
    let logon = Logon {
        account: 1001,
        key_id: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15],
        timestamp: 0x0102_0304_0506_0708,
        nonce: 0xdead_beef,
        signature: [0xab; 64],
    };
    assert_eq!(logon.signed_bytes().as_slice(), hex(head).as_slice());
    assert_eq!(
        logon.signed_bytes().as_slice(),
        &golden[..Logon::SIGNED_LEN]
    );
    check(Message::Logon(logon), &golden);
}

#[test]
fn small_fixed_messages() {
    check(
        Message::LogonReject(LogonReject {
            reason: RejectCode::BAD_SIGNATURE,
        }),
        &hex("54 53 01 42 02 00 00 00  64 00"),
    );
    check(
        Message::Heartbeat(Heartbeat { timestamp: 1 }),
        &hex("54 53 01 10 08 00 00 00  01 00 00 00 00 00 00 00"),
    );
    check(
        Message::MassCancel(MassCancel {
            instrument: MassCancel::ALL_INSTRUMENTS,
        }),
        &hex("54 53 01 05 04 00 00 00  ff ff ff ff"),
    );
}

#[test]
fn protection_tripped() {
    check(
        Message::ProtectionTripped(ProtectionTripped {
            instrument: 7,
            filled: 12,
            delta: -3,
            frozen_until: 1_000_000_000,
            seq: 9,
        }),
        &hex(
            "54 53 01 4b 24 00 00 00  07 00 00 00  0c 00 00 00 00 00 00 00
             fd ff ff ff ff ff ff ff  00 ca 9a 3b 00 00 00 00  09 00 00 00 00 00 00 00",
        ),
    );
}
