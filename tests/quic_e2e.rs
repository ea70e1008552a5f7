//! The QUIC gateway inside `tradestream serve`: started from a config with the other gateways,
//! its self-signed certificate kept in `data_dir/quic/` and reused across restarts, order entry
//! with the demo keys and fills between two accounts; `enabled = false` leaves it out.

use ed25519_dalek::SigningKey;
use std::path::Path;
use std::time::Duration;
use tradestream::serve::config::Config;
use tradestream::serve::Server;
use tradestream_quic::client::{Client, Trust};
use tradestream_quic::{Message, NewOrder, Side, TimeInForce};

const WAIT: Duration = Duration::from_secs(10);

fn config(dir: &Path, quic: &str) -> Config {
    let data = serde_json::to_string(dir.join("data").to_str().unwrap()).unwrap();
    let text = format!(
        "data_dir = {data}\nack = \"fast\"\nsnapshot_every = 0\n[engine]\nidle = \"park\"\n\
         [ws]\nlisten = \"127.0.0.1:0\"\n[http]\nlisten = \"127.0.0.1:0\"\n\
         [fix]\nlisten = \"127.0.0.1:0\"\n[quic]\n{quic}\n"
    );
    let path = dir.join("c.toml");
    std::fs::write(&path, text).unwrap();
    Config::load(Some(&path)).unwrap()
}

async fn logged_on(server: &Server, account: u64) -> Client {
    let trust = Trust::pinned_pem_file(server.quic_cert.as_ref().unwrap()).unwrap();
    let mut c = Client::connect(server.quic_addr.unwrap(), "localhost", trust)
        .await
        .unwrap();
    let key = SigningKey::from_bytes(&[account as u8; 32]);
    c.logon_ed25519(account, &format!("demo-{account}"), &key)
        .await
        .unwrap();
    c
}

async fn next_matching(c: &mut Client, pred: impl Fn(&Message) -> bool) -> Message {
    loop {
        let msg = tokio::time::timeout(WAIT, c.recv()).await.unwrap().unwrap();
        if pred(&msg) {
            return msg;
        }
    }
}

#[tokio::test]
async fn serve_runs_the_quic_gateway_with_a_kept_certificate() {
    let dir = tempfile::tempdir().unwrap();
    let config = config(dir.path(), "listen = \"127.0.0.1:0\"");
    let server = Server::start(&config).unwrap();
    let cert = server.quic_cert.clone().unwrap();
    assert_eq!(cert, dir.path().join("data").join("quic").join("cert.pem"));
    assert!(server.fix_addr.is_some(), "fix keeps its port");
    let pem = std::fs::read(&cert).unwrap();

    let mut a = logged_on(&server, 1).await;
    let mut b = logged_on(&server, 2).await;
    // BTC-USD: tick 0.5, lot 0.0001. Buy 1 BTC at 50000 = 100000 ticks, 10000 lots.
    let order = |client_id, side, tif| {
        Message::NewOrder(NewOrder {
            client_id,
            instrument: 0,
            side,
            tif,
            price: 100_000,
            qty: 10_000,
        })
    };
    a.send(&order(1, Side::Buy, TimeInForce::Gtc));
    a.flush().await.unwrap();
    next_matching(
        &mut a,
        |m| matches!(m, Message::OrderAck(o) if o.client_id == 1),
    )
    .await;
    b.send(&order(1, Side::Sell, TimeInForce::Ioc));
    b.flush().await.unwrap();
    let fill = next_matching(&mut a, |m| matches!(m, Message::Fill(_))).await;
    let Message::Fill(f) = fill else {
        unreachable!()
    };
    assert_eq!(
        (f.client_id, f.qty, f.leaves, f.aggressor),
        (1, 10_000, 0, false)
    );
    next_matching(&mut b, |m| matches!(m, Message::Fill(f) if f.aggressor)).await;
    a.close().await;
    b.close().await;
    server.stop().unwrap();

    // A restart reuses the certificate.
    let server = Server::start(&config).unwrap();
    assert_eq!(
        std::fs::read(server.quic_cert.as_ref().unwrap()).unwrap(),
        pem
    );
    let c = logged_on(&server, 1).await;
    c.close().await;
    server.stop().unwrap();
}

#[test]
fn quic_can_be_turned_off() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&config(dir.path(), "enabled = false")).unwrap();
    assert!(server.quic_addr.is_none() && server.quic_cert.is_none());
    assert!(server.fix_addr.is_some());
    server.stop().unwrap();
}
