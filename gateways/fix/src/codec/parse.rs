//! Parsing one framed message into its fields, with QuickFIX's checks: the first three fields
//! are BeginString, BodyLength and MsgType; every tag is an integer; BodyLength and CheckSum
//! are right. Any failure makes the message garbled ([`Garbled`]): the session ignores it (or
//! disconnects when it is the logon).
//!
//! A DATA field that follows its LENGTH field is read by that length, so it may hold SOH.

use super::{checksum, tag, SOH};
use thiserror::Error;

/// Why a message is garbled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum Garbled {
    /// A field is not `tag=value<SOH>` or its tag is not an integer.
    #[error("field tag is invalid")]
    BadField,
    /// The first three fields are not 8, 9 and 35.
    #[error("header fields out of order")]
    HeaderOrder,
    /// BodyLength does not match the bytes between it and the CheckSum.
    #[error("BodyLength is wrong")]
    BodyLength,
    /// CheckSum is missing, not last or wrong.
    #[error("CheckSum is wrong")]
    CheckSum,
}

/// One field: its tag and where its value lies in the message bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field {
    /// The tag (negative and zero tags parse, and are rejected by validation).
    pub tag: i32,
    start: u32,
    end: u32,
}

/// A parsed inbound message: its bytes and its fields in the order received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    raw: Vec<u8>,
    fields: Vec<Field>,
}

/// Tells the parser which tags are DATA fields (their length comes from the field before).
pub trait DataFields {
    /// True when `tag` is a DATA field.
    fn is_data(&self, tag: i32) -> bool;
}

/// No DATA fields.
impl DataFields for () {
    fn is_data(&self, _: i32) -> bool {
        false
    }
}

fn parse_tag(bytes: &[u8]) -> Option<i32> {
    let (neg, digits) = match bytes.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, bytes),
    };
    if digits.is_empty() || digits.len() > 9 || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let v = digits
        .iter()
        .fold(0i32, |a, d| a * 10 + i32::from(d - b'0'));
    Some(if neg { -v } else { v })
}

/// Parses an unsigned decimal integer (no sign, no spaces).
pub fn parse_u64(bytes: &[u8]) -> Option<u64> {
    if bytes.is_empty() || bytes.len() > 19 || !bytes.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(bytes.iter().fold(0u64, |a, d| a * 10 + u64::from(d - b'0')))
}

impl Message {
    /// Parses and checks one framed message.
    pub fn parse(raw: Vec<u8>, data: &dyn DataFields) -> Result<Message, Garbled> {
        let mut fields = Vec::with_capacity(24);
        let mut pos = 0usize;
        let mut prev_len: Option<usize> = None;
        while pos < raw.len() {
            let eq = raw[pos..]
                .iter()
                .position(|b| *b == b'=')
                .ok_or(Garbled::BadField)?
                + pos;
            let tag = parse_tag(&raw[pos..eq]).ok_or(Garbled::BadField)?;
            let start = eq + 1;
            let end = match prev_len {
                Some(n) if data.is_data(tag) && start + n < raw.len() && raw[start + n] == SOH => {
                    start + n
                }
                _ => {
                    raw[start..]
                        .iter()
                        .position(|b| *b == SOH)
                        .ok_or(Garbled::BadField)?
                        + start
                }
            };
            let expected = [tag::BEGIN_STRING, tag::BODY_LENGTH, tag::MSG_TYPE];
            if fields.len() < 3 && expected[fields.len()] != tag {
                return Err(Garbled::HeaderOrder);
            }
            prev_len = parse_u64(&raw[start..end]).and_then(|n| usize::try_from(n).ok());
            fields.push(Field {
                tag,
                start: start as u32,
                end: end as u32,
            });
            pos = end + 1;
        }
        let msg = Message { raw, fields };
        msg.check_length_and_sum()?;
        Ok(msg)
    }

