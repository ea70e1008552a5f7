//! Golden byte vectors of the codec. Every vector below was written out by hand and its
//! BodyLength and CheckSum computed independently of this crate (with python3: BodyLength =
//! bytes from `35=` through the SOH before `10=`, CheckSum = sum of all bytes before `10=`
//! modulo 256, three digits). Both directions are checked: `encode` produces exactly these
//! bytes, and `Message::parse` of exactly these bytes yields the fields. The acceptor is then
//! driven through a conversation at a fixed time and must write the same bytes.

mod support;

use support::{dict, Harness, Peer, T0};
use tradestream_fix::acceptor::Output;
use tradestream_fix::codec::encode::{encode, with_trailer};
use tradestream_fix::codec::parse::{Garbled, Message};
use tradestream_fix::session::{Session, SessionConfig};
use tradestream_fix::store::Store;
use tradestream_fix::validate;

const TIME: &str = "20261207-01:02:03.456";

/// Logon response: 9=61, 10=205.
const LOGON: &[u8] = b"8=FIX.4.4\x019=61\x0135=A\x0134=1\x0149=ISLD\x0152=20261207-01:02:03.456\x0156=TW\x0198=0\x01108=30\x0110=205\x01";

/// Heartbeat answering TestRequest TEST: 9=58, 10=188.
const HEARTBEAT: &[u8] = b"8=FIX.4.4\x019=58\x0135=0\x0134=2\x0149=ISLD\x0152=20261207-01:02:03.456\x0156=TW\x01112=TEST\x0110=188\x01";

/// Reject of a NewOrderSingle without ClOrdID: 9=97, 10=082.
const REJECT: &[u8] = b"8=FIX.4.4\x019=97\x0135=3\x0134=3\x0149=ISLD\x0152=20261207-01:02:03.456\x0156=TW\x0145=3\x0158=Required tag missing\x01371=11\x01372=D\x01373=1\x0110=082\x01";

/// SequenceReset-GapFill 2 → 4: 9=91, 10=172.
const GAP_FILL: &[u8] = b"8=FIX.4.4\x019=91\x0135=4\x0134=2\x0143=Y\x0149=ISLD\x0152=20261207-01:02:03.456\x0156=TW\x01122=20261207-01:02:03.456\x0136=4\x01123=Y\x0110=172\x01";

/// The echo of a NewOrderSingle: 9=121, 10=091.
const ORDER_ECHO: &[u8] = b"8=FIX.4.4\x019=121\x0135=D\x0134=4\x0149=ISLD\x0152=20261207-01:02:03.456\x0156=TW\x0111=ORD-1\x0121=1\x0138=100\x0140=2\x0144=10.25\x0154=1\x0155=IBM\x0160=20261207-01:02:03.000\x0110=091\x01";

/// A Logon with RawDataLength 7 / RawData `a<SOH>b=c<SOH>d`: 9=77, 10=045.
const RAW_DATA_LOGON: &[u8] = b"8=FIX.4.4\x019=77\x0135=A\x0134=1\x0149=TW\x0152=20261207-01:02:03.456\x0156=ISLD\x0195=7\x0196=a\x01b=c\x01d\x0198=0\x01108=30\x0110=045\x01";

fn encode_with(msg_type: &[u8], header: &[(i32, &str)], body: &[(i32, &str)]) -> Vec<u8> {
    let mut h: Vec<(i32, &[u8])> = header.iter().map(|(t, v)| (*t, v.as_bytes())).collect();
    let mut b = Vec::new();
    for (t, v) in body {
        b.extend_from_slice(format!("{t}={v}\x01").as_bytes());
    }
    let mut out = vec![0xAA; 7]; // encode clears its output first
    encode(b"FIX.4.4", msg_type, &mut h, &b, &mut out);
    out
}

fn fields(m: &Message) -> Vec<(i32, Vec<u8>)> {
    m.fields()
        .iter()
        .map(|f| (f.tag, m.value(f).to_vec()))
        .collect()
}

fn owned(list: &[(i32, &str)]) -> Vec<(i32, Vec<u8>)> {
    list.iter()
        .map(|(t, v)| (*t, v.as_bytes().to_vec()))
        .collect()
}

fn assert_bytes(actual: &[u8], expected: &[u8]) {
    assert_eq!(
        support::show(actual),
        support::show(expected),
        "bytes differ"
    );
    assert_eq!(actual, expected);
}

/// Our session header, deliberately given out of tag order.
fn our_header(seq: &'static str) -> Vec<(i32, &'static str)> {
    vec![(56, "TW"), (52, TIME), (34, seq), (49, "ISLD")]
}

#[test]
fn encode_logon_response() {
    let out = encode_with(b"A", &our_header("1"), &[(98, "0"), (108, "30")]);
    assert_bytes(&out, LOGON);
}

