//! Durability across a restart: sessions over `Store::open(dir, Sync::Always)`; the whole
//! acceptor is dropped (as a crash would) and a new one built over the same directory.

mod support;

use std::path::Path;
use support::{gap_fill, logon_answer, order_echo, order_resent, ts, Harness, Peer, T0, THEM, US};
use tradestream_fix::acceptor::Output;
use tradestream_fix::echo::Echo;
use tradestream_fix::store::{Store, Sync};

fn durable(dir: &Path) -> Harness<Echo> {
    let store = Store::open(dir, Sync::Always).expect("the store opens");
    Harness::echo(vec![support::session_over(store)])
}

/// Run one: Logon 1, orders 2 and 3 echoed at T0+1s and T0+2s (our 1..3); returns the bytes
/// written for 2 and 3. The acceptor is dropped without a logout.
fn first_run(dir: &Path) -> Vec<Vec<u8>> {
    let mut h = durable(dir);
    let peer = Peer::default();
    let (c, out) = h.logon(&peer, 1, T0);
    assert_eq!(out, vec![logon_answer(1, T0)]);
    let mut written = Vec::new();
    for (seq, t, id) in [(2, T0 + 1_000, "ORD-2"), (3, T0 + 2_000, "ORD-3")] {
        h.acc.receive(c, &peer.order(seq, t, id), t);
        let out = h.acc.take_outputs();
        assert_eq!(out.len(), 1);
        let Output::Write(b) = &out[0].1 else {
            panic!("not a write")
        };
        assert_eq!(
            support::render(&support::parse_ours(b)),
            order_echo(seq, t, id)
        );
        written.push(b.clone());
    }
    assert_eq!(h.seq_nums(0), (4, 4));
    drop(h);
    written
}

#[test]
fn the_store_holds_exactly_what_was_written() {
    let dir = tempfile::tempdir().unwrap();
    let written = first_run(dir.path());
    let store = Store::open(dir.path(), Sync::Never).unwrap();
    assert_eq!((store.next_sender(), store.next_target()), (4, 4));
    let stored: Vec<(u64, Vec<u8>)> = store.sent(2, 3).map(|(s, b)| (s, b.to_vec())).collect();
    assert_eq!(
        stored,
        vec![(2, written[0].clone()), (3, written[1].clone())]
    );
    assert_eq!(store.sent(1, 1).count(), 1, "the Logon is stored too");
}

#[test]
fn after_a_restart_the_numbers_continue_and_old_messages_are_resent() {
    let dir = tempfile::tempdir().unwrap();
    first_run(dir.path());
    let mut h = durable(dir.path());
    assert_eq!(h.seq_nums(0), (4, 4));
    let peer = Peer::default();
    let t = T0 + 60_000;
    let (c, out) = h.logon(&peer, 4, t);
    assert_eq!(out, vec![logon_answer(4, t)]);
    let t2 = t + 10;
    assert_eq!(
        h.recv(c, &peer.resend_request(5, t2, 1, 0), t2),
        vec![
            gap_fill(1, t2, 2),
            order_resent(2, t2, T0 + 1_000, "ORD-2"),
            order_resent(3, t2, T0 + 2_000, "ORD-3"),
            gap_fill(4, t2, 5),
        ]
    );
    assert_eq!(
        h.recv(c, &peer.order(6, t2, "ORD-6"), t2),
        vec![order_echo(5, t2, "ORD-6")]
    );
    drop(h);
    // and once more
    let h = durable(dir.path());
    assert_eq!(h.seq_nums(0), (6, 7));
}

#[test]
fn a_logon_too_low_after_a_restart_gets_the_quickfix_logout() {
    let dir = tempfile::tempdir().unwrap();
    first_run(dir.path());
    let mut h = durable(dir.path());
    let t = T0 + 60_000;
    let (_, out) = h.logon(&Peer::default(), 1, t);
    assert_eq!(
        out,
        vec![
            format!(
                "35=5|34=4|49={US}|52={}|56={THEM}|58=MsgSeqNum too low, expecting 4 but received 1",
                ts(t)
            ),
            "CLOSE".to_string(),
        ]
    );
    assert_eq!(h.seq_nums(0), (5, 4));
    drop(h);
    let h = durable(dir.path());
    assert_eq!(h.seq_nums(0), (5, 4), "the Logout's number is kept");
}

#[test]
fn a_logon_with_reset_seq_num_flag_starts_again_at_one() {
    let dir = tempfile::tempdir().unwrap();
    first_run(dir.path());
    let mut h = durable(dir.path());
    let peer = Peer::default();
    let t = T0 + 60_000;
    let c = h.connect(t);
    assert_eq!(
        h.recv(c, &peer.logon_reset(1, t, 30), t),
        vec![format!(
            "35=A|34=1|49={US}|52={}|56={THEM}|98=0|108=30|141=Y",
            ts(t)
        )]
    );
    assert_eq!(h.seq_nums(0), (2, 2));
    // the old messages are gone: a resend of everything is one gap fill over the Logon
    assert_eq!(
        h.recv(c, &peer.resend_request(2, t, 1, 0), t),
        vec![gap_fill(1, t, 2)]
    );
    drop(h);
    let mut h = durable(dir.path());
    assert_eq!(h.seq_nums(0), (2, 3), "the reset is durable");
    let t = t + 1_000;
    let (_, out) = h.logon(&peer, 3, t);
    assert_eq!(out, vec![logon_answer(2, t)]);
}

#[test]
fn reset_on_logon_sessions_start_at_one_after_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    first_run(dir.path());
    let mut cfg = tradestream_fix::session::SessionConfig::fix44(US, THEM);
    cfg.reset_on_logon = true;
    let store = Store::open(dir.path(), Sync::Always).unwrap();
    let mut h = Harness::echo(vec![tradestream_fix::session::Session::new(0, cfg, store)]);
    assert_eq!(h.seq_nums(0), (4, 4));
    let t = T0 + 60_000;
    let (_, out) = h.logon(&Peer::default(), 1, t);
    assert_eq!(out, vec![logon_answer(1, t)]);
    assert_eq!(h.seq_nums(0), (2, 2));
}
