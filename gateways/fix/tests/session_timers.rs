//! Time-driven behaviour, with the clock passed in: a Heartbeat after HeartBtInt without
//! sending, a TestRequest `TEST` after 1.5 intervals without receiving, the close after 2.4
//! intervals; TestRequests answered with their TestReqID; the logout timeout.

mod support;

use support::{ts, Harness, Peer, T0, THEM, US};
use tradestream_fix::acceptor::ConnId;
use tradestream_fix::echo::Echo;
use tradestream_fix::store::Store;

/// Logged on at T0 with HeartBtInt 30.
fn logged_on(hb: u32) -> (Harness<Echo>, ConnId, Peer) {
    let mut h = Harness::echo(vec![support::session_over(Store::memory())]);
    let peer = Peer::default();
    let c = h.connect(T0);
    let out = h.recv(c, &peer.logon(1, T0, hb), T0);
    assert_eq!(out.len(), 1);
    (h, c, peer)
}

fn heartbeat(seq: u64, now: i64) -> String {
    format!("35=0|34={seq}|49={US}|52={}|56={THEM}", ts(now))
}

fn test_request(seq: u64, now: i64) -> String {
    format!("35=1|34={seq}|49={US}|52={}|56={THEM}|112=TEST", ts(now))
}

fn only(c: ConnId, what: String) -> Vec<(ConnId, String)> {
    vec![(c, what)]
}

#[test]
fn heartbeat_test_request_and_close_on_a_silent_counterparty() {
    let (mut h, c, _) = logged_on(30);
    assert!(h.tick(T0 + 29_999).is_empty());
    assert_eq!(h.tick(T0 + 30_000), only(c, heartbeat(2, T0 + 30_000)));
    assert!(h.tick(T0 + 30_001).is_empty());
    assert!(h.tick(T0 + 44_999).is_empty());
    assert_eq!(h.tick(T0 + 45_000), only(c, test_request(3, T0 + 45_000)));
    // no second TestRequest, no heartbeat while one is outstanding and nothing received
    assert!(h.tick(T0 + 60_000).is_empty());
    assert!(h.tick(T0 + 71_999).is_empty());
    assert_eq!(h.tick(T0 + 72_000), only(c, "CLOSE".to_string()));
    assert!(!h.acc.session(0).is_connected());
    assert!(h.tick(T0 + 200_000).is_empty());
    assert_eq!(h.seq_nums(0), (4, 2));
}

#[test]
fn the_intervals_scale_with_heartbeat_interval() {
    let (mut h, c, _) = logged_on(10);
    assert!(h.tick(T0 + 9_999).is_empty());
    assert_eq!(h.tick(T0 + 10_000), only(c, heartbeat(2, T0 + 10_000)));
    assert!(h.tick(T0 + 14_999).is_empty());
    assert_eq!(h.tick(T0 + 15_000), only(c, test_request(3, T0 + 15_000)));
    assert!(h.tick(T0 + 23_999).is_empty());
    assert_eq!(h.tick(T0 + 24_000), only(c, "CLOSE".to_string()));
}

#[test]
fn inbound_traffic_postpones_the_test_request() {
    let (mut h, c, peer) = logged_on(30);
    assert_eq!(h.tick(T0 + 30_000), only(c, heartbeat(2, T0 + 30_000)));
    let t = T0 + 40_000;
    assert!(h.recv(c, &peer.heartbeat(2, t), t).is_empty());
    assert_eq!(h.tick(T0 + 60_000), only(c, heartbeat(3, T0 + 60_000)));
    assert!(h.tick(t + 44_999).is_empty());
    assert_eq!(h.tick(t + 45_000), only(c, test_request(4, t + 45_000)));
    assert!(h.tick(t + 71_999).is_empty());
    assert_eq!(h.tick(t + 72_000), only(c, "CLOSE".to_string()));
}

