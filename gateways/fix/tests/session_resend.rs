//! Answering ResendRequests: stored application messages again under their numbers with
//! PossDupFlag=Y and OrigSendingTime, session messages replaced by SequenceReset-GapFill;
//! messages the application sent while the counterparty was away reach it that way.

mod support;

use support::{gap_fill, order_echo, order_resent, ts, Harness, Peer, T0, THEM, US};
use tradestream_fix::acceptor::ConnId;
use tradestream_fix::codec::encode::Outgoing;
use tradestream_fix::echo::Echo;
use tradestream_fix::store::Store;

/// Our messages: 1 Logon, 2 and 3 order echoes (sent at T0+1s, T0+2s), 4 Heartbeat (TestRequest
/// answer), 5 order echo (T0+4s). The counterparty is at 6.
fn conversation() -> (Harness<Echo>, ConnId, Peer) {
    let mut h = Harness::echo(vec![support::session_over(Store::memory())]);
    let peer = Peer::default();
    let (c, _) = h.logon(&peer, 1, T0);
    for (seq, t, id) in [(2, T0 + 1_000, "ORD-2"), (3, T0 + 2_000, "ORD-3")] {
        assert_eq!(
            h.recv(c, &peer.order(seq, t, id), t),
            vec![order_echo(seq, t, id)]
        );
    }
    assert_eq!(
        h.recv(c, &peer.test_request(4, T0 + 3_000, "X"), T0 + 3_000)
            .len(),
        1
    );
    let t = T0 + 4_000;
    assert_eq!(
        h.recv(c, &peer.order(5, t, "ORD-5"), t),
        vec![order_echo(5, t, "ORD-5")]
    );
    assert_eq!(h.seq_nums(0), (6, 6));
    (h, c, peer)
}

#[test]
fn a_resend_request_for_everything_gets_poss_dup_messages_and_gap_fills() {
    let (mut h, c, peer) = conversation();
    let t = T0 + 10_000;
    assert_eq!(
        h.recv(c, &peer.resend_request(6, t, 1, 0), t),
        vec![
            gap_fill(1, t, 2),
            order_resent(2, t, T0 + 1_000, "ORD-2"),
            order_resent(3, t, T0 + 2_000, "ORD-3"),
            gap_fill(4, t, 5),
            order_resent(5, t, T0 + 4_000, "ORD-5"),
        ]
    );
    // nothing was consumed by the resend; the request itself was
    assert_eq!(h.seq_nums(0), (6, 7));
    assert_eq!(
        h.recv(c, &peer.order(7, t, "ORD-7"), t),
        vec![order_echo(6, t, "ORD-7")]
    );
}

#[test]
fn resend_requests_for_part_of_the_range() {
    let (mut h, c, peer) = conversation();
    let t = T0 + 10_000;
    let cases: Vec<(u64, u64, Vec<String>)> = vec![
        (
            3,
            4,
            vec![order_resent(3, t, T0 + 2_000, "ORD-3"), gap_fill(4, t, 5)],
        ),
        (2, 2, vec![order_resent(2, t, T0 + 1_000, "ORD-2")]),
        (4, 4, vec![gap_fill(4, t, 5)]),
        (1, 1, vec![gap_fill(1, t, 2)]),
        // an end beyond what was sent is the last message sent
        (5, 99, vec![order_resent(5, t, T0 + 4_000, "ORD-5")]),
        (
            4,
            0,
            vec![gap_fill(4, t, 5), order_resent(5, t, T0 + 4_000, "ORD-5")],
        ),
    ];
    for (i, (begin, end, want)) in cases.into_iter().enumerate() {
        let seq = 6 + i as u64;
        assert_eq!(
            h.recv(c, &peer.resend_request(seq, t, begin, end), t),
            want,
            "ResendRequest {begin}..{end}"
        );
        assert_eq!(h.seq_nums(0), (6, seq + 1));
    }
}

