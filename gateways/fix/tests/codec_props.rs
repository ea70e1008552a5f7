//! Property tests of the codec: encode/parse round trips against an independent model of the
//! encoding, framing of a stream of messages cut at arbitrary points, and detection of any
//! single-byte corruption of the BodyLength or CheckSum digits.

mod support;

use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::Index;
use support::dict;
use tradestream_fix::codec::encode::encode;
use tradestream_fix::codec::frame::{next_frame, Frame};
use tradestream_fix::codec::parse::{Garbled, Message};
use tradestream_fix::codec::time::{parse_timestamp, timestamp};
use tradestream_fix::validate;

type Fields = Vec<(i32, Vec<u8>)>;

/// Tags 1..9999 but BeginString, BodyLength, CheckSum and MsgType.
fn tag() -> impl Strategy<Value = i32> {
    (1i32..10_000).prop_filter("not 8/9/10/35", |t| !matches!(t, 8 | 9 | 10 | 35))
}

/// Values without SOH (empty ones included), biased towards FIX-looking bytes.
fn value() -> impl Strategy<Value = Vec<u8>> {
    let byte = prop_oneof![
        4 => any::<u8>().prop_filter("no SOH", |b| *b != 0x01),
        1 => prop::sample::select(b"=0189|".to_vec()),
    ];
    vec(byte, 0..16)
}

fn fields(max: usize) -> impl Strategy<Value = Fields> {
    vec((tag(), value()), 0..max)
}

fn msg_type() -> impl Strategy<Value = Vec<u8>> {
    "[0-9A-Za-z]{1,2}".prop_map(String::into_bytes)
}

/// A message to encode: MsgType, header fields, body fields.
#[derive(Debug, Clone)]
struct Msg {
    msg_type: Vec<u8>,
    header: Fields,
    body: Fields,
}

fn msg() -> impl Strategy<Value = Msg> {
    (msg_type(), fields(5), fields(12)).prop_map(|(msg_type, header, body)| Msg {
        msg_type,
        header,
        body,
    })
}

fn body_bytes(body: &Fields) -> Vec<u8> {
    let mut b = Vec::new();
    for (t, v) in body {
        b.extend_from_slice(t.to_string().as_bytes());
        b.push(b'=');
        b.extend_from_slice(v);
        b.push(0x01);
    }
    b
}

fn encoded(m: &Msg) -> Vec<u8> {
    let mut h: Vec<(i32, &[u8])> = m.header.iter().map(|(t, v)| (*t, v.as_slice())).collect();
    let mut out = Vec::new();
    encode(
        b"FIX.4.4",
        &m.msg_type,
        &mut h,
        &body_bytes(&m.body),
        &mut out,
    );
    out
}

/// The fields `encode` must produce, computed without the crate: 8, 9 (the byte count of
/// the fields between 9 and 10), 35, the header in ascending tag order (equal tags in the
/// order given), the body as given, 10 (the byte sum modulo 256, three digits).
fn model(m: &Msg) -> (Fields, Vec<u8>) {
    let mut tags: Vec<i32> = m.header.iter().map(|(t, _)| *t).collect();
    tags.sort_unstable();
    tags.dedup();
    let mut middle: Fields = vec![(35, m.msg_type.clone())];
    for t in tags {
        middle.extend(m.header.iter().filter(|(u, _)| *u == t).cloned());
    }
    middle.extend(m.body.iter().cloned());
    let len: usize = middle
        .iter()
        .map(|(t, v)| t.to_string().len() + 1 + v.len() + 1)
        .sum();
    let mut all: Fields = vec![(8, b"FIX.4.4".to_vec()), (9, len.to_string().into_bytes())];
    all.extend(middle);
    let text = body_bytes(&all);
    let sum = text.iter().map(|b| u32::from(*b)).sum::<u32>() % 256;
    let ck = format!("{sum:03}").into_bytes();
    all.push((10, ck));
    let bytes = body_bytes(&all);
    (all, bytes)
}

fn parsed_fields(m: &Message) -> Fields {
    m.fields()
        .iter()
        .map(|f| (f.tag, m.value(f).to_vec()))
        .collect()
}

