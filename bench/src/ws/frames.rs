//! The JSON text frames the benchmark sends (docs/ws-api.md), and the few fields it reads back
//! from the server's answers and pushes.
//!
//! Frames are written by hand into a reused `String` (no serde on the sending path); answers are
//! scanned for the handful of keys the benchmark needs instead of being parsed whole, so the
//! client's own cost per message stays well under a microsecond. The scanners look for
//! `"key"` followed by optional white space and `:`, which the server's compact JSON and the
//! doc's spaced examples both satisfy.

use std::fmt::Write;

/// Bytes a client frame adds to a text payload of `len` bytes on the wire: 2 header bytes,
/// the 16- or 64-bit extended length when needed, and the 4-byte mask every client frame has.
pub fn wire_len(len: usize) -> usize {
    let extended = match len {
        0..=125 => 0,
        126..=65_535 => 2,
        _ => 8,
    };
    len + 2 + extended + 4
}

/// A limit IOC `place`: `{"id":..,"method":"place","params":{..,"tif":"ioc"}}`.
pub fn place_ioc(out: &mut String, id: u64, symbol: &str, side: &str, price: &str, qty: &str) {
    out.clear();
    let _ = write!(
        out,
        r#"{{"id":{id},"method":"place","params":{{"symbol":"{symbol}","side":"{side}","type":"limit","price":"{price}","qty":"{qty}","tif":"ioc"}}}}"#
    );
}

/// A resting limit `place` (GTC) with a client order id.
pub fn place_gtc(
    out: &mut String,
    id: u64,
    symbol: &str,
    side: &str,
    price: &str,
    qty: &str,
    coid: &str,
) {
    out.clear();
    let _ = write!(
        out,
        r#"{{"id":{id},"method":"place","params":{{"symbol":"{symbol}","side":"{side}","type":"limit","price":"{price}","qty":"{qty}","tif":"gtc","client_order_id":"{coid}"}}}}"#
    );
}

/// An `amend` of an order's price.
pub fn amend_price(out: &mut String, id: u64, symbol: &str, coid: &str, price: &str) {
    out.clear();
    let _ = write!(
        out,
        r#"{{"id":{id},"method":"amend","params":{{"symbol":"{symbol}","client_order_id":"{coid}","price":"{price}"}}}}"#
    );
}

/// A `cancel` by client order id.
pub fn cancel(out: &mut String, id: u64, symbol: &str, coid: &str) {
    out.clear();
    let _ = write!(
        out,
        r#"{{"id":{id},"method":"cancel","params":{{"symbol":"{symbol}","client_order_id":"{coid}"}}}}"#
    );
}

/// A `subscribe` to one channel.
pub fn subscribe(id: u64, channel: &str) -> String {
    format!(r#"{{"id":{id},"method":"subscribe","params":{{"channels":["{channel}"]}}}}"#)
}

/// The string a logon signs: `logon\n<api_key>\n<timestamp>\n<nonce>`.
pub fn logon_message(api_key: &str, timestamp_ms: u64, nonce: &str) -> String {
    format!("logon\n{api_key}\n{timestamp_ms}\n{nonce}")
}

/// A `logon` request carrying `signature` (raw bytes, sent as lowercase hex).
pub fn logon(id: u64, api_key: &str, timestamp_ms: u64, nonce: &str, signature: &[u8]) -> String {
    format!(
        r#"{{"id":{id},"method":"logon","params":{{"api_key":"{api_key}","timestamp":{timestamp_ms},"nonce":"{nonce}","signature":"{}"}}}}"#,
        hex(signature)
    )
}

/// Lowercase hex of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(DIGITS[usize::from(b >> 4)] as char);
        s.push(DIGITS[usize::from(b & 15)] as char);
    }
    s
}

/// The text after `"key"`, white space, `:` and white space, at the first such key.
fn after_key<'a>(text: &'a str, key: &str) -> Option<&'a str> {
    let mut rest = text;
    loop {
        let at = rest.find('"')?;
        rest = &rest[at + 1..];
        if let Some(tail) = rest.strip_prefix(key).and_then(|t| t.strip_prefix('"')) {
            if let Some(value) = tail.trim_start().strip_prefix(':') {
                return Some(value.trim_start());
            }
        }
    }
}

/// The unsigned integer value of the first `key` (e.g. `"id"`, `"seq"`).
pub fn number(text: &str, key: &str) -> Option<u64> {
    let value = after_key(text, key)?;
    let end = value
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(value.len());
    value[..end].parse().ok()
}

/// The string value of the first `key` (no escapes expected).
pub fn string<'a>(text: &'a str, key: &str) -> Option<&'a str> {
    let value = after_key(text, key)?.strip_prefix('"')?;
    Some(&value[..value.find('"')?])
}

/// Whether the message has a `key` at all.
pub fn has(text: &str, key: &str) -> bool {
    after_key(text, key).is_some()
}

