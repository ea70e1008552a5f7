//! Property tests: every message type round-trips with arbitrary field values.

mod common;

use common::{message, to_bytes};
use proptest::prelude::*;
use tradestream_quic::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn encode_then_decode_is_identity(msg in message()) {
        let bytes = to_bytes(&msg);
        prop_assert_eq!(bytes.len(), HEADER_LEN + msg.body_len());
        prop_assert!(bytes.len() <= HEADER_LEN + MAX_BODY_LEN);
        prop_assert_eq!(&bytes[..2], &MAGIC);
        prop_assert_eq!(bytes[2], SCHEMA_VERSION);
        prop_assert_eq!(bytes[3], msg.message_type().code());
        prop_assert_eq!(decode(&bytes), Ok((msg.clone(), bytes.len())));
        prop_assert_eq!(decode_datagram(&bytes), Ok(msg));
    }

    #[test]
    fn decode_ignores_what_follows_the_frame(msg in message(), tail in prop::collection::vec(any::<u8>(), 0..64)) {
        let mut bytes = to_bytes(&msg);
        let len = bytes.len();
        bytes.extend_from_slice(&tail);
        prop_assert_eq!(decode(&bytes), Ok((msg, len)));
        if !tail.is_empty() {
            prop_assert_eq!(decode_datagram(&bytes), Err(DecodeError::TrailingBytes(tail.len())));
        }
    }

    #[test]
    fn try_encode_appends_to_existing_bytes(msg in message(), prefix in prop::collection::vec(any::<u8>(), 0..16)) {
        let mut out = prefix.clone();
        let n = try_encode(&msg, &mut out).unwrap();
        prop_assert_eq!(&out[..prefix.len()], prefix.as_slice());
        prop_assert_eq!(n, out.len() - prefix.len());
        prop_assert_eq!(decode(&out[prefix.len()..]), Ok((msg, n)));
    }
}

/// Every message type is covered by the strategy (guards against forgetting a new type).
#[test]
fn strategy_covers_every_message_type() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    let mut seen = std::collections::HashSet::new();
    for _ in 0..5000 {
        let msg = message().new_tree(&mut runner).unwrap().current();
        seen.insert(msg.message_type());
    }
    for t in MessageType::ALL {
        assert!(seen.contains(t), "{t:?} never generated");
    }
}

#[test]
fn message_type_codes_round_trip_and_lengths_are_consistent() {
    for &t in MessageType::ALL {
        assert_eq!(MessageType::from_code(t.code()), Some(t));
        assert!(t.min_body_len() <= MAX_BODY_LEN);
        if let Some(len) = t.fixed_body_len() {
            assert_eq!(len, t.min_body_len());
        }
    }
    let unknown = (0..=255u8)
        .filter(|&c| MessageType::from_code(c).is_none())
        .count();
    assert_eq!(unknown, 256 - MessageType::ALL.len());
}

#[test]
fn maximum_size_variable_messages() {
    let level = Level {
        side: Side::Buy,
        price: 1,
        qty: 1,
    };
    let full = Message::Snapshot(Snapshot {
        instrument: 1,
        md_seq: 1,
        levels: vec![level; Snapshot::MAX_LEVELS],
    });
    let bytes = to_bytes(&full);
    assert_eq!(Snapshot::MAX_LEVELS, 170);
    assert_eq!(bytes.len(), HEADER_LEN + 14 + 170 * 24);
    assert_eq!(decode(&bytes), Ok((full, bytes.len())));

    let entry = MdEntry {
        action: MdAction::Delete,
        side: Side::Sell,
        price: 1,
        qty: 0,
    };
    let too_many = Message::MdDelta(MdDelta {
        md_seq: 1,
        instrument: 1,
        entries: vec![entry; MdDelta::MAX_ENTRIES + 1],
    });
    let mut out = vec![1, 2, 3];
    assert_eq!(
        try_encode(&too_many, &mut out),
        Err(EncodeError::TooManyEntries {
            msg_type: 0x81,
            count: 171,
            max: 170
        })
    );
    assert_eq!(
        out,
        [1, 2, 3],
        "a failed encode leaves the buffer untouched"
    );
    let result = std::panic::catch_unwind(|| encode(&too_many, &mut Vec::new()));
    assert!(
        result.is_err(),
        "encode panics on an oversized message, as documented"
    );
}

#[test]
fn enum_codes_are_the_documented_ones() {
    assert_eq!((Side::Buy.code(), Side::Sell.code()), (1, 2));
    assert_eq!(
        TimeInForce::ALL
            .iter()
            .map(|t| t.code())
            .collect::<Vec<_>>(),
        [1, 2, 3, 4]
    );
    assert_eq!(TimeInForce::PostOnly.code(), 4);
    assert_eq!(
        MdAction::ALL.iter().map(|a| a.code()).collect::<Vec<_>>(),
        [1, 2, 3, 4]
    );
    assert_eq!(Side::from_code(0), None);
    assert_eq!(RejectCode::BAD_SIGNATURE.name(), Some("BAD_SIGNATURE"));
    assert_eq!(RejectCode(9999).name(), None);
    for code in RejectCode::ALL {
        assert!(code.name().is_some());
    }
}
