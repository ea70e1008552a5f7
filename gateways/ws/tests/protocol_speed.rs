//! Parse time of a `place` frame (ignored by default: timing is for release builds).
//!
//! `cargo test --release -p tradestream-ws --test protocol_speed -- --ignored --nocapture`

use std::hint::black_box;
use std::time::Instant;
use tradestream_ws::protocol::request::{parse, Method};

#[test]
#[ignore = "a measurement, not a check: run with --release --ignored --nocapture"]
fn place_parse_time() {
    let frame = r#"{"id": 2, "method": "place", "params": {"symbol": "BTC-USD", "side": "buy", "type": "limit", "price": "100.5", "qty": "2", "tif": "gtc", "client_order_id": "a-1"}}"#;
    let n = 200_000;
    for _ in 0..10_000 {
        black_box(parse(black_box(frame)).is_ok());
    }
    let start = Instant::now();
    for _ in 0..n {
        let r = parse(black_box(frame)).unwrap();
        assert!(matches!(r.method, Method::Place(_)));
        black_box(r);
    }
    let ns = start.elapsed().as_nanos() as f64 / n as f64;
    println!("place frame: {ns:.0} ns per parse ({} bytes)", frame.len());
}