/// Reads frames from `chunks` as the acceptor does: append a chunk, take every complete
/// message, drop what `Incomplete` and `Garbled` say may go. Returns the frames (bytes, or
/// `None` for a garbled one) and what stays buffered.
fn read_frames(chunks: &[&[u8]]) -> (Vec<Option<Vec<u8>>>, Vec<u8>) {
    let mut buf = Vec::new();
    let mut frames = Vec::new();
    for chunk in chunks {
        buf.extend_from_slice(chunk);
        loop {
            match next_frame(&buf) {
                Frame::Incomplete { skip } => {
                    assert!(skip <= buf.len());
                    buf.drain(..skip);
                    break;
                }
                Frame::Message { start, end } => {
                    assert!(start < end && end <= buf.len());
                    frames.push(Some(buf[start..end].to_vec()));
                    buf.drain(..end);
                }
                Frame::Garbled { drop } => {
                    assert!(drop > 0 && drop <= buf.len());
                    frames.push(None);
                    buf.drain(..drop);
                }
            }
        }
    }
    (frames, buf)
}

fn cut(stream: &[u8], cuts: &[Index]) -> Vec<Vec<u8>> {
    let mut at: Vec<usize> = cuts.iter().map(|i| i.index(stream.len() + 1)).collect();
    at.push(0);
    at.push(stream.len());
    at.sort_unstable();
    at.dedup();
    at.windows(2).map(|w| stream[w[0]..w[1]].to_vec()).collect()
}

