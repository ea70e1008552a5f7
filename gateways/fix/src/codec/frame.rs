//! Framing: finding one complete message in a receive buffer, by QuickFIX's parser rules.
//!
//! A message starts at `8=`; `9=<length>` gives the body length; the message ends at the first
//! `<SOH>10=...<SOH>` found from one byte before the end of the body. Bytes before `8=` are
//! dropped. Whether the length and checksum are right is checked by [`crate::codec::parse`], so
//! a message with a wrong BodyLength still frames (and is then reported as garbled), exactly as
//! QuickFIX frames it.

use super::SOH;

/// The largest message accepted; a longer BodyLength is treated as garbage.
pub const MAX_MESSAGE: usize = 1 << 20;

/// What the start of a buffer holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Frame {
    /// Not enough bytes yet. `skip` leading bytes hold no message start and may be dropped.
    Incomplete {
        /// Bytes before the first `8=` (or all but the last byte when there is none).
        skip: usize,
    },
    /// A message occupies `start..end`.
    Message {
        /// Offset of its `8=`.
        start: usize,
        /// One past its final SOH.
        end: usize,
    },
    /// `9=` holds no valid length: drop `drop` bytes (the message start up to the next `8=`).
    Garbled {
        /// Bytes to drop.
        drop: usize,
    },
}

fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    if from >= hay.len() {
        return None;
    }
    hay[from..]
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + from)
}

/// Looks for the first message in `buf`.
pub fn next_frame(buf: &[u8]) -> Frame {
    let Some(start) = find(buf, b"8=", 0) else {
        return Frame::Incomplete {
            skip: buf.len().saturating_sub(1),
        };
    };
    let Some(len_at) = find(buf, b"\x019=", start) else {
        return Frame::Incomplete { skip: start };
    };
    let digits = len_at + 3;
    let Some(len_end) = buf[digits..]
        .iter()
        .position(|b| *b == SOH)
        .map(|p| p + digits)
    else {
        if buf.len() - digits > 12 {
            return garbled(buf, start);
        }
        return Frame::Incomplete { skip: start };
    };
    let Some(length) = parse_length(&buf[digits..len_end]) else {
        return garbled(buf, start);
    };
    if length > MAX_MESSAGE {
        return garbled(buf, start);
    }
    let body_end = len_end + 1 + length;
    if buf.len() < body_end {
        return Frame::Incomplete { skip: start };
    }
    let Some(ck) = find(buf, b"\x0110=", body_end - 1) else {
        return Frame::Incomplete { skip: start };
    };
    let Some(end) = buf[ck + 4..].iter().position(|b| *b == SOH) else {
        return Frame::Incomplete { skip: start };
    };
    Frame::Message {
        start,
        end: ck + 4 + end + 1,
    }
}

fn garbled(buf: &[u8], start: usize) -> Frame {
    // Without a further `8=`, keep a final `8`: it may start the next message.
    let drop =
        find(buf, b"8=", start + 2).unwrap_or(buf.len() - usize::from(buf.last() == Some(&b'8')));
    Frame::Garbled { drop }
}

fn parse_length(digits: &[u8]) -> Option<usize> {
    if digits.is_empty() || digits.len() > 9 || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(
        digits
            .iter()
            .fold(0usize, |a, d| a * 10 + usize::from(d - b'0')),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn soh(s: &str) -> Vec<u8> {
        s.replace('|', "\x01").into_bytes()
    }

    #[test]
    fn frames_a_message_and_skips_leading_garbage() {
        let m = soh("xx8=FIX.4.4|9=5|35=0|10=163|8=FIX");
        assert_eq!(next_frame(&m), Frame::Message { start: 2, end: 28 });
    }

    #[test]
    fn waits_for_the_rest() {
        let m = soh("8=FIX.4.4|9=5|35=0|10=16");
        assert_eq!(next_frame(&m), Frame::Incomplete { skip: 0 });
        assert_eq!(next_frame(b"abc"), Frame::Incomplete { skip: 2 });
    }

    #[test]
    fn a_short_length_still_frames_at_the_next_checksum() {
        let m = soh("8=FIX.4.4|9=2|35=0|34=2|10=163|");
        assert_eq!(
            next_frame(&m),
            Frame::Message {
                start: 0,
                end: m.len()
            }
        );
    }

    #[test]
    fn a_bad_length_is_garbled() {
        let m = soh("8=FIX.4.4|9=x|35=0|10=163|8=FIX.4.4|");
        assert_eq!(next_frame(&m), Frame::Garbled { drop: 26 });
    }
}