#[test]
fn encode_heartbeat_with_test_req_id() {
    let out = encode_with(b"0", &our_header("2"), &[(112, "TEST")]);
    assert_bytes(&out, HEARTBEAT);
}

#[test]
fn encode_reject_with_ref_tag_id() {
    let out = encode_with(
        b"3",
        &our_header("3"),
        &[
            (45, "3"),
            (58, "Required tag missing"),
            (371, "11"),
            (372, "D"),
            (373, "1"),
        ],
    );
    assert_bytes(&out, REJECT);
}

#[test]
fn encode_gap_fill_with_poss_dup_and_orig_sending_time() {
    let mut header = our_header("2");
    header.push((122, TIME));
    header.push((43, "Y"));
    let out = encode_with(b"4", &header, &[(36, "4"), (123, "Y")]);
    assert_bytes(&out, GAP_FILL);
}

#[test]
fn encode_new_order_single_echo() {
    let out = encode_with(
        b"D",
        &our_header("4"),
        &[
            (11, "ORD-1"),
            (21, "1"),
            (38, "100"),
            (40, "2"),
            (44, "10.25"),
            (54, "1"),
            (55, "IBM"),
            (60, "20261207-01:02:03.000"),
        ],
    );
    assert_bytes(&out, ORDER_ECHO);
}

#[test]
fn encode_data_field_holding_soh() {
    let header = vec![(56, "ISLD"), (49, "TW"), (52, TIME), (34, "1")];
    let out = encode_with(
        b"A",
        &header,
        &[(95, "7"), (96, "a\x01b=c\x01d"), (98, "0"), (108, "30")],
    );
    assert_bytes(&out, RAW_DATA_LOGON);
}

#[test]
fn with_trailer_matches_the_golden_logon() {
    let rest = &LOGON[b"8=FIX.4.4\x019=61\x01".len()..LOGON.len() - b"10=205\x01".len()];
    assert_bytes(&with_trailer(rest), LOGON);
}

fn common_header(seq: &str) -> Vec<(i32, &str)> {
    vec![
        (8, "FIX.4.4"),
        (9, ""),
        (35, ""),
        (34, seq),
        (49, "ISLD"),
        (52, TIME),
        (56, "TW"),
    ]
}

/// `expected` with BodyLength, MsgType and CheckSum filled in.
fn expect(
    seq: &str,
    body_length: &str,
    msg_type: &str,
    extra_header: &[(i32, &str)],
    body: &[(i32, &str)],
    check_sum: &str,
) -> Vec<(i32, Vec<u8>)> {
    let mut v = common_header(seq);
    v[1].1 = body_length;
    v[2].1 = msg_type;
    v.extend_from_slice(extra_header);
    v.extend_from_slice(body);
    v.push((10, check_sum));
    owned(&v)
}

fn parse_golden(bytes: &[u8]) -> Message {
    let d = dict();
    let m = Message::parse(bytes.to_vec(), &d).expect("golden vector parses");
    validate::validate(&m, &validate::tree(&m, &d), &d).expect("golden vector is valid");
    assert_eq!(m.raw(), bytes);
    m
}

#[test]
fn parse_logon_response() {
    let m = parse_golden(LOGON);
    assert_eq!(
        fields(&m),
        expect("1", "61", "A", &[], &[(98, "0"), (108, "30")], "205")
    );
    assert_eq!(m.msg_type(), b"A");
    assert_eq!(m.begin_string(), b"FIX.4.4");
    assert_eq!(m.seq_num(), Some(1));
    assert_eq!(m.get_u64(108), Some(30));
}

#[test]
fn parse_heartbeat_with_test_req_id() {
    let m = parse_golden(HEARTBEAT);
    assert_eq!(
        fields(&m),
        expect("2", "58", "0", &[], &[(112, "TEST")], "188")
    );
    assert_eq!(m.get_str(112), Some("TEST"));
}

#[test]
fn parse_reject_with_ref_tag_id() {
    let m = parse_golden(REJECT);
    assert_eq!(
        fields(&m),
        expect(
            "3",
            "97",
            "3",
            &[],
            &[
                (45, "3"),
                (58, "Required tag missing"),
                (371, "11"),
                (372, "D"),
                (373, "1")
            ],
            "082"
        )
    );
    assert_eq!(m.get_u64(371), Some(11));
}

#[test]
fn parse_gap_fill() {
    let m = parse_golden(GAP_FILL);
    let mut want = owned(&[
        (8, "FIX.4.4"),
        (9, "91"),
        (35, "4"),
        (34, "2"),
        (43, "Y"),
        (49, "ISLD"),
        (52, TIME),
        (56, "TW"),
        (122, TIME),
        (36, "4"),
        (123, "Y"),
    ]);
    want.push((10, b"172".to_vec()));
    assert_eq!(fields(&m), want);
    assert!(m.flag(43) && m.flag(123));
    assert_eq!(m.get_u64(36), Some(4));
}

