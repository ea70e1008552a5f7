//! Encoding outbound messages: `8=BeginString`, `9=BodyLength`, `35=MsgType`, the other
//! header fields in ascending tag order (as QuickFIX orders its header), the body as the
//! application wrote it, then `10=CheckSum`.

use super::{checksum, tag, SOH};

/// An outbound message before the session stamps its header (MsgSeqNum, CompIDs,
/// SendingTime): its type, extra header fields and body.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Outgoing {
    /// MsgType (35).
    pub msg_type: Vec<u8>,
    /// Header fields other than the ones the session stamps (e.g. PossResend, routing).
    pub header: Vec<(i32, Vec<u8>)>,
    /// The body, already encoded as `tag=value<SOH>` fields.
    pub body: Vec<u8>,
}

impl Outgoing {
    /// An empty message of type `msg_type`.
    pub fn new(msg_type: &[u8]) -> Outgoing {
        Outgoing {
            msg_type: msg_type.to_vec(),
            header: Vec::new(),
            body: Vec::with_capacity(128),
        }
    }

    /// Appends a body field.
    pub fn field(&mut self, tag: i32, value: impl AsRef<[u8]>) -> &mut Outgoing {
        push_field(&mut self.body, tag, value.as_ref());
        self
    }

    /// Appends an integer body field.
    pub fn int(&mut self, tag: i32, value: i64) -> &mut Outgoing {
        let mut b = itoa::Buffer::new();
        self.field(tag, b.format(value))
    }

    /// Sets a header field (replacing one with the same tag).
    pub fn header_field(&mut self, tag: i32, value: impl AsRef<[u8]>) -> &mut Outgoing {
        self.header.retain(|(t, _)| *t != tag);
        self.header.push((tag, value.as_ref().to_vec()));
        self
    }

    /// True for session-level (admin) message types.
    pub fn is_admin(&self) -> bool {
        is_admin(&self.msg_type)
    }
}

/// True for the session-level message types: 0, 1, 2, 3, 4, 5 and A.
pub fn is_admin(msg_type: &[u8]) -> bool {
    matches!(msg_type, b"0" | b"1" | b"2" | b"3" | b"4" | b"5" | b"A")
}

/// Appends `tag=value<SOH>`.
pub fn push_field(out: &mut Vec<u8>, tag: i32, value: &[u8]) {
    let mut b = itoa::Buffer::new();
    out.extend_from_slice(b.format(tag).as_bytes());
    out.push(b'=');
    out.extend_from_slice(value);
    out.push(SOH);
}

/// Encodes a whole message into `out` (cleared first). `header` holds every header field but
/// 8, 9 and 35; it is sorted by tag here.
pub fn encode(
    begin_string: &[u8],
    msg_type: &[u8],
    header: &mut [(i32, &[u8])],
    body: &[u8],
    out: &mut Vec<u8>,
) {
    header.sort_by_key(|(t, _)| *t);
    let mut rest = Vec::with_capacity(64 + body.len());
    push_field(&mut rest, tag::MSG_TYPE, msg_type);
    for (t, v) in header.iter() {
        push_field(&mut rest, *t, v);
    }
    rest.extend_from_slice(body);
    out.clear();
    push_field(out, tag::BEGIN_STRING, begin_string);
    let mut b = itoa::Buffer::new();
    push_field(out, tag::BODY_LENGTH, b.format(rest.len()).as_bytes());
    out.extend_from_slice(&rest);
    let sum = checksum(out);
    out.extend_from_slice(b"10=");
    out.push(b'0' + sum / 100);
    out.push(b'0' + sum / 10 % 10);
    out.push(b'0' + sum % 10);
    out.push(SOH);
}

/// `8=FIX.4.4`, the right BodyLength before `rest` (which starts at MsgType) and the CheckSum
/// after it: a whole message from its fields, for tests and tools.
pub fn with_trailer(rest: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(rest.len() + 32);
    push_field(&mut out, tag::BEGIN_STRING, b"FIX.4.4");
    let mut b = itoa::Buffer::new();
    push_field(&mut out, tag::BODY_LENGTH, b.format(rest.len()).as_bytes());
    out.extend_from_slice(rest);
    let sum = checksum(&out);
    out.extend_from_slice(format!("10={sum:03}\x01").as_bytes());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn golden_heartbeat() {
        let mut out = Vec::new();
        let mut header: Vec<(i32, &[u8])> = vec![
            (56, b"TW44"),
            (34, b"2"),
            (49, b"ISLD"),
            (52, b"20261207-01:02:03.456"),
        ];
        encode(b"FIX.4.4", b"0", &mut header, b"", &mut out);
        let text = String::from_utf8(out).unwrap().replace('\x01', "|");
        assert_eq!(
            text,
            "8=FIX.4.4|9=51|35=0|34=2|49=ISLD|52=20261207-01:02:03.456|56=TW44|10=011|"
        );
    }
}
