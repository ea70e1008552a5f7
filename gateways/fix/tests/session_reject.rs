//! Rejects: BusinessMessageReject for a message type the application does not support,
//! session-level Rejects for messages the dictionary refuses (with QuickFIX's reasons and
//! texts), and for CompID and SendingTime problems (followed by our Logout). Every reject
//! consumes the rejected message's sequence number.

mod support;

use support::{order_echo, ts, Harness, Peer, T0, THEM, US};
use tradestream_fix::acceptor::ConnId;
use tradestream_fix::echo::Echo;
use tradestream_fix::store::Store;

fn logged_on() -> (Harness<Echo>, ConnId, Peer) {
    let mut h = Harness::echo(vec![support::session_over(Store::memory())]);
    let peer = Peer::default();
    let (c, _) = h.logon(&peer, 1, T0);
    (h, c, peer)
}

fn ours(seq: u64, msg_type: &str, rest: &str) -> String {
    format!(
        "35={msg_type}|34={seq}|49={US}|52={}|56={THEM}|{rest}",
        ts(T0)
    )
}

/// After a reject of 2, the session goes on at 3.
fn goes_on(h: &mut Harness<Echo>, c: ConnId, peer: &Peer) {
    assert_eq!(
        h.recv(c, &peer.order(3, T0, "NEXT"), T0),
        vec![order_echo(3, T0, "NEXT")]
    );
}

#[test]
fn an_unsupported_message_type_gets_a_business_reject() {
    let (mut h, c, peer) = logged_on();
    let cancel = peer.msg(
        "F",
        2,
        T0,
        &[],
        "41=ORD-1|11=CXL-1|55=IBM|54=1|38=100|60=20261207-01:02:03|",
    );
    assert_eq!(
        h.recv(c, &cancel, T0),
        vec![ours(2, "j", "45=2|58=Unsupported Message Type|372=F|380=3")]
    );
    assert_eq!(h.seq_nums(0), (3, 3));
    goes_on(&mut h, c, &peer);
}

#[test]
fn a_message_type_the_dictionary_does_not_know_gets_a_session_reject() {
    let (mut h, c, peer) = logged_on();
    assert_eq!(
        h.recv(c, &peer.msg("ZZ", 2, T0, &[], "58=hello|"), T0),
        vec![ours(2, "3", "45=2|58=Invalid MsgType|372=ZZ|373=11")]
    );
    goes_on(&mut h, c, &peer);
}

#[test]
fn dictionary_violations_get_session_rejects_with_quickfix_texts() {
    let base = "11=X|55=IBM|54=1|38=100|40=2|44=10|60=20261207-01:02:03|";
    let cases = [
        // value outside the enumeration
        (
            base.replace("54=1", "54=Z"),
            "45=2|58=Value is incorrect (out of range) for this tag|371=54|372=D|373=5",
        ),
        // wrong format
        (
            base.replace("38=100", "38=abc"),
            "45=2|58=Incorrect data format for value|371=38|372=D|373=6",
        ),
        // empty value
        (
            base.replace("44=10", "44="),
            "45=2|58=Tag specified without a value|371=44|372=D|373=4",
        ),
        // a tag the dictionary does not define
        (
            format!("{base}9999=x|"),
            "45=2|58=Invalid tag number|371=9999|372=D|373=0",
        ),
        // a defined tag that NewOrderSingle does not have
        (
            format!("{base}147=x|"),
            "45=2|58=Tag not defined for this message type|371=147|372=D|373=2",
        ),
        // a repeated tag
        (
            format!("{base}55=MSFT|"),
            "45=2|58=Tag appears more than once|371=55|372=D|373=13",
        ),
        // a required tag missing
        (
            base.replace("40=2|", ""),
            "45=2|58=Required tag missing|371=40|372=D|373=1",
        ),
    ];
    for (body, want) in cases {
        let (mut h, c, peer) = logged_on();
        assert_eq!(
            h.recv(c, &peer.msg("D", 2, T0, &[], &body), T0),
            vec![ours(2, "3", want)],
            "{body}"
        );
        goes_on(&mut h, c, &peer);
    }
}

#[test]
fn a_group_count_that_does_not_match_is_rejected() {
    let (mut h, c, peer) = logged_on();
    let body = "11=G|453=2|448=P1|447=D|452=1|55=IBM|54=1|38=5|40=1|60=20261207-01:02:03|";
    assert_eq!(
        h.recv(c, &peer.msg("D", 2, T0, &[], body), T0),
        vec![ours(
            2,
            "3",
            "45=2|58=Incorrect NumInGroup count for repeating group|371=453|372=D|373=16"
        )]
    );
    goes_on(&mut h, c, &peer);
}

#[test]
fn a_well_formed_group_is_echoed_whole() {
    let (mut h, c, peer) = logged_on();
    let body = "11=G|453=2|448=P1|447=D|452=1|448=P2|447=D|452=3|55=IBM|54=1|38=5|40=1|60=20261207-01:02:03|";
    assert_eq!(
        h.recv(c, &peer.msg("D", 2, T0, &[], body), T0),
        vec![ours(
            2,
            "D",
            "11=G|38=5|40=1|54=1|55=IBM|60=20261207-01:02:03|453=2|448=P1|447=D|452=1|448=P2|447=D|452=3"
        )]
    );
}

#[test]
fn a_wrong_sending_time_is_rejected_and_logged_out() {
    let (mut h, c, peer) = logged_on();
    let late = peer.order(2, T0 - 120_001, "OLD");
    assert_eq!(
        h.recv(c, &late, T0),
        vec![
            ours(2, "3", "45=2|58=SendingTime accuracy problem|372=D|373=10"),
            ours(3, "5", "").trim_end_matches('|').to_string(),
        ]
    );
    assert_eq!(h.seq_nums(0), (4, 3));
}

#[test]
fn a_wrong_target_comp_id_is_rejected_and_logged_out() {
    let (mut h, c, _) = logged_on();
    let stray = Peer::new(THEM, "OTHER").order(2, T0, "X");
    assert_eq!(
        h.recv(c, &stray, T0),
        vec![
            ours(2, "3", "45=2|58=CompID problem|372=D|373=9"),
            ours(3, "5", "").trim_end_matches('|').to_string(),
        ]
    );
}

#[test]
fn routing_fields_are_reversed_in_a_reject() {
    let (mut h, c, peer) = logged_on();
    let msg = peer.msg(
        "ZZ",
        2,
        T0,
        &[(115, "CLIENT"), (128, "DESK"), (50, "SUB")],
        "",
    );
    assert_eq!(
        h.recv(c, &msg, T0),
        vec![format!(
            "35=3|34=2|49={US}|52={}|56={THEM}|57=SUB|115=DESK|128=CLIENT|45=2|58=Invalid MsgType|372=ZZ|373=11",
            ts(T0)
        )]
    );
}
