//! [`FrameReader`] fed a stream split at arbitrary points.

mod common;

use common::{message, to_bytes};
use proptest::prelude::*;
use tradestream_quic::*;

/// Feeds `stream` to a reader in chunks of the given sizes (cycled), draining messages after
/// every push.
fn read_in_chunks(stream: &[u8], chunks: &[usize]) -> (Vec<Message>, FrameReader) {
    let mut reader = FrameReader::new();
    let mut got = Vec::new();
    let mut pos = 0;
    let mut sizes = chunks.iter().copied().cycle();
    while pos < stream.len() {
        let n = sizes
            .next()
            .unwrap_or(stream.len())
            .clamp(1, stream.len() - pos);
        reader.push(&stream[pos..pos + n]);
        pos += n;
        while let Some(msg) = reader.next_message().unwrap() {
            got.push(msg);
        }
    }
    (got, reader)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn yields_exactly_the_messages_sent(
        msgs in prop::collection::vec(message(), 0..40),
        chunks in prop::collection::vec(0usize..600, 1..20),
    ) {
        let mut stream = Vec::new();
        for m in &msgs {
            encode(m, &mut stream);
        }
        let (got, reader) = read_in_chunks(&stream, &chunks);
        prop_assert_eq!(got, msgs);
        prop_assert_eq!(reader.buffered(), 0);
        prop_assert!(!reader.is_corrupt());
    }

    #[test]
    fn byte_at_a_time(msgs in prop::collection::vec(message(), 1..5)) {
        let stream: Vec<u8> = msgs.iter().flat_map(to_bytes).collect();
        let (got, _) = read_in_chunks(&stream, &[1]);
        prop_assert_eq!(got, msgs);
    }
}

#[test]
fn partial_frame_stays_buffered() {
    let msg = Message::Heartbeat(Heartbeat { timestamp: 7 });
    let bytes = to_bytes(&msg);
    let mut reader = FrameReader::new();
    reader.push(&bytes);
    reader.push(&bytes[..3]);
    assert_eq!(reader.next_message(), Ok(Some(msg.clone())));
    assert_eq!(reader.next_message(), Ok(None));
    assert_eq!(reader.buffered(), 3);
    reader.push(&bytes[3..]);
    assert_eq!(reader.next_message(), Ok(Some(msg)));
    assert_eq!(reader.buffered(), 0);
}

#[test]
fn corrupt_stream_error_is_sticky() {
    let msg = Message::Heartbeat(Heartbeat { timestamp: 7 });
    let mut reader = FrameReader::new();
    reader.push(&to_bytes(&msg));
    reader.push(b"XX garbage");
    reader.push(&to_bytes(&msg));
    assert_eq!(reader.next_message(), Ok(Some(msg.clone())));
    assert_eq!(reader.next_message(), Err(DecodeError::BadMagic));
    assert!(reader.is_corrupt());
    reader.push(&to_bytes(&msg));
    assert_eq!(reader.next_message(), Err(DecodeError::BadMagic));
    assert_eq!(reader.buffered(), 0);
}