/// The best bid's price of a `bbo` message (`"bid": ["100.5", "3"]`), `None` for no bid.
pub fn bid_price(text: &str) -> Option<&str> {
    let value = after_key(text, "bid")?.strip_prefix('[')?.trim_start();
    let value = value.strip_prefix('"')?;
    Some(&value[..value.find('"')?])
}

/// The `[price, qty]` levels of the first `key` array (`"bids": [["100.5", "0"], ...]`), in
/// order; empty when there is none.
pub fn levels<'a>(text: &'a str, key: &str) -> Vec<(&'a str, &'a str)> {
    let mut out = Vec::new();
    let Some(mut rest) = after_key(text, key).and_then(|v| v.strip_prefix('[')) else {
        return out;
    };
    loop {
        rest = rest.trim_start();
        let Some(level) = rest.strip_prefix('[') else {
            return out;
        };
        let Some(end) = level.find(']') else {
            return out;
        };
        let mut parts = level[..end].split(',').map(|p| p.trim().trim_matches('"'));
        if let (Some(price), Some(qty)) = (parts.next(), parts.next()) {
            out.push((price, qty));
        }
        rest = level[end + 1..].trim_start();
        rest = rest.strip_prefix(',').unwrap_or(rest);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_valid_json_frames() {
        let mut s = String::new();
        place_ioc(&mut s, 1_000_001, "BTC-USD", "buy", "100", "0.0001");
        let v: serde_json::Value = serde_json::from_str(&s).expect("valid JSON");
        assert_eq!(v["id"], 1_000_001);
        assert_eq!(v["method"], "place");
        assert_eq!(v["params"]["tif"], "ioc");
        assert_eq!(v["params"]["price"], "100");
        amend_price(&mut s, 3, "BTC-USD", "fan-1", "100.5");
        let v: serde_json::Value = serde_json::from_str(&s).expect("valid JSON");
        assert_eq!(v["params"]["client_order_id"], "fan-1");
        let (mut gtc, mut cancelled) = (String::new(), String::new());
        place_gtc(&mut gtc, 2, "BTC-USD", "buy", "100", "0.0001", "a-1");
        cancel(&mut cancelled, 5, "BTC-USD", "fan-1");
        for text in [
            gtc,
            subscribe(4, "bbo.BTC-USD"),
            cancelled,
            logon(1, "k", 1_763_790_000_000, "nonce-123", &[0xab, 0x01]),
        ] {
            serde_json::from_str::<serde_json::Value>(&text).expect("valid JSON");
        }
        assert!(logon(1, "k", 1, "n", &[0xab, 0x01]).contains(r#""signature":"ab01""#));
        assert_eq!(logon_message("demo-1", 17, "abc"), "logon\ndemo-1\n17\nabc");
    }

    #[test]
    fn counts_wire_bytes_of_client_frames() {
        assert_eq!(wire_len(0), 6);
        assert_eq!(wire_len(125), 131);
        assert_eq!(wire_len(126), 134);
        assert_eq!(wire_len(70_000), 70_014);
    }

    #[test]
    fn reads_fields_from_compact_and_spaced_json() {
        let compact = r#"{"id":1000007,"result":{"client_order_id":"x","order_id":31,"status":"cancelled","cancel_reason":"ioc_remainder","engine_seq":9}}"#;
        assert_eq!(number(compact, "id"), Some(1_000_007));
        assert_eq!(number(compact, "engine_seq"), Some(9));
        assert_eq!(string(compact, "status"), Some("cancelled"));
        assert_eq!(string(compact, "cancel_reason"), Some("ioc_remainder"));
        assert!(!has(compact, "error"));
        let spaced = r#"{"channel": "bbo.BTC-USD", "type": "update", "seq": 9, "data": {"bid": ["100", "3"], "ask": null}}"#;
        assert_eq!(number(spaced, "id"), None);
        assert_eq!(number(spaced, "seq"), Some(9));
        assert_eq!(bid_price(spaced), Some("100"));
        assert_eq!(bid_price(r#"{"data":{"bid":null}}"#), None);
        let error = r#"{"id":3,"error":{"code":"busy","message":"m"}}"#;
        assert!(has(error, "error"));
        assert_eq!(string(error, "code"), Some("busy"));
        // A key is matched whole: "trade_id" is not "id".
        assert_eq!(number(r#"{"data":{"trade_id":5}}"#, "id"), None);
    }

    #[test]
    fn reads_book_levels() {
        let update = r#"{"channel": "book.BTC-USD", "type": "update", "seq": 41, "data": {"bids": [["100.5", "0"], ["50", "0.0001"]], "asks": [["101", "1.25"]], "ts": 1}}"#;
        assert_eq!(levels(update, "bids"), [("100.5", "0"), ("50", "0.0001")]);
        assert_eq!(levels(update, "asks"), [("101", "1.25")]);
        assert!(levels(r#"{"data":{"bids":[],"asks":[]}}"#, "bids").is_empty());
        assert!(levels(r#"{"data":{}}"#, "bids").is_empty());
    }

    #[test]
    fn hex_is_lowercase() {
        assert_eq!(hex(&[0, 15, 16, 255]), "000f10ff");
    }
}