#[test]
fn a_resend_request_too_high_is_answered_without_checking_its_number() {
    let (mut h, c, peer) = conversation();
    let t = T0 + 10_000;
    // QuickFIX verifies a ResendRequest without the sequence checks: one arriving under 7
    // instead of 6 is answered at once and consumes no number...
    assert_eq!(
        h.recv(c, &peer.resend_request(7, t, 5, 5), t),
        vec![order_resent(5, t, T0 + 4_000, "ORD-5")]
    );
    assert_eq!(h.seq_nums(0), (6, 6));
    // ...and the gap is seen at the next message.
    assert_eq!(
        h.recv(c, &peer.order(8, t, "ORD-8"), t),
        vec![format!("35=2|34=6|49={US}|52={}|56={THEM}|7=6|16=0", ts(t))]
    );
}

#[test]
fn messages_sent_while_the_counterparty_is_away_are_resent_after_its_logon() {
    let (mut h, log) = Harness::recording(vec![support::session_over(Store::memory())]);
    let peer = Peer::default();
    let (c, _) = h.logon(&peer, 1, T0);
    h.acc.disconnected(c, T0 + 500);
    assert!(h.take().is_empty());
    let news = |headline: &str| {
        let mut m = Outgoing::new(b"B");
        m.field(148, headline)
            .field(33, "1")
            .field(58, "line")
            .field(95, "3")
            .field(96, b"a\x01b");
        m
    };
    log.borrow_mut().to_send.push((0, news("first")));
    assert!(
        h.tick(T0 + 2_000).is_empty(),
        "nothing goes out without a connection"
    );
    log.borrow_mut().to_send.push((0, news("second")));
    assert!(h.tick(T0 + 3_000).is_empty());
    assert_eq!(h.seq_nums(0), (4, 2), "both were stored under 2 and 3");
    // The counterparty comes back (no reset), sees our Logon at 4 and asks for 2..
    let t = T0 + 10_000;
    let c = h.connect(t);
    assert_eq!(
        h.recv(c, &peer.logon(2, t, 30), t),
        vec![support::logon_answer(4, t)]
    );
    let t2 = t + 100;
    let resent = |seq: u64, orig: i64, headline: &str| {
        format!(
            "35=B|34={seq}|43=Y|49={US}|52={}|56={THEM}|122={}|148={headline}|33=1|58=line|95=3|96=a|b",
            ts(t2),
            ts(orig)
        )
    };
    assert_eq!(
        h.recv(c, &peer.resend_request(3, t2, 2, 0), t2),
        vec![
            resent(2, T0 + 2_000, "first"),
            resent(3, T0 + 3_000, "second"),
            gap_fill(4, t2, 5),
        ]
    );
    assert_eq!(h.seq_nums(0), (5, 4));
}

#[test]
fn the_resent_body_is_byte_for_byte_the_original() {
    // RawData holding SOH and `=` must come back unchanged (it is parsed with the dictionary
    // to be sent again).
    let (mut h, log) = Harness::recording(vec![support::session_over(Store::memory())]);
    let peer = Peer::default();
    let (c, _) = h.logon(&peer, 1, T0);
    let mut m = Outgoing::new(b"B");
    m.field(148, "raw")
        .field(33, "1")
        .field(58, "x")
        .field(95, "7")
        .field(96, b"\x0110=1\x01=");
    log.borrow_mut().to_send.push((0, m.clone()));
    h.acc.tick(T0 + 1);
    let first = h.acc.take_outputs();
    assert_eq!(first.len(), 1);
    let tradestream_fix::acceptor::Output::Write(original) = &first[0].1 else {
        panic!("not a write")
    };
    h.acc
        .receive(c, &peer.resend_request(2, T0 + 2, 2, 2), T0 + 2);
    let again = h.acc.take_outputs();
    assert_eq!(again.len(), 1);
    let tradestream_fix::acceptor::Output::Write(resent) = &again[0].1 else {
        panic!("not a write")
    };
    let body = |b: &[u8]| {
        let from = b.windows(5).position(|w| w == b"\x01148=").unwrap() + 1;
        let to = b.len() - 7; // 10=xxx<SOH>
        b[from..to].to_vec()
    };
    assert_eq!(body(original), m.body);
    assert_eq!(body(resent), m.body);
    let parsed = support::parse_ours(resent);
    assert_eq!(parsed.get(96), Some(&b"\x0110=1\x01="[..]));
    assert!(parsed.flag(43));
}
