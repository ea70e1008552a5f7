//! Property tests: channel names round-trip, the request parser never panics and keeps decimals
//! and ids exact.

use proptest::prelude::*;
use rust_decimal::Decimal;
use tradestream_model::ShortName;
use tradestream_ws::channel::Channel;
use tradestream_ws::protocol::request::{parse, ErrorCode, Method};

fn symbol() -> impl Strategy<Value = ShortName> {
    "[A-Za-z0-9/_-]{1,16}".prop_map(|s| ShortName::new(&s).unwrap())
}

fn channel() -> impl Strategy<Value = Channel> {
    prop_oneof![
        (symbol(), proptest::option::of(1u16..=1000))
            .prop_map(|(symbol, depth)| Channel::Book { symbol, depth }),
        symbol().prop_map(Channel::Bbo),
        symbol().prop_map(Channel::Trades),
        symbol().prop_map(Channel::Status),
        Just(Channel::Orders),
        Just(Channel::Fills),
        Just(Channel::Balances),
    ]
}

/// Pieces of JSON to build near-valid frames from.
fn jsonish() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            Just("{".to_string()),
            Just("}".to_string()),
            Just("[".to_string()),
            Just("]".to_string()),
            Just(",".to_string()),
            Just(":".to_string()),
            Just("\"id\"".to_string()),
            Just("\"method\"".to_string()),
            Just("\"params\"".to_string()),
            Just("\"place\"".to_string()),
            Just("\"subscribe\"".to_string()),
            Just("\"qty\"".to_string()),
            Just("\"price\"".to_string()),
            Just("\"channels\"".to_string()),
            Just("null".to_string()),
            Just("true".to_string()),
            Just("\"\\u00\"".to_string()),
            "-?[0-9]{1,25}(\\.[0-9]{1,5})?",
            "\"[a-z0-9.\\\\\"]{0,8}\"",
        ],
        0..24,
    )
    .prop_map(|v| v.concat())
}

proptest! {
    #[test]
    fn channel_names_round_trip(ch in channel()) {
        prop_assert_eq!(Channel::parse(&ch.name()), Ok(ch));
    }

    #[test]
    fn channel_parse_never_panics(s in "\\PC{0,40}") {
        if let Ok(ch) = Channel::parse(&s) {
            prop_assert_eq!(ch.name(), s);
        }
    }

    #[test]
    fn parse_never_panics_on_text(s in "\\PC{0,200}") {
        let _ = parse(&s);
    }

    #[test]
    fn parse_never_panics_on_near_json(s in jsonish()) {
        if let Err(e) = parse(&s) {
            prop_assert!(!e.message.is_empty());
            if e.code == ErrorCode::ParseError {
                prop_assert!(e.id.is_none());
            }
        }
    }

    #[test]
    fn decimals_are_exact(m in 1i64..=i64::MAX, scale in 0u32..=18) {
        let v = Decimal::new(m, scale);
        let frame = format!(
            r#"{{"id":1,"method":"place","params":{{"symbol":"X","side":"buy","price":"{v}","qty":"{v}"}}}}"#
        );
        match parse(&frame).map(|r| r.method) {
            Ok(Method::Place(p)) => {
                prop_assert_eq!(p.price, Some(v));
                prop_assert_eq!(p.qty, v);
            }
            other => prop_assert!(false, "{:?}", other),
        }
    }

    #[test]
    fn integer_ids_echo(id in any::<i64>()) {
        let frame = format!(r#"{{"id":{id},"method":"ping"}}"#);
        let echoed = parse(&frame).unwrap().id;
        prop_assert_eq!(echoed.as_json(), id.to_string());
    }

    #[test]
    fn string_ids_echo(id in "\\PC{0,20}") {
        let json = serde_json::to_string(&id).unwrap();
        let frame = format!(r#"{{"id":{json},"method":"ping"}}"#);
        let echoed = parse(&frame).unwrap().id;
        prop_assert_eq!(serde_json::from_str::<String>(echoed.as_json()).unwrap(), id);
        prop_assert_eq!(echoed.as_json(), json);
    }
}
