//! `tradestream serve --demo`: the demo's market maker quotes every demo market over QUIC and its
//! taker trades against it, so the book is live as soon as the server is up.

use std::path::Path;
use std::time::{Duration, Instant};
use tradestream::demo::config::DemoConfig;
use tradestream::demo::Demo;
use tradestream::serve::config::Config;
use tradestream::serve::Server;
use tradestream_quic::client::{Client, Trust};
use tradestream_quic::{Message, Side, SnapshotRequest};

fn config(dir: &Path) -> Config {
    let data = serde_json::to_string(dir.join("data").to_str().unwrap()).unwrap();
    let text = format!(
        "data_dir = {data}\nack = \"fast\"\nsnapshot_every = 0\n[engine]\nidle = \"park\"\n\
         [ws]\nlisten = \"127.0.0.1:0\"\n[http]\nlisten = \"127.0.0.1:0\"\n\
         [fix]\nlisten = \"127.0.0.1:0\"\n[quic]\nlisten = \"127.0.0.1:0\"\n"
    );
    let path = dir.join("c.toml");
    std::fs::write(&path, text).unwrap();
    let mut config = Config::load(Some(&path)).unwrap();
    DemoConfig::embedded().unwrap().apply(&mut config).unwrap();
    config
}

/// Both sides of every instrument's book, seen by a client of account 1.
async fn two_sided_books(server: &Server, instruments: u32) -> bool {
    let trust = Trust::pinned_pem_file(server.quic_cert.as_ref().unwrap()).unwrap();
    let mut c = Client::connect(server.quic_addr.unwrap(), "localhost", trust)
        .await
        .unwrap();
    let key = ed25519_dalek::SigningKey::from_bytes(&[1; 32]);
    c.logon_ed25519(1, "demo-1", &key).await.unwrap();
    let mut sides = 0;
    for instrument in 0..instruments {
        c.send(&Message::SnapshotRequest(SnapshotRequest {
            instrument,
            depth: 1,
        }));
        c.flush().await.unwrap();
        loop {
            if let Message::Snapshot(s) = c.recv().await.unwrap() {
                let has = |side| s.levels.iter().any(|l| l.side == side);
                sides += usize::from(has(Side::Buy)) + usize::from(has(Side::Sell));
                break;
            }
        }
    }
    c.close().await;
    sides == 2 * instruments as usize
}

#[test]
fn the_demo_quotes_every_market_and_trades_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let config = config(dir.path());
    assert_eq!(
        config.data_dir,
        dir.path().join("data"),
        "a configured data dir is kept"
    );
    let server = Server::start(&config).unwrap();
    let demo = DemoConfig::embedded().unwrap();
    let traders = Demo::start(
        &config,
        &demo,
        server.quic_addr.unwrap(),
        server.quic_cert.as_ref().unwrap(),
    )
    .unwrap();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let markets = demo.markets.len() as u32;
    let deadline = Instant::now() + Duration::from_secs(10);
    while !rt.block_on(two_sided_books(&server, markets)) {
        assert!(
            Instant::now() < deadline,
            "the demo did not quote every market"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    // The taker sends an order every 700 ms; a few seconds give it several fills.
    std::thread::sleep(Duration::from_secs(4));
    let positions = traders.stop().unwrap();
    assert_eq!(positions.len(), demo.markets.len());
    let fills: u64 = positions.iter().map(|(_, p)| p.fills).sum();
    assert!(fills >= 2, "the taker traded with the bot: {positions:?}");
    for (symbol, p) in &positions {
        assert!(p.volume >= p.inventory.abs(), "{symbol}: {p:?}");
    }
    assert!(
        !rt.block_on(two_sided_books(&server, markets)),
        "stopping the demo pulled its quotes"
    );
    server.stop().unwrap();
}
