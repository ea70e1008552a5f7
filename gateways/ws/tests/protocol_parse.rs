//! `protocol::request::parse` on every method of docs/ws-api.md and on malformed frames.

use rust_decimal::Decimal;
use std::str::FromStr;
use tradestream_model::{
    AccountId, ClientOrderId, OrderType, SelfTradePrevention, ShortName, Side,
};
use tradestream_ws::channel::Channel;
use tradestream_ws::protocol::request::{
    parse, ErrorCode, Logon, Method, Place, RequestError, Tif,
};

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn cid(s: &str) -> ClientOrderId {
    ClientOrderId::new(s).unwrap()
}

fn method(frame: &str) -> Method {
    match parse(frame) {
        Ok(r) => r.method,
        Err(e) => panic!("{frame}: {e}"),
    }
}

fn err(frame: &str) -> RequestError {
    match parse(frame) {
        Ok(r) => panic!("{frame}: parsed as {r:?}"),
        Err(e) => e,
    }
}

/// The error code, the echoed id (as JSON text) and the message.
fn fail(frame: &str) -> (ErrorCode, Option<String>, String) {
    let e = err(frame);
    (e.code, e.id.map(|i| i.as_json().to_string()), e.message)
}

fn place(params: &str) -> Result<Place, (ErrorCode, String)> {
    let frame = format!(r#"{{"id":1,"method":"place","params":{params}}}"#);
    match parse(&frame) {
        Ok(r) => match r.method {
            Method::Place(p) => Ok(p),
            m => panic!("{m:?}"),
        },
        Err(e) => {
            assert_eq!(e.id.as_ref().map(|i| i.as_json()), Some("1"));
            Err((e.code, e.message))
        }
    }
}

fn place_err(params: &str) -> String {
    let (code, msg) = place(params).unwrap_err();
    assert_eq!(code, ErrorCode::InvalidParams, "{msg}");
    msg
}

#[test]
fn place_of_the_doc() {
    let frame = r#"{"id": 7, "method": "place", "params": {"symbol": "BTC-USD", "side": "buy", "type": "limit", "price": "100.5", "qty": "0.25"}}"#;
    let r = parse(frame).unwrap();
    assert_eq!(r.id.as_json(), "7");
    assert_eq!(
        r.method,
        Method::Place(Place {
            symbol: "BTC-USD".into(),
            side: Side::Buy,
            order_type: OrderType::Limit,
            price: Some(d("100.5")),
            qty: d("0.25"),
            tif: Tif::Gtc,
            post_only: false,
            stp: SelfTradePrevention::None,
            client_order_id: None,
        })
    );
}

#[test]
fn place_with_every_option() {
    let p = place(
        r#"{"symbol":"ETH/USD","side":"sell","type":"limit","price":"2000","qty":"1.000",
            "tif":"gtd","expire_at":1763790060000,"post_only":true,"stp":"cancel_both",
            "client_order_id":"a-1","comment":"ignored","extra":{"nested":[1,2]}}"#,
    )
    .unwrap();
    assert_eq!(p.side, Side::Sell);
    assert_eq!(p.tif, Tif::Gtd(1_763_790_060_000));
    assert!(p.post_only);
    assert_eq!(p.stp, SelfTradePrevention::CancelBoth);
    assert_eq!(p.client_order_id, Some(cid("a-1")));
    assert_eq!(p.qty, d("1"));
    for (tif, want) in [("gtc", Tif::Gtc), ("ioc", Tif::Ioc), ("fok", Tif::Fok)] {
        let p = place(&format!(
            r#"{{"symbol":"X","side":"buy","price":"1","qty":"1","tif":"{tif}"}}"#
        ));
        assert_eq!(p.unwrap().tif, want);
    }
    for (stp, want) in [
        ("none", SelfTradePrevention::None),
        ("cancel_taker", SelfTradePrevention::CancelTaker),
        ("cancel_maker", SelfTradePrevention::CancelMaker),
    ] {
        let p = place(&format!(
            r#"{{"symbol":"X","side":"buy","price":"1","qty":"1","stp":"{stp}"}}"#
        ));
        assert_eq!(p.unwrap().stp, want);
    }
}