/// Bytes that hold no `8=` (so a reader skips them).
fn noise() -> impl Strategy<Value = Vec<u8>> {
    vec(any::<u8>(), 0..24).prop_map(|mut v| {
        for i in 1..v.len() {
            if v[i - 1] == b'8' && v[i] == b'=' {
                v[i] = b'-';
            }
        }
        v
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(support::cases(512)))]

    #[test]
    fn encode_then_parse_round_trips(m in msg()) {
        let out = encoded(&m);
        let (want, want_bytes) = model(&m);
        prop_assert_eq!(&out, &want_bytes, "encode differs from the model");
        let parsed = Message::parse(out.clone(), &()).expect("an encoded message parses");
        prop_assert_eq!(parsed_fields(&parsed), want);
        prop_assert_eq!(parsed.msg_type(), &m.msg_type[..]);
        prop_assert_eq!(parsed.raw(), &out[..]);
    }

    #[test]
    fn framing_recovers_the_messages_from_any_cuts(
        msgs in vec((noise(), msg()), 1..6),
        cuts in vec(any::<Index>(), 0..12),
    ) {
        let mut stream = Vec::new();
        let mut want = Vec::new();
        for (junk, m) in &msgs {
            stream.extend_from_slice(junk);
            let e = encoded(m);
            stream.extend_from_slice(&e);
            want.push(Some(e));
        }
        let chunks = cut(&stream, &cuts);
        let refs: Vec<&[u8]> = chunks.iter().map(Vec::as_slice).collect();
        let (frames, rest) = read_frames(&refs);
        prop_assert_eq!(frames, want);
        prop_assert!(rest.is_empty(), "left over: {:?}", rest);
        // and byte by byte
        let bytes: Vec<&[u8]> = stream.chunks(1).collect();
        let (one_by_one, _) = read_frames(&bytes);
        prop_assert_eq!(one_by_one.len(), msgs.len());
    }

    #[test]
    fn corrupting_a_length_or_checksum_digit_is_detected(
        m in msg(),
        next in msg(),
        which in any::<Index>(),
        replacement in any::<u8>(),
        checksum_side in any::<bool>(),
        follow in any::<bool>(),
    ) {
        let original = encoded(&m);
        let (want_fields, _) = model(&m);
        // positions of the digits of 9= and 10=
        let len_digits = {
            let from = b"8=FIX.4.4\x019=".len();
            let to = from + original[from..].iter().position(|b| *b == 0x01).unwrap();
            from..to
        };
        let ck_digits = original.len() - 4..original.len() - 1;
        let range = if checksum_side { ck_digits } else { len_digits };
        let pos = range.start + which.index(range.len());
        prop_assume!(original[pos] != replacement);
        let mut corrupt = original.clone();
        corrupt[pos] = replacement;
        let follower = encoded(&next);
        let mut stream = corrupt.clone();
        if follow {
            stream.extend_from_slice(&follower);
        }
        let (frames, _) = read_frames(&[&stream]);
        for f in frames.into_iter().flatten() {
            let Ok(p) = Message::parse(f.clone(), &()) else { continue };
            if follow && f == follower {
                continue;
            }
            // A corrupted message may only be accepted when nothing it says changed: an
            // SOH replacing a trailing digit of the CheckSum `000`, so `10=0` or `10=00`
            // remains, which is still 0.
            let mut got = parsed_fields(&p);
            let mut want = want_fields.clone();
            prop_assert_eq!(got.pop().map(|(t, _)| t), Some(10));
            prop_assert_eq!(p.get_u64(10), Some(0));
            want.pop();
            prop_assert_eq!(got, want);
            prop_assert!(
                checksum_side && replacement == 0x01 && &original[original.len() - 4..] == b"000\x01",
                "a corrupted message was accepted: {}", support::show(&f)
            );
        }
    }

    #[test]
    fn a_wrong_body_length_with_a_right_checksum_is_garbled(m in msg(), delta in 1usize..50, up in any::<bool>()) {
        let (fields, _) = model(&m);
        let real: usize = std::str::from_utf8(&fields[1].1).unwrap().parse().unwrap();
        let wrong = if up { real + delta } else { real.saturating_sub(delta) };
        prop_assume!(wrong != real);
        let mut bad = fields.clone();
        bad[1].1 = wrong.to_string().into_bytes();
        bad.pop();
        let mut bytes = body_bytes(&bad);
        let sum = bytes.iter().map(|b| u32::from(*b)).sum::<u32>() % 256;
        bytes.extend_from_slice(format!("10={sum:03}\x01").as_bytes());
        prop_assert_eq!(Message::parse(bytes, &()), Err(Garbled::BodyLength));
    }

    #[test]
    fn data_fields_round_trip_through_the_dictionary(data in vec(any::<u8>(), 1..40)) {
        let mut body = format!("95={}\x0196=", data.len()).into_bytes();
        body.extend_from_slice(&data);
        body.extend_from_slice(b"\x0198=0\x01108=30\x01");
        let mut h: Vec<(i32, &[u8])> = vec![
            (34, b"1"),
            (49, b"TW"),
            (52, b"20261207-01:02:03.456"),
            (56, b"ISLD"),
        ];
        let mut out = Vec::new();
        encode(b"FIX.4.4", b"A", &mut h, &body, &mut out);
        let d = dict();
        let m = Message::parse(out, &d).expect("parses with the dictionary");
        prop_assert_eq!(m.get(96), Some(&data[..]));
        prop_assert_eq!(m.get(98), Some(&b"0"[..]));
        prop_assert_eq!(m.get_u64(108), Some(30));
        prop_assert_eq!(validate::validate(&m, &validate::tree(&m, &d), &d), Ok(()));
    }

    #[test]
    fn timestamps_round_trip(ms in 0i64..253_402_300_800_000) {
        let t = timestamp(ms);
        prop_assert_eq!(t.len(), 21);
        prop_assert_eq!(parse_timestamp(&t), Some(ms));
        // second precision parses to the same second
        prop_assert_eq!(parse_timestamp(&t[..17]), Some(ms - ms % 1000));
    }
}

#[test]
fn the_model_matches_a_hand_computed_vector() {
    // Guards the model itself: 9=21 and 10=191 computed by hand.
    let m = Msg {
        msg_type: b"0".to_vec(),
        header: vec![(49, b"B".to_vec()), (34, b"2".to_vec())],
        body: vec![(112, b"X".to_vec())],
    };
    let (_, bytes) = model(&m);
    assert_eq!(
        support::show(&bytes),
        "8=FIX.4.4|9=21|35=0|34=2|49=B|112=X|10=191|"
    );
}
