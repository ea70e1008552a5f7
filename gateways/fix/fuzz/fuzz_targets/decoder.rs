//! libFuzzer target: arbitrary bytes through the whole inbound path — framing, parsing and
//! dictionary validation of every frame, and the same bytes fed in two chunks to a live
//! acceptor (echo application, memory store) right after a valid Logon. Any panic, or a
//! receive buffer that keeps growing, is a finding.

#![no_main]

use libfuzzer_sys::fuzz_target;
use std::cell::RefCell;
use std::sync::OnceLock;
use tradestream_fix::acceptor::Acceptor;
use tradestream_fix::codec::encode::with_trailer;
use tradestream_fix::codec::frame::{next_frame, Frame};
use tradestream_fix::codec::parse::Message;
use tradestream_fix::codec::time::timestamp;
use tradestream_fix::dict::Dictionary;
use tradestream_fix::echo::Echo;
use tradestream_fix::session::{Session, SessionConfig};
use tradestream_fix::store::Store;
use tradestream_fix::validate::{tree, validate};

const NOW: i64 = 1_796_605_323_456;

fn dict() -> &'static Dictionary {
    static D: OnceLock<Dictionary> = OnceLock::new();
    D.get_or_init(Dictionary::fix44)
}

fn frames(mut buf: &[u8]) {
    loop {
        match next_frame(buf) {
            Frame::Incomplete { .. } => return,
            Frame::Garbled { drop } => {
                assert!(drop > 0, "a garbled frame must drop something");
                buf = &buf[drop..];
            }
            Frame::Message { start, end } => {
                assert!(start < end && end <= buf.len());
                if let Ok(m) = Message::parse(buf[start..end].to_vec(), dict()) {
                    let _ = validate(&m, &tree(&m, dict()), dict());
                }
                buf = &buf[end..];
            }
        }
    }
}

thread_local! {
    /// One acceptor for the whole run (building one per input would dominate the run time);
    /// its session resets at every logon and each input gets a fresh connection.
    static ACCEPTOR: RefCell<Acceptor<Echo>> = RefCell::new({
        let mut cfg = SessionConfig::fix44("SERVER", "CLIENT");
        cfg.reset_on_logon = true;
        let session = Session::new(0, cfg, Store::memory());
        Acceptor::new(dict().clone(), vec![session], Echo::new(dict().clone(), 1))
    });
}

fn acceptor(data: &[u8]) {
    ACCEPTOR.with_borrow_mut(|a| run(a, data));
}

fn run(a: &mut Acceptor<Echo>, data: &[u8]) {
    let conn = a.connect(NOW);
    let ts = String::from_utf8(timestamp(NOW)).expect("ascii");
    let logon = format!("35=A|34=1|49=CLIENT|52={ts}|56=SERVER|98=0|108=30|").replace('|', "\x01");
    a.receive(conn, &with_trailer(logon.as_bytes()), NOW);
    let cut = data.len() / 2;
    a.receive(conn, &data[..cut], NOW);
    a.receive(conn, &data[cut..], NOW + 1);
    a.tick(NOW + 2);
    a.disconnected(conn, NOW + 3);
    let _ = a.take_outputs();
    assert!(
        !a.session(0).is_connected(),
        "the input's connection is gone"
    );
}

fuzz_target!(|data: &[u8]| {
    frames(data);
    acceptor(data);
});
