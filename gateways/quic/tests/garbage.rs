//! Hostile input: random bytes, truncations, header bit flips and invalid bodies never panic
//! and give the right error kinds.

mod common;

use common::{hex, message, to_bytes};
use proptest::prelude::*;
use tradestream_quic::*;

/// A successful decode must be canonical: re-encoding gives the consumed bytes back.
fn check_canonical(bytes: &[u8]) -> Result<(), TestCaseError> {
    match decode(bytes) {
        Ok((msg, used)) => {
            prop_assert!(used <= bytes.len());
            prop_assert_eq!(to_bytes(&msg), &bytes[..used]);
        }
        Err(DecodeError::Incomplete { needed }) => prop_assert!(needed > 0),
        Err(_) => {}
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn random_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        check_canonical(&bytes)?;
    }

    /// Random bodies behind a valid header reach the body decoder.
    #[test]
    fn random_bodies_never_panic(
        t in prop::sample::select(MessageType::ALL),
        extra in 0usize..100,
        body in prop::collection::vec(any::<u8>(), 0..400),
    ) {
        let len = t.fixed_body_len().unwrap_or(t.min_body_len() + extra);
        let mut bytes = Header { msg_type: t, body_len: len as u16 }.to_bytes().to_vec();
        bytes.extend(body.iter().copied().cycle().take(if body.is_empty() { 0 } else { len }));
        check_canonical(&bytes)?;
        if let Err(e) = decode(&bytes) {
            let expected = matches!(
                e,
                DecodeError::Incomplete { .. }
                    | DecodeError::InvalidEnum { .. }
                    | DecodeError::NonZeroPadding { .. }
                    | DecodeError::CountMismatch { .. }
            );
            prop_assert!(expected, "{:?}", e);
        }
    }

    #[test]
    fn every_truncation_is_incomplete(msg in message()) {
        let bytes = to_bytes(&msg);
        for k in 0..bytes.len() {
            match decode(&bytes[..k]) {
                Err(DecodeError::Incomplete { needed }) => {
                    prop_assert!(needed >= 1 && needed <= bytes.len() - k);
                    if k >= HEADER_LEN {
                        prop_assert_eq!(needed, bytes.len() - k);
                    }
                }
                other => prop_assert!(false, "truncation at {} gave {:?}", k, other),
            }
            prop_assert!(decode_datagram(&bytes[..k]).unwrap_err().is_incomplete());
        }
    }

    #[test]
    fn header_bit_flips_give_the_right_error(msg in message(), bit in 0usize..64) {
        let mut bytes = to_bytes(&msg);
        let (byte, mask) = (bit / 8, 1u8 << (bit % 8));
        bytes[byte] ^= mask;
        let result = decode(&bytes);
        match byte {
            0 | 1 => prop_assert_eq!(result, Err(DecodeError::BadMagic)),
            2 => prop_assert_eq!(result, Err(DecodeError::UnsupportedVersion(1 ^ mask))),
            3 => match result {
                Err(DecodeError::UnknownMessageType(code)) => prop_assert_eq!(code, bytes[3]),
                Err(DecodeError::BadBodyLength { msg_type, .. }) => prop_assert_eq!(msg_type, bytes[3]),
                // Another known type accepting this body length (same fixed size, or a
                // variable-length type): decodes as that type or fails on its body; never
                // decodes as the original type.
                Ok((other, _)) => prop_assert_ne!(other.message_type(), msg.message_type()),
                Err(
                    DecodeError::InvalidEnum { .. }
                    | DecodeError::CountMismatch { .. }
                    | DecodeError::NonZeroPadding { .. }
                    | DecodeError::Incomplete { .. },
                ) => {}
                Err(e) => prop_assert!(false, "type flip gave {:?}", e),
            },
            4 | 5 => {
                let len = u16::from_le_bytes([bytes[4], bytes[5]]);
                let expected = if usize::from(len) > MAX_BODY_LEN {
                    matches!(result, Err(DecodeError::BodyTooLarge(l)) if l == len)
                } else if msg.message_type().fixed_body_len().is_some()
                    || usize::from(len) < msg.message_type().min_body_len()
                {
                    matches!(result, Err(DecodeError::BadBodyLength { len: l, .. }) if l == len)
                } else if usize::from(len) > msg.body_len() {
                    matches!(result, Err(DecodeError::Incomplete { .. }))
                } else {
                    matches!(result, Err(DecodeError::CountMismatch { .. }))
                };
                prop_assert!(expected, "length {} gave {:?}", len, result);
            }
            _ => {
                let reserved = u16::from_le_bytes([bytes[6], bytes[7]]);
                prop_assert_eq!(result, Err(DecodeError::NonZeroReserved(reserved)));
            }
        }
    }
}

#[test]
fn garbage_is_rejected_before_the_header_is_complete() {
    assert_eq!(decode(b""), Err(DecodeError::Incomplete { needed: 8 }));
    assert_eq!(decode(b"T"), Err(DecodeError::Incomplete { needed: 7 }));
    assert_eq!(decode(b"X"), Err(DecodeError::BadMagic));
    assert_eq!(decode(b"TX"), Err(DecodeError::BadMagic));
    assert_eq!(decode(b"GET / HTTP/1.1\r\n"), Err(DecodeError::BadMagic));
    assert_eq!(decode(b"TS\x02"), Err(DecodeError::UnsupportedVersion(2)));
    assert_eq!(
        decode(b"TS\x01\x00"),
        Err(DecodeError::UnknownMessageType(0))
    );
    assert_eq!(
        decode(b"TS\x01\xff"),
        Err(DecodeError::UnknownMessageType(0xff))
    );
    assert_eq!(
        decode(b"TS\x01\x02\x1e"),
        Err(DecodeError::Incomplete { needed: 3 })
    );
}