#[test]
fn market_orders_take_no_price() {
    let p = place(r#"{"symbol":"BTC-USD","side":"buy","type":"market","qty":"2","tif":"ioc"}"#)
        .unwrap();
    assert_eq!((p.order_type, p.price), (OrderType::Market, None));
    // A null price counts as absent.
    assert!(place(r#"{"symbol":"X","side":"buy","type":"market","qty":"2","price":null}"#).is_ok());
    let m = place_err(r#"{"symbol":"X","side":"buy","type":"market","qty":"2","price":"1"}"#);
    assert_eq!(m, "params.price: market orders take no price");
    let m = place_err(r#"{"symbol":"X","side":"buy","qty":"2"}"#);
    assert_eq!(m, "params.price: required for limit orders");
}

#[test]
fn decimals_must_be_strings() {
    let m = place_err(r#"{"symbol":"X","side":"buy","price":100.5,"qty":"1"}"#);
    assert!(
        m.starts_with("params.price: expected a decimal string"),
        "{m}"
    );
    assert!(m.contains("decimal strings are required"), "{m}");
    let m = place_err(r#"{"symbol":"X","side":"buy","price":"100.5","qty":1}"#);
    assert!(
        m.starts_with("params.qty: expected a decimal string"),
        "{m}"
    );
    for bad in ["1e2", "+1", ".5", "1.", " 1", "1,5", "", "NaN"] {
        let m = place_err(&format!(
            r#"{{"symbol":"X","side":"buy","price":"{bad}","qty":"1"}}"#
        ));
        assert!(
            m.starts_with("params.price: not a decimal string"),
            "{bad}: {m}"
        );
    }
    let m = place_err(
        r#"{"symbol":"X","side":"buy","price":"1","qty":"123456789012345678901234567890"}"#,
    );
    assert!(m.starts_with("params.qty: decimal has more than 28"), "{m}");
    // Grid and sign are the gateway's business: a negative qty parses here.
    assert_eq!(
        place(r#"{"symbol":"X","side":"buy","price":"1","qty":"-1"}"#)
            .unwrap()
            .qty,
        d("-1")
    );
}

#[test]
fn place_parameter_errors_name_the_parameter() {
    let cases = [
        (r#"{"side":"buy","price":"1","qty":"1"}"#, "params.symbol: required"),
        (r#"{"symbol":5,"side":"buy","price":"1","qty":"1"}"#, "params.symbol: expected a string"),
        (r#"{"symbol":"","side":"buy","price":"1","qty":"1"}"#, "params.symbol: a symbol is 1 to 16 bytes"),
        (
            r#"{"symbol":"ABCDEFGHIJKLMNOPQ","side":"buy","price":"1","qty":"1"}"#,
            "params.symbol: a symbol is 1 to 16 bytes",
        ),
        (r#"{"symbol":"X","price":"1","qty":"1"}"#, "params.side: required"),
        (r#"{"symbol":"X","side":"BUY","price":"1","qty":"1"}"#, "params.side: expected one of \"buy\", \"sell\""),
        (r#"{"symbol":"X","side":"buy","type":"stop","qty":"1"}"#, "params.type: expected one of \"limit\", \"market\""),
        (r#"{"symbol":"X","side":"buy","price":"1"}"#, "params.qty: required"),
        (
            r#"{"symbol":"X","side":"buy","price":"1","qty":"1","tif":"day"}"#,
            "params.tif: expected one of \"gtc\", \"ioc\", \"fok\", \"gtd\"",
        ),
        (r#"{"symbol":"X","side":"buy","price":"1","qty":"1","tif":"gtd"}"#, "params.expire_at: required with tif \"gtd\""),
        (
            r#"{"symbol":"X","side":"buy","price":"1","qty":"1","expire_at":5}"#,
            "params.expire_at: only allowed with tif \"gtd\"",
        ),
        (
            r#"{"symbol":"X","side":"buy","price":"1","qty":"1","tif":"gtd","expire_at":"5"}"#,
            "params.expire_at: expected an integer",
        ),
        (
            r#"{"symbol":"X","side":"buy","price":"1","qty":"1","tif":"gtd","expire_at":5.5}"#,
            "params.expire_at: expected an integer",
        ),
        (r#"{"symbol":"X","side":"buy","price":"1","qty":"1","post_only":1}"#, "params.post_only: expected true or false"),
        (
            r#"{"symbol":"X","side":"buy","price":"1","qty":"1","stp":"cancel"}"#,
            "params.stp: expected one of \"none\", \"cancel_taker\", \"cancel_maker\", \"cancel_both\"",
        ),
        (
            r#"{"symbol":"X","side":"buy","price":"1","qty":"1","client_order_id":""}"#,
            "params.client_order_id: a client order id is 1 to 36 bytes",
        ),
        (
            r#"{"symbol":"X","side":"buy","price":"1","qty":"1","client_order_id":"0123456789012345678901234567890123456"}"#,
            "params.client_order_id: a client order id is 1 to 36 bytes",
        ),
    ];
    for (params, want) in cases {
        assert_eq!(place_err(params), want, "{params}");
    }
    let m = place_err(r#"{"symbol":"X","side":"buy","price":"1","qty":"1","qty":"2"}"#);
    assert!(m.starts_with("params: duplicate field `qty`"), "{m}");
    assert_eq!(place_err(r#"["X","buy"]"#), "params: expected an object");
    assert_eq!(place_err(r#""X""#), "params: expected an object");
    let m = place_err("{}");
    assert_eq!(m, "params.symbol: required");
    let (code, id, m) = fail(r#"{"id":1,"method":"place"}"#);
    assert_eq!(
        (code, id.as_deref(), m.as_str()),
        (
            ErrorCode::InvalidParams,
            Some("1"),
            "params.symbol: required"
        )
    );
}

#[test]
fn escaped_strings_are_decoded() {
    let p = place(r#"{"symbol":"BTC\u002dUSD","side":"b\u0075y","price":"1\u002e5","qty":"1","client_order_id":"q\"x"}"#)
        .unwrap();
    assert_eq!(p.symbol, "BTC-USD");
    assert_eq!(p.side, Side::Buy);
    assert_eq!(p.price, Some(d("1.5")));
    assert_eq!(p.client_order_id, Some(cid("q\"x")));
}

#[test]
fn cancel_amend_mass_cancel() {
    assert_eq!(
        method(
            r#"{"id": 4, "method": "cancel", "params": {"symbol": "BTC-USD", "client_order_id": "a-1"}}"#
        ),
        Method::Cancel {
            symbol: "BTC-USD".into(),
            client_order_id: cid("a-1")
        }
    );
    let (code, _, m) = fail(r#"{"id":4,"method":"cancel","params":{"symbol":"BTC-USD"}}"#);
    assert_eq!(
        (code, m.as_str()),
        (ErrorCode::InvalidParams, "params.client_order_id: required")
    );
    assert_eq!(
        method(
            r#"{"id": 5, "method": "amend", "params": {"symbol": "BTC-USD", "client_order_id": "a-3", "price": "101", "qty": "3"}}"#
        ),
        Method::Amend {
            symbol: "BTC-USD".into(),
            client_order_id: cid("a-3"),
            price: Some(d("101")),
            qty: Some(d("3"))
        }
    );
    assert_eq!(
        method(
            r#"{"id":5,"method":"amend","params":{"symbol":"X","client_order_id":"a","qty":"3"}}"#
        ),
        Method::Amend {
            symbol: "X".into(),
            client_order_id: cid("a"),
            price: None,
            qty: Some(d("3"))
        }
    );
    let (code, _, m) =
        fail(r#"{"id":5,"method":"amend","params":{"symbol":"X","client_order_id":"a"}}"#);
    assert_eq!(code, ErrorCode::InvalidParams);
    assert!(
        m.starts_with("params.price, params.qty: amend needs"),
        "{m}"
    );
    let (_, _, m) = fail(
        r#"{"id":5,"method":"amend","params":{"symbol":"X","client_order_id":"a","price":101}}"#,
    );
    assert!(
        m.starts_with("params.price: expected a decimal string"),
        "{m}"
    );
    assert_eq!(
        method(r#"{"id": 6, "method": "mass_cancel", "params": {"symbol": "BTC-USD"}}"#),
        Method::MassCancel {
            symbol: Some("BTC-USD".into())
        }
    );
    assert_eq!(
        method(r#"{"id":6,"method":"mass_cancel"}"#),
        Method::MassCancel { symbol: None }
    );
    assert_eq!(
        method(r#"{"id":6,"method":"mass_cancel","params":{}}"#),
        Method::MassCancel { symbol: None }
    );
}

#[test]
fn logon_params() {
    let sig = "9f".repeat(64);
    let frame = format!(
        r#"{{"id": 1, "method": "logon", "params": {{"api_key": "demo-1", "timestamp": 1763790000000, "nonce": "k2b9x0c1a7", "signature": "{sig}", "cancel_on_disconnect": true}}}}"#
    );
    assert_eq!(
        method(&frame),
        Method::Logon(Logon {
            api_key: "demo-1".into(),
            timestamp: 1_763_790_000_000,
            nonce: "k2b9x0c1a7".into(),
            signature: sig.clone(),
            cancel_on_disconnect: true,
        })
    );
    let logon = |params: &str| {
        fail(&format!(
            r#"{{"id":"l","method":"logon","params":{params}}}"#
        ))
    };
    let base = |nonce: &str, signature: &str| {
        format!(r#"{{"api_key":"k","timestamp":1,"nonce":"{nonce}","signature":"{signature}"}}"#)
    };
    match method(&format!(
        r#"{{"id":1,"method":"logon","params":{}}}"#,
        base("________", "ABCdef01")
    )) {
        Method::Logon(l) => assert!(!l.cancel_on_disconnect),
        m => panic!("{m:?}"),
    }
    for nonce in [
        "short",
        "has space1",
        "toolong".repeat(10).as_str(),
        "nonce+plus",
    ] {
        let (code, id, m) = logon(&base(nonce, "ab"));
        assert_eq!(
            (code, id.as_deref()),
            (ErrorCode::InvalidParams, Some("\"l\"")),
            "{nonce}"
        );
        assert!(m.starts_with("params.nonce: expected 8 to 64"), "{m}");
    }
    for sig in ["", "xyz", "ab cd"] {
        let (_, _, m) = logon(&base("abcdefgh", sig));
        assert_eq!(m, "params.signature: expected hex digits", "{sig}");
    }
    let (_, _, m) = logon(r#"{"api_key":"k","timestamp":"1","nonce":"abcdefgh","signature":"ab"}"#);
    assert_eq!(m, "params.timestamp: expected an integer");
    let (_, _, m) = logon(r#"{"timestamp":1,"nonce":"abcdefgh","signature":"ab"}"#);
    assert_eq!(m, "params.api_key: required");
    let (_, _, m) = logon(
        r#"{"api_key":"k","timestamp":1,"nonce":"abcdefgh","signature":"ab","cancel_on_disconnect":"yes"}"#,
    );
    assert_eq!(m, "params.cancel_on_disconnect: expected true or false");
}

/// `logon` accepts a 64-character nonce but nothing longer.
#[test]
fn nonce_bounds() {
    let frame = |n: usize| {
        format!(
            r#"{{"id":1,"method":"logon","params":{{"api_key":"k","timestamp":1,"nonce":"{}","signature":"ab"}}}}"#,
            "a".repeat(n)
        )
    };
    assert!(parse(&frame(7)).is_err());
    assert!(parse(&frame(8)).is_ok());
    assert!(parse(&frame(64)).is_ok());
    assert!(parse(&frame(65)).is_err());
}

#[test]
fn methods_without_params() {
    assert_eq!(method(r#"{"id":1,"method":"logout"}"#), Method::Logout);
    assert_eq!(
        method(r#"{"id": 8, "method": "instruments"}"#),
        Method::Instruments
    );
    assert_eq!(
        method(r#"{"id": 9, "method": "ping", "params": {}}"#),
        Method::Ping
    );
    assert_eq!(
        method(r#"{"id": 9, "method": "ping", "params": null}"#),
        Method::Ping
    );
    assert_eq!(
        method(r#"{"id": 9, "method": "ping", "params": {"x": 1}}"#),
        Method::Ping
    );
    let (code, _, m) = fail(r#"{"id": 9, "method": "ping", "params": [1]}"#);
    assert_eq!(
        (code, m.as_str()),
        (ErrorCode::InvalidParams, "params: expected an object")
    );
}

#[test]
fn subscribe_and_unsubscribe() {
    let frame = r#"{"id": 10, "method": "subscribe", "params": {"channels": ["book.BTC-USD", "book.BTC-USD.10", "bbo.BTC-USD", "trades.BTC-USD", "status.BTC-USD", "orders", "fills", "balances"]}}"#;
    let sym = ShortName::new("BTC-USD").unwrap();
    let want = vec![
        Channel::Book {
            symbol: sym,
            depth: None,
        },
        Channel::Book {
            symbol: sym,
            depth: Some(10),
        },
        Channel::Bbo(sym),
        Channel::Trades(sym),
        Channel::Status(sym),
        Channel::Orders,
        Channel::Fills,
        Channel::Balances,
    ];
    assert_eq!(method(frame), Method::Subscribe(want.clone()));
    let frame = frame.replace("\"subscribe\"", "\"unsubscribe\"");
    assert_eq!(method(&frame), Method::Unsubscribe(want));

    let (code, id, m) =
        fail(r#"{"id":10,"method":"subscribe","params":{"channels":["bbo.X","ticker.X"]}}"#);
    assert_eq!(
        (code, id.as_deref()),
        (ErrorCode::UnknownChannel, Some("10"))
    );
    assert!(
        m.starts_with("params.channels[1]: channel \"ticker.X\" does not exist"),
        "{m}"
    );
    let (code, _, m) = fail(r#"{"id":10,"method":"subscribe","params":{"channels":["book.X.0"]}}"#);
    assert_eq!(code, ErrorCode::UnknownChannel, "{m}");
    let (code, _, m) = fail(r#"{"id":10,"method":"subscribe","params":{"channels":["bbo.X",5]}}"#);
    assert_eq!(
        (code, m.as_str()),
        (
            ErrorCode::InvalidParams,
            "params.channels[1]: expected a channel name string"
        )
    );
    let (code, _, m) = fail(r#"{"id":10,"method":"subscribe","params":{"channels":"bbo.X"}}"#);
    assert_eq!(
        (code, m.as_str()),
        (
            ErrorCode::InvalidParams,
            "params.channels: expected an array of channel names"
        )
    );
    let (_, _, m) = fail(r#"{"id":10,"method":"subscribe","params":{"channels":[]}}"#);
    assert_eq!(m, "params.channels: list at least one channel");
    let (_, _, m) = fail(r#"{"id":10,"method":"unsubscribe","params":{}}"#);
    assert_eq!(m, "params.channels: required");
}

#[test]
fn admin_methods() {
    assert_eq!(
        method(r#"{"id": 20, "method": "admin.halt", "params": {"symbol": "BTC-USD"}}"#),
        Method::AdminHalt {
            symbol: "BTC-USD".into()
        }
    );
    assert_eq!(
        method(r#"{"id": 21, "method": "admin.resume", "params": {"symbol": "BTC-USD"}}"#),
        Method::AdminResume {
            symbol: "BTC-USD".into()
        }
    );
    assert_eq!(
        method(
            r#"{"id": 22, "method": "admin.kill_switch", "params": {"account": 2, "on": true}}"#
        ),
        Method::AdminKillSwitch {
            account: AccountId(2),
            on: true
        }
    );
    assert_eq!(
        method(
            r#"{"id": 23, "method": "admin.set_fees", "params": {"symbol": "BTC-USD", "maker_fee_bps": -1, "taker_fee_bps": 7}}"#
        ),
        Method::AdminSetFees {
            symbol: "BTC-USD".into(),
            maker_fee_bps: -1,
            taker_fee_bps: 7
        }
    );
    let cases = [
        (
            r#"{"id":20,"method":"admin.halt","params":{}}"#,
            "params.symbol: required",
        ),
        (
            r#"{"id":22,"method":"admin.kill_switch","params":{"account":-1,"on":true}}"#,
            "params.account: an account id is a non-negative integer",
        ),
        (
            r#"{"id":22,"method":"admin.kill_switch","params":{"account":"2","on":true}}"#,
            "params.account: expected an integer",
        ),
        (
            r#"{"id":22,"method":"admin.kill_switch","params":{"account":2}}"#,
            "params.on: required",
        ),
        (
            r#"{"id":23,"method":"admin.set_fees","params":{"symbol":"X","maker_fee_bps":0}}"#,
            "params.taker_fee_bps: required",
        ),
        (
            r#"{"id":23,"method":"admin.set_fees","params":{"symbol":"X","maker_fee_bps":0,"taker_fee_bps":3000000000}}"#,
            "params.taker_fee_bps: integer out of range (32-bit)",
        ),
    ];
    for (frame, want) in cases {
        let (code, _, m) = fail(frame);
        assert_eq!(
            (code, m.as_str()),
            (ErrorCode::InvalidParams, want),
            "{frame}"
        );
    }
}

#[test]
fn ids_are_echoed_as_written() {
    for id in [
        "7",
        "-3",
        "0",
        "123456789012345678901234567890",
        r#""abc""#,
        r#""abc\"x""#,
        r#""\u00e9t\u00e9""#,
        r#""""#,
    ] {
        let frame = format!(r#"{{"method":"ping","id":{id}}}"#);
        assert_eq!(parse(&frame).unwrap().id.as_json(), id);
        // Errors after the id carry it too.
        let frame = format!(r#"{{"id":{id},"method":"nope"}}"#);
        assert_eq!(err(&frame).id.unwrap().as_json(), id);
    }
    assert!(parse(r#"{"id":"abc","method":"ping"}"#)
        .unwrap()
        .id
        .is_string());
}

#[test]
fn envelope_errors() {
    let cases: [(&str, ErrorCode, Option<&str>); 16] = [
        ("", ErrorCode::ParseError, None),
        ("{", ErrorCode::ParseError, None),
        ("{\"id\":1,\"method\":\"ping\"", ErrorCode::ParseError, None),
        (
            "{\"id\":1,\"method\":\"ping\"} x",
            ErrorCode::ParseError,
            None,
        ),
        ("[1, 2", ErrorCode::ParseError, None),
        ("nonsense", ErrorCode::ParseError, None),
        ("[1,\"ping\"]", ErrorCode::InvalidRequest, None),
        ("\"ping\"", ErrorCode::InvalidRequest, None),
        ("  42 ", ErrorCode::InvalidRequest, None),
        ("null", ErrorCode::InvalidRequest, None),
        (r#"{"method":"ping"}"#, ErrorCode::InvalidRequest, None),
        (
            r#"{"id":null,"method":"ping"}"#,
            ErrorCode::InvalidRequest,
            None,
        ),
        (
            r#"{"id":1.5,"method":"ping"}"#,
            ErrorCode::InvalidRequest,
            None,
        ),
        (
            r#"{"id":[1],"method":"ping"}"#,
            ErrorCode::InvalidRequest,
            None,
        ),
        (r#"{"id":1}"#, ErrorCode::InvalidRequest, Some("1")),
        (
            r#"{"id":1,"method":7}"#,
            ErrorCode::InvalidRequest,
            Some("1"),
        ),
    ];
    for (frame, code, id) in cases {
        let e = err(frame);
        assert_eq!(
            (e.code, e.id.as_ref().map(|i| i.as_json())),
            (code, id),
            "{frame}: {}",
            e.message
        );
    }
    let e = err(r#"{"id":1,"id":2,"method":"ping"}"#);
    assert_eq!(e.code, ErrorCode::InvalidRequest);
    let e = err(r#"{"id":1,"id":2,"method":"ping""#);
    assert_eq!(e.code, ErrorCode::ParseError);
    let (code, id, m) = fail(r#"{"id":"x","method":"Place"}"#);
    assert_eq!(
        (code, id.as_deref()),
        (ErrorCode::UnknownMethod, Some("\"x\""))
    );
    assert!(
        m.starts_with("no method \"Place\"; methods are logon, logout, place"),
        "{m}"
    );
    // Extra top-level keys are ignored, whitespace is allowed, the order of keys is free.
    assert_eq!(
        method("\n { \"params\": {}, \"jsonrpc\": \"2.0\", \"method\": \"ping\", \"id\": 1 } \n"),
        Method::Ping
    );
}

#[test]
fn every_protocol_code_has_its_wire_name() {
    let names: Vec<&str> = ErrorCode::ALL.iter().map(|c| c.as_str()).collect();
    assert_eq!(
        names,
        [
            "parse_error",
            "invalid_request",
            "unknown_method",
            "invalid_params",
            "binary_not_supported",
            "message_too_large",
            "not_logged_on",
            "already_logged_on",
            "auth_failed",
            "stale_timestamp",
            "nonce_reused",
            "forbidden",
            "rate_limited",
            "busy",
            "halted",
            "unknown_channel",
        ]
    );
}

#[test]
fn method_names_round_trip() {
    let frames = [
        r#"{"id":1,"method":"logout"}"#,
        r#"{"id":1,"method":"ping"}"#,
        r#"{"id":1,"method":"instruments"}"#,
        r#"{"id":1,"method":"mass_cancel"}"#,
        r#"{"id":1,"method":"admin.halt","params":{"symbol":"X"}}"#,
        r#"{"id":1,"method":"admin.resume","params":{"symbol":"X"}}"#,
    ];
    for f in frames {
        let m = method(f);
        assert!(f.contains(&format!("\"{}\"", m.name())), "{f}");
    }
}
