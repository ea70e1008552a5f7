//! Cuts FIX messages out of a TCP byte stream: `8=...<SOH>9=<BodyLength><SOH>`, the body, then
//! `10=<CheckSum><SOH>`, with the BodyLength and the CheckSum checked; and finds a field in a
//! message. Reads go into one buffer owned by the framer, compacted as messages are consumed.

use std::io::{self, Read};

use anyhow::{bail, Result};

use super::message::{checksum, SOH};

/// Bytes read from the socket at a time (at least).
const READ: usize = 64 * 1024;
/// Longest message accepted.
const MAX_MESSAGE: usize = 1 << 20;
/// Bytes of the trailer `10=NNN<SOH>`.
const TRAILER: usize = 7;

/// Buffered bytes of one connection, cut into messages.
#[derive(Debug)]
pub struct Framer {
    buf: Vec<u8>,
    /// First byte not yet handed out.
    start: usize,
    /// End of the bytes read.
    end: usize,
}

impl Default for Framer {
    fn default() -> Framer {
        Framer {
            buf: vec![0; 2 * READ],
            start: 0,
            end: 0,
        }
    }
}

impl Framer {
    /// Reads what `source` has (one `read` call) after the buffered bytes; `Ok(0)` means the
    /// peer closed the connection. A non-blocking socket with nothing to read gives the
    /// `WouldBlock` error.
    pub fn fill(&mut self, source: &mut impl Read) -> io::Result<usize> {
        if self.start == self.end {
            (self.start, self.end) = (0, 0);
        } else if self.buf.len() - self.end < READ {
            self.buf.copy_within(self.start..self.end, 0);
            (self.start, self.end) = (0, self.end - self.start);
            if self.buf.len() - self.end < READ {
                self.buf.resize(self.end + READ, 0);
            }
        }
        let n = source.read(&mut self.buf[self.end..])?;
        self.end += n;
        Ok(n)
    }

    /// The next whole message buffered, if any. An error means the stream is not FIX (or a
    /// CheckSum is wrong): nothing after it can be trusted.
    pub fn next_message(&mut self) -> Result<Option<&[u8]>> {
        let data = &self.buf[self.start..self.end];
        let Some(total) = frame_len(data)? else {
            return Ok(None);
        };
        let message = &self.buf[self.start..self.start + total];
        self.start += total;
        Ok(Some(message))
    }
}

/// The length of the message at the start of `data` if it is all there, checked.
pub fn frame_len(data: &[u8]) -> Result<Option<usize>> {
    let shown = || String::from_utf8_lossy(&data[..data.len().min(80)]).replace('\x01', "|");
    if data.len() < 2 {
        return Ok(None);
    }
    if !data.starts_with(b"8=") {
        bail!("a message does not start with 8=: {}", shown());
    }
    let Some(begin_end) = data.iter().position(|&b| b == SOH) else {
        return Ok(None);
    };
    let rest = &data[begin_end + 1..];
    if rest.len() < 2 {
        return Ok(None);
    }
    if !rest.starts_with(b"9=") {
        bail!("BodyLength (9) does not follow BeginString: {}", shown());
    }
    let Some(len_end) = rest.iter().position(|&b| b == SOH) else {
        return Ok(None);
    };
    let Some(body_len) = parse_number(&rest[2..len_end]) else {
        bail!("BodyLength is not a number: {}", shown());
    };
    let header = begin_end + 1 + len_end + 1;
    let total = header + body_len + TRAILER;
    if total > MAX_MESSAGE {
        bail!("a message of {total} bytes: {}", shown());
    }
    if data.len() < total {
        return Ok(None);
    }
    let trailer = &data[total - TRAILER..total];
    if !trailer.starts_with(b"10=") || trailer[TRAILER - 1] != SOH {
        bail!("no CheckSum where BodyLength {body_len} ends: {}", shown());
    }
    let sum = checksum(&data[..total - TRAILER]);
    if parse_number(&trailer[3..6]) != Some(usize::from(sum)) {
        bail!("CheckSum is not {sum:03}: {}", shown());
    }
    Ok(Some(total))
}

/// A decimal number of 1 to 18 digits.
fn parse_number(digits: &[u8]) -> Option<usize> {
    if digits.is_empty() || digits.len() > 18 || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(
        digits
            .iter()
            .fold(0, |n, &d| n * 10 + usize::from(d - b'0')),
    )
}

/// The value of the first field `tag` of `message`.
pub fn get(message: &[u8], tag: u32) -> Option<&[u8]> {
    message.split(|&b| b == SOH).find_map(|f| {
        let eq = f.iter().position(|&b| b == b'=')?;
        (parse_number(&f[..eq]) == Some(tag as usize)).then(|| &f[eq + 1..])
    })
}

/// A message as text with `|` for SOH, clipped, for reports.
pub fn shown(message: &[u8]) -> String {
    String::from_utf8_lossy(&message[..message.len().min(400)]).replace('\x01', "|")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fix::message::Encoder;

    fn two_messages() -> Vec<u8> {
        let mut e = Encoder::new("FIX.4.4", "S", "T");
        let mut out = Vec::new();
        e.logon(&mut out, 0, 30);
        e.logout(&mut out, 0);
        out
    }

    #[test]
    fn cuts_messages_read_in_pieces() {
        let all = two_messages();
        for cut in [1, 5, 20, all.len() / 2, all.len() - 1] {
            let mut framer = Framer::default();
            let mut got = Vec::new();
            for piece in [&all[..cut], &all[cut..]] {
                framer.fill(&mut &piece[..]).expect("reads from a slice");
                while let Some(m) = framer.next_message().expect("valid FIX") {
                    got.push(get(m, 35).map(<[u8]>::to_vec));
                }
            }
            assert_eq!(
                got,
                vec![Some(b"A".to_vec()), Some(b"5".to_vec())],
                "cut {cut}"
            );
        }
    }

    #[test]
    fn finds_fields_and_refuses_bad_streams() {
        let all = two_messages();
        let first = frame_len(&all).expect("valid").expect("whole");
        let m = &all[..first];
        assert_eq!(get(m, 108), Some(&b"30"[..]));
        assert_eq!(get(m, 34), Some(&b"1"[..]));
        assert_eq!(get(m, 11), None);
        assert_eq!(frame_len(&all[..first - 1]).expect("valid so far"), None);
        let mut bad = all.clone();
        bad[first - 2] = if bad[first - 2] == b'0' { b'1' } else { b'0' };
        assert!(frame_len(&bad).is_err(), "wrong CheckSum");
        assert!(frame_len(b"9=5\x01").is_err());
        assert!(frame_len(b"8=FIX.4.4\x019=x\x01").is_err());
        assert!(shown(m).starts_with("8=FIX.4.4|9="));
    }
}