#[test]
fn header_length_checks() {
    // Fixed-size type with the wrong length: rejected without waiting for the body.
    assert_eq!(
        decode(&hex("54 53 01 02 1d 00 00 00")),
        Err(DecodeError::BadBodyLength {
            msg_type: 0x02,
            len: 29
        })
    );
    // Body longer than the maximum: rejected without waiting for (or allocating) the body.
    assert_eq!(
        decode(&hex("54 53 01 81 01 10 00 00")),
        Err(DecodeError::BodyTooLarge(4097))
    );
    assert_eq!(
        decode(&hex("54 53 01 4a ff ff 00 00")),
        Err(DecodeError::BodyTooLarge(0xffff))
    );
    // Variable-length type shorter than its fixed part.
    assert_eq!(
        decode(&hex("54 53 01 4a 0d 00 00 00")),
        Err(DecodeError::BadBodyLength {
            msg_type: 0x4a,
            len: 13
        })
    );
    // Variable-length type with a valid length: waits for the body.
    assert_eq!(
        decode(&hex("54 53 01 4a 00 10 00 00")),
        Err(DecodeError::Incomplete { needed: 4096 })
    );
}

#[test]
fn count_must_match_the_body_length() {
    // MdDelta declaring 2 entries in a body holding 1.
    let bytes = hex("54 53 01 81 26 00 00 00
         05 00 00 00 00 00 00 00  07 00 00 00  02 00
         01 01 00 00 00 00 00 00  42 27 00 00 00 00 00 00  0a 00 00 00 00 00 00 00");
    assert_eq!(
        decode(&bytes),
        Err(DecodeError::CountMismatch {
            msg_type: 0x81,
            count: 2,
            len: 38
        })
    );
    // A huge count in a tiny body is rejected without allocating for it.
    let bytes = hex("54 53 01 4a 0e 00 00 00  07 00 00 00  05 00 00 00 00 00 00 00  ff ff");
    assert_eq!(
        decode(&bytes),
        Err(DecodeError::CountMismatch {
            msg_type: 0x4a,
            count: 0xffff,
            len: 14
        })
    );
}

#[test]
fn invalid_enum_values_and_padding() {
    let new_order = |side: &str, tif: &str| {
        hex(&format!(
            "54 53 01 02 1e 00 00 00  2a 00 00 00 00 00 00 00  07 00 00 00  {side} {tif}
             42 27 00 00 00 00 00 00  03 00 00 00 00 00 00 00"
        ))
    };
    assert!(decode(&new_order("01", "04")).is_ok());
    assert_eq!(
        decode(&new_order("00", "01")),
        Err(DecodeError::InvalidEnum {
            field: "side",
            value: 0
        })
    );
    assert_eq!(
        decode(&new_order("03", "01")),
        Err(DecodeError::InvalidEnum {
            field: "side",
            value: 3
        })
    );
    assert_eq!(
        decode(&new_order("02", "05")),
        Err(DecodeError::InvalidEnum {
            field: "tif",
            value: 5
        })
    );

    let mut fill = to_bytes(&Message::Fill(Fill::default()));
    *fill.last_mut().unwrap() = 2;
    assert_eq!(
        decode(&fill),
        Err(DecodeError::InvalidEnum {
            field: "aggressor",
            value: 2
        })
    );

    let md = |action: &str, side: &str, pad: &str| {
        hex(&format!(
            "54 53 01 81 26 00 00 00  05 00 00 00 00 00 00 00  07 00 00 00  01 00
             {action} {side} {pad}  42 27 00 00 00 00 00 00  0a 00 00 00 00 00 00 00"
        ))
    };
    assert!(decode(&md("03", "02", "00 00 00 00 00 00")).is_ok());
    assert_eq!(
        decode(&md("05", "01", "00 00 00 00 00 00")),
        Err(DecodeError::InvalidEnum {
            field: "action",
            value: 5
        })
    );
    assert_eq!(
        decode(&md("01", "00", "00 00 00 00 00 00")),
        Err(DecodeError::InvalidEnum {
            field: "side",
            value: 0
        })
    );
    assert_eq!(
        decode(&md("01", "01", "00 00 00 80 00 00")),
        Err(DecodeError::NonZeroPadding { msg_type: 0x81 })
    );

    let mut snapshot = to_bytes(&Message::Snapshot(Snapshot {
        instrument: 1,
        md_seq: 1,
        levels: vec![Level {
            side: Side::Buy,
            price: 1,
            qty: 1,
        }],
    }));
    snapshot[HEADER_LEN + 14 + 7] = 1; // last padding byte of the level
    assert_eq!(
        decode(&snapshot),
        Err(DecodeError::NonZeroPadding { msg_type: 0x4a })
    );
}

#[test]
fn errors_display() {
    assert_eq!(
        DecodeError::Incomplete { needed: 3 }.to_string(),
        "incomplete frame: at least 3 more byte(s) needed"
    );
    assert_eq!(
        DecodeError::UnknownMessageType(0xee).to_string(),
        "unknown message type 0xee"
    );
}
