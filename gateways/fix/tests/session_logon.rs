//! Logon, logout and connection handling of the acceptor.

mod support;

use support::{logon_answer, order_echo, ts, Harness, Peer, T0, THEM, US};
use tradestream_fix::codec::encode::encode;
use tradestream_fix::session::{Session, SessionConfig};
use tradestream_fix::store::Store;

fn one_session() -> Vec<Session> {
    vec![support::session_over(Store::memory())]
}

#[test]
fn a_logon_is_answered_with_a_logon() {
    let (mut h, log) = Harness::recording(one_session());
    let c = h.connect(T0);
    let out = h.recv(c, &Peer::default().logon(1, T0, 30), T0);
    assert_eq!(
        out,
        vec!["35=A|34=1|49=ISLD|52=20261207-01:02:03.456|56=TW|98=0|108=30".to_string()]
    );
    assert_eq!(h.seq_nums(0), (2, 2));
    assert!(h.acc.session(0).is_logged_on());
    assert_eq!(log.borrow().logons, vec![0]);
}

#[test]
fn the_logon_answer_carries_the_counterpartys_heartbeat_interval() {
    let mut h = Harness::echo(one_session());
    let c = h.connect(T0);
    let out = h.recv(c, &Peer::default().logon(1, T0, 45), T0);
    assert_eq!(
        out,
        vec![format!(
            "35=A|34=1|49={US}|52={}|56={THEM}|98=0|108=45",
            ts(T0)
        )]
    );
}

#[test]
fn an_order_after_the_logon_reaches_the_application_and_is_echoed() {
    let (mut h, log) = Harness::recording(one_session());
    let peer = Peer::default();
    let (c, _) = h.logon(&peer, 1, T0);
    let out = h.recv(c, &peer.order(2, T0 + 5, "ORD-1"), T0 + 5);
    assert_eq!(out, vec![order_echo(2, T0 + 5, "ORD-1")]);
    assert_eq!(
        log.borrow().received,
        vec![(
            0,
            format!(
                "35=D|34=2|49=TW|52={}|56=ISLD|11=ORD-1|55=IBM|54=1|38=100|40=2|44=10.25|21=1|60=20261207-01:02:03.000",
                ts(T0 + 5)
            )
        )]
    );
    assert_eq!(h.seq_nums(0), (3, 3));
}

#[test]
fn a_first_message_that_is_not_a_logon_closes_the_connection_unanswered() {
    let mut h = Harness::echo(one_session());
    let c = h.connect(T0);
    assert_eq!(
        h.recv(c, &Peer::default().heartbeat(1, T0), T0),
        vec!["CLOSE"]
    );
    assert!(!h.acc.session(0).is_connected());
    assert_eq!(h.seq_nums(0), (1, 1));
}

#[test]
fn a_logon_for_an_unknown_session_closes_the_connection_unanswered() {
    for peer in [
        Peer::new("XX", US),
        Peer::new(THEM, "NOPE"),
        Peer::new(US, THEM),
    ] {
        let mut h = Harness::echo(one_session());
        let c = h.connect(T0);
        assert_eq!(h.recv(c, &peer.logon(1, T0, 30), T0), vec!["CLOSE"]);
        assert_eq!(h.seq_nums(0), (1, 1));
    }
}

#[test]
fn a_logon_with_a_wrong_begin_string_closes_the_connection() {
    let mut h = Harness::echo(one_session());
    let c = h.connect(T0);
    let sending = ts(T0);
    let mut header: Vec<(i32, &[u8])> = vec![
        (34, b"1"),
        (49, b"TW"),
        (52, sending.as_bytes()),
        (56, b"ISLD"),
    ];
    let mut m = Vec::new();
    encode(b"FIX.4.2", b"A", &mut header, b"98=0\x01108=30\x01", &mut m);
    assert_eq!(h.recv(c, &m, T0), vec!["CLOSE"]);
    assert_eq!(h.seq_nums(0), (1, 1));
}

#[test]
fn a_second_connection_for_a_logged_on_session_is_closed() {
    let mut h = Harness::echo(one_session());
    let peer = Peer::default();
    let (c1, _) = h.logon(&peer, 1, T0);
    let c2 = h.connect(T0 + 1);
    assert_eq!(
        h.recv(c2, &peer.logon(2, T0 + 1, 30), T0 + 1),
        vec!["CLOSE"]
    );
    // the first connection is untouched and in sequence
    assert_eq!(
        h.recv(c1, &peer.order(2, T0 + 2, "ORD-1"), T0 + 2),
        vec![order_echo(2, T0 + 2, "ORD-1")]
    );
}

