//! Inbound sequence numbers: too high (ResendRequest, queueing, gap fills), too low (the
//! QuickFIX logout, PossDup duplicates), SequenceReset in both modes.

mod support;

use std::cell::RefCell;
use std::rc::Rc;
use support::{order_echo, ts, AppLog, Harness, Peer, TestApp, T0, THEM, US};
use tradestream_fix::acceptor::ConnId;
use tradestream_fix::store::Store;

fn logged_on() -> (Harness<TestApp>, Rc<RefCell<AppLog>>, ConnId, Peer) {
    let (mut h, log) = Harness::recording(vec![support::session_over(Store::memory())]);
    let peer = Peer::default();
    let (c, out) = h.logon(&peer, 1, T0);
    assert_eq!(out, vec![support::logon_answer(1, T0)]);
    (h, log, c, peer)
}

fn cl_ord_ids(log: &Rc<RefCell<AppLog>>) -> Vec<String> {
    log.borrow()
        .received
        .iter()
        .map(|(_, m)| {
            m.split('|')
                .find_map(|f| f.strip_prefix("11="))
                .unwrap()
                .to_string()
        })
        .collect()
}

fn resend_request(seq: u64, now: i64, begin: u64) -> String {
    format!(
        "35=2|34={seq}|49={US}|52={}|56={THEM}|7={begin}|16=0",
        ts(now)
    )
}

#[test]
fn too_high_sends_a_resend_request_and_queues_until_the_gap_is_filled_by_resends() {
    let (mut h, log, c, peer) = logged_on();
    let t = T0 + 1_000;
    assert_eq!(
        h.recv(c, &peer.order(4, t, "ORD-4"), t),
        vec![resend_request(2, t, 2)]
    );
    assert!(
        log.borrow().received.is_empty(),
        "a queued message is not delivered"
    );
    assert_eq!(h.seq_nums(0), (3, 2));
    let t2 = T0 + 2_000;
    assert_eq!(
        h.recv(c, &peer.order_poss_dup(2, t2, T0 + 100, "ORD-2"), t2),
        vec![order_echo(3, t2, "ORD-2")]
    );
    // 3 closes the gap: 3 and then the queued 4 are processed
    assert_eq!(
        h.recv(c, &peer.order_poss_dup(3, t2, T0 + 200, "ORD-3"), t2),
        vec![order_echo(4, t2, "ORD-3"), order_echo(5, t2, "ORD-4")]
    );
    assert_eq!(cl_ord_ids(&log), vec!["ORD-2", "ORD-3", "ORD-4"]);
    assert_eq!(h.seq_nums(0), (6, 5));
    // back to normal
    assert_eq!(
        h.recv(c, &peer.order(5, t2, "ORD-5"), t2),
        vec![order_echo(6, t2, "ORD-5")]
    );
}

#[test]
fn a_gap_of_one_is_detected() {
    let (mut h, log, c, peer) = logged_on();
    assert_eq!(
        h.recv(c, &peer.order(3, T0, "ORD-3"), T0),
        vec![resend_request(2, T0, 2)]
    );
    assert!(log.borrow().received.is_empty());
    assert_eq!(
        h.recv(c, &peer.order_poss_dup(2, T0, T0, "ORD-2"), T0),
        vec![order_echo(3, T0, "ORD-2"), order_echo(4, T0, "ORD-3")]
    );
    assert_eq!(cl_ord_ids(&log), vec!["ORD-2", "ORD-3"]);
}

#[test]
fn too_high_then_a_gap_fill_releases_the_queue() {
    let (mut h, log, c, peer) = logged_on();
    let t = T0 + 1_000;
    assert_eq!(
        h.recv(c, &peer.order(5, t, "ORD-5"), t),
        vec![resend_request(2, t, 2)]
    );
    assert_eq!(
        h.recv(c, &peer.gap_fill(2, t, 5), t),
        vec![order_echo(3, t, "ORD-5")]
    );
    assert_eq!(cl_ord_ids(&log), vec!["ORD-5"]);
    assert_eq!(h.seq_nums(0), (4, 6));
}

#[test]
fn a_second_message_too_high_does_not_repeat_the_resend_request() {
    let (mut h, log, c, peer) = logged_on();
    let t = T0 + 1_000;
    assert_eq!(
        h.recv(c, &peer.order(4, t, "ORD-4"), t),
        vec![resend_request(2, t, 2)]
    );
    assert!(h.recv(c, &peer.order(5, t, "ORD-5"), t).is_empty());
    assert_eq!(
        h.recv(c, &peer.gap_fill(2, t, 4), t),
        vec![order_echo(3, t, "ORD-4"), order_echo(4, t, "ORD-5")]
    );
    assert_eq!(cl_ord_ids(&log), vec!["ORD-4", "ORD-5"]);
    assert_eq!(h.seq_nums(0), (5, 6));
}

