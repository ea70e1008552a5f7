//! A session configured with `heartbeat_s` refuses a Logon asking for another HeartBtInt
//! (Logout with the reason, then the connection closes) and accepts the configured one.

use tradestream_fix::acceptor::{Acceptor, Output};
use tradestream_fix::codec::encode::with_trailer;
use tradestream_fix::codec::time::timestamp;
use tradestream_fix::dict::Dictionary;
use tradestream_fix::echo::Echo;
use tradestream_fix::session::{Session, SessionConfig};
use tradestream_fix::store::Store;

const NOW: i64 = 1_796_605_323_456;

fn acceptor() -> Acceptor<Echo> {
    let mut cfg = SessionConfig::fix44("SERVER", "CLIENT");
    cfg.heartbeat_s = Some(30);
    let session = Session::new(0, cfg, Store::memory());
    Acceptor::new(
        Dictionary::fix44(),
        vec![session],
        Echo::new(Dictionary::fix44(), 1),
    )
}

fn logon(heartbeat: u32) -> Vec<u8> {
    let ts = String::from_utf8(timestamp(NOW)).unwrap();
    let body = format!("35=A|34=1|49=CLIENT|52={ts}|56=SERVER|98=0|108={heartbeat}|");
    with_trailer(body.replace('|', "\x01").as_bytes())
}

fn outputs(a: &mut Acceptor<Echo>) -> Vec<String> {
    a.take_outputs()
        .into_iter()
        .map(|(_, o)| match o {
            Output::Write(b) => String::from_utf8(b).unwrap().replace('\x01', "|"),
            Output::Close => "CLOSE".into(),
        })
        .collect()
}

#[test]
fn a_logon_with_another_heartbeat_interval_is_logged_out() {
    let mut a = acceptor();
    let conn = a.connect(NOW);
    a.receive(conn, &logon(5), NOW);
    let out = outputs(&mut a);
    assert_eq!(out.len(), 2, "{out:?}");
    assert!(out[0].contains("|35=5|34=1|"), "{out:?}");
    assert!(out[0].contains("|58=HeartBtInt must be 30|"), "{out:?}");
    assert_eq!(out[1], "CLOSE");
    assert!(!a.session(0).is_logged_on());

    let conn = a.connect(NOW);
    a.receive(conn, &logon(30), NOW);
    let out = outputs(&mut a);
    assert_eq!(out.len(), 1, "{out:?}");
    assert!(
        out[0].contains("|35=A|") && out[0].contains("|108=30|"),
        "{out:?}"
    );
    assert!(a.session(0).is_logged_on());
}