#[test]
fn a_connection_without_a_logon_is_closed_after_ten_seconds() {
    let mut h = Harness::echo(one_session());
    let c = h.connect(T0);
    assert!(h.tick(T0 + 9_999).is_empty());
    assert_eq!(h.tick(T0 + 10_000), vec![(c, "CLOSE".to_string())]);
}

#[test]
fn a_logon_with_an_old_sending_time_closes_the_connection_unanswered() {
    let mut h = Harness::echo(one_session());
    let c = h.connect(T0);
    let stale = Peer::default().logon(1, T0 - 120_001, 30);
    assert_eq!(h.recv(c, &stale, T0), vec!["CLOSE"]);
    assert!(!h.acc.session(0).is_connected());
    // 120 s is still accepted
    let c = h.connect(T0);
    let ok = Peer::default().logon(1, T0 - 120_000, 30);
    assert_eq!(h.recv(c, &ok, T0), vec![logon_answer(1, T0)]);
}

#[test]
fn a_logout_is_answered_and_the_connection_closed() {
    let (mut h, log) = Harness::recording(one_session());
    let peer = Peer::default();
    let (c, _) = h.logon(&peer, 1, T0);
    let out = h.recv(c, &peer.logout(2, T0 + 7), T0 + 7);
    assert_eq!(
        out,
        vec![
            format!("35=5|34=2|49={US}|52={}|56={THEM}", ts(T0 + 7)),
            "CLOSE".to_string()
        ]
    );
    assert_eq!(log.borrow().logouts, vec![0]);
    assert!(!h.acc.session(0).is_connected());
    assert_eq!(h.seq_nums(0), (3, 3));
    // the glue reports the close; nothing more happens
    h.acc.disconnected(c, T0 + 8);
    assert!(h.take().is_empty());
    assert_eq!(log.borrow().logouts, vec![0]);
}

#[test]
fn the_session_logs_on_again_after_a_disconnect_with_its_numbers_kept() {
    let (mut h, log) = Harness::recording(one_session());
    let peer = Peer::default();
    let (c, _) = h.logon(&peer, 1, T0);
    h.acc.disconnected(c, T0 + 1);
    assert!(h.take().is_empty());
    assert_eq!(log.borrow().logouts, vec![0]);
    assert_eq!(h.seq_nums(0), (2, 2));
    let c = h.connect(T0 + 2);
    assert_eq!(
        h.recv(c, &peer.logon(2, T0 + 2, 30), T0 + 2),
        vec![logon_answer(2, T0 + 2)]
    );
    assert_eq!(log.borrow().logons, vec![0, 0]);
}

#[test]
fn two_sessions_keep_their_own_sequence_numbers() {
    let sessions = vec![
        Session::new(0, SessionConfig::fix44(US, THEM), Store::memory()),
        Session::new(1, SessionConfig::fix44(US, "TW2"), Store::memory()),
    ];
    let mut h = Harness::echo(sessions);
    let a = Peer::default();
    let b = Peer::new("TW2", US);
    let (ca, _) = h.logon(&a, 1, T0);
    h.recv(ca, &a.order(2, T0, "A1"), T0);
    let cb = h.connect(T0);
    assert_eq!(
        h.recv(cb, &b.logon(1, T0, 30), T0),
        vec![format!(
            "35=A|34=1|49={US}|52={}|56=TW2|98=0|108=30",
            ts(T0)
        )]
    );
    assert_eq!(h.seq_nums(0), (3, 3));
    assert_eq!(h.seq_nums(1), (2, 2));
}

#[test]
fn a_logon_and_orders_in_one_read_are_processed_in_order() {
    let mut h = Harness::echo(one_session());
    let peer = Peer::default();
    let c = h.connect(T0);
    let mut bytes = peer.logon(1, T0, 30);
    bytes.extend_from_slice(&peer.order(2, T0, "ORD-2"));
    bytes.extend_from_slice(&peer.order(3, T0, "ORD-3"));
    assert_eq!(
        h.recv(c, &bytes, T0),
        vec![
            logon_answer(1, T0),
            order_echo(2, T0, "ORD-2"),
            order_echo(3, T0, "ORD-3")
        ]
    );
}

#[test]
fn nothing_after_a_logout_in_the_same_read_is_processed() {
    let (mut h, log) = Harness::recording(one_session());
    let peer = Peer::default();
    let (c, _) = h.logon(&peer, 1, T0);
    let mut bytes = peer.logout(2, T0);
    bytes.extend_from_slice(&peer.order(3, T0, "LATE"));
    assert_eq!(
        h.recv(c, &bytes, T0),
        vec![
            format!("35=5|34=2|49={US}|52={}|56={THEM}", ts(T0)),
            "CLOSE".to_string()
        ]
    );
    assert!(log.borrow().received.is_empty());
    assert_eq!(h.seq_nums(0), (3, 3));
}