    fn check_length_and_sum(&self) -> Result<(), Garbled> {
        let last = self.fields.last().ok_or(Garbled::CheckSum)?;
        if last.tag != tag::CHECK_SUM || self.fields.len() < 4 {
            return Err(Garbled::CheckSum);
        }
        let ck_field_start = last.start as usize - 3;
        let body_start = self.fields[1].end as usize + 1;
        let declared = parse_u64(self.value(&self.fields[1])).ok_or(Garbled::BodyLength)?;
        if declared != (ck_field_start - body_start) as u64 {
            return Err(Garbled::BodyLength);
        }
        let sum = parse_u64(self.value(last)).ok_or(Garbled::CheckSum)?;
        if sum != u64::from(checksum(&self.raw[..ck_field_start])) {
            return Err(Garbled::CheckSum);
        }
        if self.fields[..self.fields.len() - 1]
            .iter()
            .any(|f| f.tag == tag::CHECK_SUM)
        {
            return Err(Garbled::CheckSum);
        }
        Ok(())
    }

    /// The message bytes.
    pub fn raw(&self) -> &[u8] {
        &self.raw
    }

    /// Every field in the order received (BeginString, BodyLength and CheckSum included).
    pub fn fields(&self) -> &[Field] {
        &self.fields
    }

    /// A field's value.
    pub fn value(&self, field: &Field) -> &[u8] {
        &self.raw[field.start as usize..field.end as usize]
    }

    /// The value of the first field with `tag`.
    pub fn get(&self, tag: i32) -> Option<&[u8]> {
        self.fields
            .iter()
            .find(|f| f.tag == tag)
            .map(|f| self.value(f))
    }

    /// The value of the first field with `tag`, when it is UTF-8.
    pub fn get_str(&self, tag: i32) -> Option<&str> {
        self.get(tag).and_then(|v| std::str::from_utf8(v).ok())
    }

    /// The value of the first field with `tag` as an unsigned integer.
    pub fn get_u64(&self, tag: i32) -> Option<u64> {
        self.get(tag).and_then(parse_u64)
    }

    /// True when the field is present with value `Y`.
    pub fn flag(&self, tag: i32) -> bool {
        self.get(tag) == Some(b"Y")
    }

    /// MsgType (35).
    pub fn msg_type(&self) -> &[u8] {
        self.value(&self.fields[2])
    }

    /// BeginString (8).
    pub fn begin_string(&self) -> &[u8] {
        self.value(&self.fields[0])
    }

    /// MsgSeqNum (34), when present and numeric.
    pub fn seq_num(&self) -> Option<u64> {
        self.get_u64(tag::MSG_SEQ_NUM)
    }

    /// The message with SOH shown as `|` (for logs and errors).
    pub fn printable(&self) -> String {
        String::from_utf8_lossy(&self.raw).replace('\x01', "|")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::encode::with_trailer;

    fn msg(body: &str) -> Vec<u8> {
        with_trailer(body.replace('|', "\x01").as_bytes())
    }

    #[test]
    fn parses_fields_in_order() {
        let m = Message::parse(msg("35=0|34=2|49=A|56=B|52=x|"), &()).unwrap();
        assert_eq!(m.msg_type(), b"0");
        assert_eq!(m.seq_num(), Some(2));
        assert_eq!(m.get(49), Some(&b"A"[..]));
        assert_eq!(m.fields().len(), 8);
    }

    #[test]
    fn garbled_cases() {
        let mut bad = msg("35=0|34=2|");
        let n = bad.len();
        bad[n - 2] = b'9';
        assert_eq!(Message::parse(bad, &()), Err(Garbled::CheckSum));
        let tagless = msg("35=0|4x9=A|");
        assert_eq!(Message::parse(tagless, &()), Err(Garbled::BadField));
        let order = b"8=FIX.4.4\x0135=0\x019=5\x0110=000\x01".to_vec();
        assert_eq!(Message::parse(order, &()), Err(Garbled::HeaderOrder));
    }

    #[test]
    fn negative_tags_parse() {
        let m = Message::parse(msg("35=0|-1=HI|"), &()).unwrap();
        assert_eq!(m.fields()[3].tag, -1);
    }
}