#[test]
fn parse_new_order_single_echo() {
    let m = parse_golden(ORDER_ECHO);
    assert_eq!(
        fields(&m),
        expect(
            "4",
            "121",
            "D",
            &[],
            &[
                (11, "ORD-1"),
                (21, "1"),
                (38, "100"),
                (40, "2"),
                (44, "10.25"),
                (54, "1"),
                (55, "IBM"),
                (60, "20261207-01:02:03.000"),
            ],
            "091"
        )
    );
}

#[test]
fn parse_data_field_holding_soh_with_the_dictionary() {
    let m = parse_golden(RAW_DATA_LOGON);
    assert_eq!(
        fields(&m),
        owned(&[
            (8, "FIX.4.4"),
            (9, "77"),
            (35, "A"),
            (34, "1"),
            (49, "TW"),
            (52, TIME),
            (56, "ISLD"),
            (95, "7"),
            (96, "a\x01b=c\x01d"),
            (98, "0"),
            (108, "30"),
            (10, "045"),
        ])
    );
    assert_eq!(m.get(96), Some(&b"a\x01b=c\x01d"[..]));
    // Without the dictionary RawData is an ordinary field: it ends at the first SOH, and
    // `b=c` is then a field with a non-numeric tag.
    assert_eq!(
        Message::parse(RAW_DATA_LOGON.to_vec(), &()),
        Err(Garbled::BadField)
    );
}

#[test]
fn a_data_field_ending_in_soh_is_read_by_its_length() {
    // RawDataLength 3, RawData `xy<SOH>`: the value's own SOH is followed by the delimiter.
    let msg = with_trailer(
        b"35=A\x0134=1\x0149=TW\x0152=20261207-01:02:03.456\x0156=ISLD\x0195=3\x0196=xy\x01\x0198=0\x01108=30\x01",
    );
    let m = Message::parse(msg, &dict()).unwrap();
    assert_eq!(m.get(96), Some(&b"xy\x01"[..]));
    assert_eq!(m.get(98), Some(&b"0"[..]));
}

#[test]
fn a_data_field_with_a_wrong_length_falls_back_to_the_next_soh() {
    // RawDataLength 5 does not end on an SOH: QuickFIX reads to the next SOH instead, so
    // the SOH inside the value makes the rest unparseable.
    let msg = with_trailer(
        b"35=A\x0134=1\x0149=TW\x0152=20261207-01:02:03.456\x0156=ISLD\x0195=5\x0196=a\x01b=c\x01d\x0198=0\x01108=30\x01",
    );
    assert_eq!(Message::parse(msg, &dict()), Err(Garbled::BadField));
}

#[test]
fn one_byte_off_is_garbled() {
    let mut wrong_sum = LOGON.to_vec();
    let n = wrong_sum.len();
    wrong_sum[n - 2] = b'6'; // 205 -> 206
    assert_eq!(Message::parse(wrong_sum, &dict()), Err(Garbled::CheckSum));
    let mut wrong_len = LOGON.to_vec();
    wrong_len[13] = b'2'; // 9=61 -> 9=62
    assert_eq!(&wrong_len[10..15], b"9=62\x01");
    assert_eq!(Message::parse(wrong_len, &dict()), Err(Garbled::BodyLength));
}

/// The acceptor writes the golden bytes: logon, TestRequest, an order without ClOrdID, an
/// order, a ResendRequest for 2..3, all at 2026-12-07 01:02:03.456.
#[test]
fn the_acceptor_writes_the_golden_bytes() {
    let session = Session::new(0, SessionConfig::fix44("ISLD", "TW"), Store::memory());
    let mut h = Harness::echo(vec![session]);
    let peer = Peer::default();
    let c = h.connect(T0);
    let mut written = Vec::new();
    let mut step = |h: &mut Harness<_>, bytes: Vec<u8>| {
        h.acc.receive(c, &bytes, T0);
        for (conn, o) in h.acc.take_outputs() {
            assert_eq!(conn, c);
            match o {
                Output::Write(b) => written.push(b),
                Output::Close => panic!("closed"),
            }
        }
    };
    step(&mut h, peer.logon(1, T0, 30));
    step(&mut h, peer.test_request(2, T0, "TEST"));
    step(
        &mut h,
        peer.msg(
            "D",
            3,
            T0,
            &[],
            "55=IBM|54=1|38=100|40=2|44=10.25|21=1|60=20261207-01:02:03.000|",
        ),
    );
    step(&mut h, peer.order(4, T0, "ORD-1"));
    step(&mut h, peer.resend_request(5, T0, 2, 3));
    let shown: Vec<String> = written.iter().map(|b| support::show(b)).collect();
    let golden: Vec<String> = [LOGON, HEARTBEAT, REJECT, ORDER_ECHO, GAP_FILL]
        .iter()
        .map(|b| support::show(b))
        .collect();
    assert_eq!(shown, golden);
}