#[test]
fn a_logon_too_high_is_answered_then_a_resend_request_follows() {
    let mut h = Harness::echo(vec![support::session_over(Store::memory())]);
    let peer = Peer::default();
    let c = h.connect(T0);
    assert_eq!(
        h.recv(c, &peer.logon(3, T0, 30), T0),
        vec![support::logon_answer(1, T0), resend_request(2, T0, 1)]
    );
    // the logon itself was queued under 3: a gap fill up to 3 consumes it
    assert!(h.recv(c, &peer.gap_fill(1, T0, 3), T0).is_empty());
    assert_eq!(h.seq_nums(0), (3, 4));
    assert_eq!(
        h.recv(c, &peer.order(4, T0, "ORD-4"), T0),
        vec![order_echo(3, T0, "ORD-4")]
    );
}

#[test]
fn too_low_without_poss_dup_logs_out_with_quickfixs_text_and_closes() {
    let (mut h, log, c, peer) = logged_on();
    h.recv(c, &peer.order(2, T0, "ORD-2"), T0);
    let t = T0 + 3_000;
    assert_eq!(
        h.recv(c, &peer.order(2, t, "AGAIN"), t),
        vec![
            format!(
                "35=5|34=3|49={US}|52={}|56={THEM}|58=MsgSeqNum too low, expecting 3 but received 2",
                ts(t)
            ),
            "CLOSE".to_string()
        ]
    );
    assert_eq!(cl_ord_ids(&log), vec!["ORD-2"]);
    assert_eq!(log.borrow().logouts, vec![0]);
    assert!(!h.acc.session(0).is_connected());
    assert_eq!(h.seq_nums(0), (4, 3));
}

#[test]
fn a_heartbeat_too_low_logs_out_as_well() {
    let (mut h, _log, c, peer) = logged_on();
    assert_eq!(
        h.recv(c, &peer.heartbeat(1, T0), T0),
        vec![
            format!(
                "35=5|34=2|49={US}|52={}|56={THEM}|58=MsgSeqNum too low, expecting 2 but received 1",
                ts(T0)
            ),
            "CLOSE".to_string()
        ]
    );
}

#[test]
fn too_low_with_poss_dup_is_ignored() {
    let (mut h, log, c, peer) = logged_on();
    h.recv(c, &peer.order(2, T0, "ORD-2"), T0);
    let t = T0 + 1_000;
    assert!(h
        .recv(c, &peer.order_poss_dup(2, t, T0, "ORD-2"), t)
        .is_empty());
    assert_eq!(cl_ord_ids(&log), vec!["ORD-2"]);
    assert_eq!(h.seq_nums(0), (3, 3));
    assert!(h.acc.session(0).is_logged_on());
}

#[test]
fn too_low_with_poss_dup_but_a_later_orig_sending_time_is_rejected_then_logged_out() {
    let (mut h, _log, c, peer) = logged_on();
    h.recv(c, &peer.order(2, T0, "ORD-2"), T0);
    let t = T0 + 1_000;
    assert_eq!(
        h.recv(c, &peer.order_poss_dup(2, t, t + 1, "ORD-2"), t),
        vec![
            format!(
                "35=3|34=3|49={US}|52={}|56={THEM}|45=2|58=SendingTime accuracy problem|372=D|373=10",
                ts(t)
            ),
            format!("35=5|34=4|49={US}|52={}|56={THEM}", ts(t)),
        ]
    );
    // the logout waits for the counterparty's answer, then the connection is closed
    assert!(h.tick(t + 1_999).is_empty());
    assert_eq!(h.tick(t + 2_000), vec![(c, "CLOSE".to_string())]);
}

#[test]
fn too_low_with_poss_dup_and_no_orig_sending_time_is_rejected() {
    let (mut h, _log, c, peer) = logged_on();
    h.recv(c, &peer.order(2, T0, "ORD-2"), T0);
    let dup = peer.msg("D", 2, T0, &[(43, "Y")], &support::order_body("ORD-2"));
    assert_eq!(
        h.recv(c, &dup, T0),
        vec![format!(
            "35=3|34=3|49={US}|52={}|56={THEM}|45=2|58=Required tag missing|371=122|372=D|373=1",
            ts(T0)
        )]
    );
    assert_eq!(h.seq_nums(0), (4, 3));
    assert!(h.acc.session(0).is_logged_on());
}

#[test]
fn a_sequence_reset_moves_the_expected_number_forward() {
    let (mut h, _log, c, peer) = logged_on();
    // reset mode: its own number is not checked
    let reset = peer.msg("4", 99, T0, &[], "36=10|");
    assert!(h.recv(c, &reset, T0).is_empty());
    assert_eq!(h.seq_nums(0), (2, 10));
    assert_eq!(
        h.recv(c, &peer.order(10, T0, "ORD-10"), T0),
        vec![order_echo(2, T0, "ORD-10")]
    );
}

#[test]
fn a_sequence_reset_backwards_is_rejected() {
    let (mut h, _log, c, peer) = logged_on();
    h.recv(c, &peer.order(2, T0, "ORD-2"), T0);
    h.recv(c, &peer.order(3, T0, "ORD-3"), T0);
    let reset = peer.msg("4", 4, T0, &[], "36=2|");
    assert_eq!(
        h.recv(c, &reset, T0),
        vec![format!(
            "35=3|34=4|49={US}|52={}|56={THEM}|45=4|58=Value is incorrect (out of range) for this tag|372=4|373=5",
            ts(T0)
        )]
    );
    assert_eq!(h.seq_nums(0), (5, 4));
}