#[test]
fn a_heartbeat_answering_our_test_request_keeps_the_session() {
    let (mut h, c, peer) = logged_on(30);
    h.tick(T0 + 30_000);
    assert_eq!(h.tick(T0 + 45_000), only(c, test_request(3, T0 + 45_000)));
    let t = T0 + 50_000;
    let answer = peer.msg("0", 2, t, &[], "112=TEST|");
    assert!(h.recv(c, &answer, t).is_empty());
    assert!(h.tick(T0 + 72_000).is_empty());
    assert_eq!(h.tick(T0 + 75_000), only(c, heartbeat(4, T0 + 75_000)));
    assert!(h.tick(t + 44_999).is_empty());
    assert_eq!(h.tick(t + 45_000), only(c, test_request(5, t + 45_000)));
    assert!(h.acc.session(0).is_logged_on());
}

#[test]
fn sending_postpones_the_heartbeat() {
    let (mut h, c, peer) = logged_on(30);
    let t = T0 + 20_000;
    assert_eq!(
        h.recv(c, &peer.order(2, t, "ORD-1"), t),
        vec![support::order_echo(2, t, "ORD-1")]
    );
    assert!(h.tick(T0 + 30_000).is_empty());
    assert!(h.tick(t + 29_999).is_empty());
    assert_eq!(h.tick(t + 30_000), only(c, heartbeat(3, t + 30_000)));
}

#[test]
fn a_test_request_is_answered_with_its_test_req_id() {
    let (mut h, c, peer) = logged_on(30);
    let t = T0 + 1_234;
    assert_eq!(
        h.recv(c, &peer.test_request(2, t, "PING 7"), t),
        vec![format!(
            "35=0|34=2|49={US}|52={}|56={THEM}|112=PING 7",
            ts(t)
        )]
    );
    assert_eq!(h.seq_nums(0), (3, 3));
}

#[test]
fn a_heartbeat_interval_of_zero_sends_nothing() {
    let (mut h, _c, _) = logged_on(0);
    for dt in [1_000, 30_000, 600_000, 86_400_000] {
        assert!(h.tick(T0 + dt).is_empty(), "at +{dt} ms");
    }
    assert!(h.acc.session(0).is_logged_on());
}

#[test]
fn our_logout_waits_two_seconds_for_the_answer() {
    let (mut h, c, peer) = logged_on(30);
    // A message with a wrong SenderCompID: Reject (CompID problem) and our Logout.
    let t = T0 + 1_000;
    let wrong = Peer::new("XX", US).order(2, t, "ORD-1");
    assert_eq!(
        h.recv(c, &wrong, t),
        vec![
            format!(
                "35=3|34=2|49={US}|52={}|56={THEM}|45=2|58=CompID problem|372=D|373=9",
                ts(t)
            ),
            format!("35=5|34=3|49={US}|52={}|56={THEM}", ts(t)),
        ]
    );
    assert!(h.tick(t + 1_999).is_empty());
    assert_eq!(h.tick(t + 2_000), only(c, "CLOSE".to_string()));
    // the counterparty answering in time closes at once instead
    let (mut h, c, _) = logged_on(30);
    h.recv(c, &wrong, t);
    assert_eq!(
        h.recv(c, &peer.logout(3, t + 500), t + 500),
        vec!["CLOSE".to_string()]
    );
}

/// A HeartBtInt too large for milliseconds in an i64 must not wrap into a negative interval
/// (which makes the timer see the session as timed out at once).
#[test]
fn a_huge_heartbeat_interval_does_not_wrap_into_an_immediate_close() {
    for hb in ["9999999999999999", "18446744073709551615"] {
        let mut h = Harness::echo(vec![support::session_over(Store::memory())]);
        let c = h.connect(T0);
        let logon = Peer::default().msg("A", 1, T0, &[], &format!("98=0|108={hb}|"));
        assert_eq!(
            h.recv(c, &logon, T0),
            vec![format!(
                "35=A|34=1|49={US}|52={}|56={THEM}|98=0|108={hb}",
                ts(T0)
            )],
            "HeartBtInt {hb}"
        );
        assert!(h.tick(T0 + 86_400_000).is_empty(), "HeartBtInt {hb}");
        assert!(h.acc.session(0).is_logged_on());
    }
}
