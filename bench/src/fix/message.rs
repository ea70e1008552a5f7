//! A minimal FIX encoder: the messages the client sends (Logon, NewOrderSingle, Logout), each
//! with its standard header (BeginString, BodyLength, MsgType, comp ids, MsgSeqNum,
//! SendingTime with milliseconds) and CheckSum trailer, appended to a caller-owned buffer.
//! Pure: the caller passes the time; nothing here touches a socket or a clock.

use super::timestamp;

/// The field separator.
pub const SOH: u8 = 0x01;

/// Appends `tag=value<SOH>`.
pub fn field(out: &mut Vec<u8>, tag: u32, value: &[u8]) {
    number(out, u64::from(tag));
    out.push(b'=');
    out.extend_from_slice(value);
    out.push(SOH);
}

/// Appends `tag=value<SOH>` for a number.
pub fn field_number(out: &mut Vec<u8>, tag: u32, value: u64) {
    number(out, u64::from(tag));
    out.push(b'=');
    number(out, value);
    out.push(SOH);
}

/// Appends `value` in decimal.
fn number(out: &mut Vec<u8>, mut value: u64) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (value % 10) as u8;
        value /= 10;
        if value == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[at..]);
}

/// The CheckSum (10) of `bytes`: their sum modulo 256.
pub fn checksum(bytes: &[u8]) -> u8 {
    bytes.iter().fold(0u8, |sum, &b| sum.wrapping_add(b))
}

/// One side of a session: who sends, to whom, and the next MsgSeqNum.
#[derive(Debug, Clone)]
pub struct Encoder {
    /// `8=<BeginString><SOH>`.
    begin: Vec<u8>,
    /// `49=<SenderCompID><SOH>56=<TargetCompID><SOH>`.
    comp_ids: Vec<u8>,
    /// MsgSeqNum of the next message.
    seq: u64,
    /// The body being built (reused).
    body: Vec<u8>,
}

impl Encoder {
    /// A session sending as `sender` to `target` under `begin_string` (e.g. `FIX.4.4`),
    /// starting at MsgSeqNum 1.
    pub fn new(begin_string: &str, sender: &str, target: &str) -> Encoder {
        let mut begin = Vec::new();
        field(&mut begin, 8, begin_string.as_bytes());
        let mut comp_ids = Vec::new();
        field(&mut comp_ids, 49, sender.as_bytes());
        field(&mut comp_ids, 56, target.as_bytes());
        Encoder {
            begin,
            comp_ids,
            seq: 1,
            body: Vec::with_capacity(256),
        }
    }

    /// The same session with `seq` as the next MsgSeqNum.
    pub fn with_next_seq(self, seq: u64) -> Encoder {
        Encoder { seq, ..self }
    }

    /// Appends one message of type `msg_type` sent at `sending_time` (Unix milliseconds) to
    /// `out`; `fields` appends the body fields after the header.
    pub fn message(
        &mut self,
        out: &mut Vec<u8>,
        msg_type: &[u8],
        sending_time: u64,
        fields: impl FnOnce(&mut Vec<u8>),
    ) {
        let body = &mut self.body;
        body.clear();
        field(body, 35, msg_type);
        body.extend_from_slice(&self.comp_ids);
        field_number(body, 34, self.seq);
        field(body, 52, &timestamp::format(sending_time));
        fields(body);
        self.seq += 1;
        let start = out.len();
        out.extend_from_slice(&self.begin);
        field_number(out, 9, body.len() as u64);
        out.extend_from_slice(body);
        let sum = checksum(&out[start..]);
        out.extend_from_slice(b"10=");
        out.extend_from_slice(&[b'0' + sum / 100, b'0' + sum / 10 % 10, b'0' + sum % 10]);
        out.push(SOH);
    }

    /// Logon (35=A): no encryption, `heartbeat_secs`, ResetSeqNumFlag=Y so a session store
    /// left from an earlier run does not matter.
    pub fn logon(&mut self, out: &mut Vec<u8>, sending_time: u64, heartbeat_secs: u64) {
        self.message(out, b"A", sending_time, |b| {
            field(b, 98, b"0");
            field_number(b, 108, heartbeat_secs);
            field(b, 141, b"Y");
        });
    }

    /// Logout (35=5).
    pub fn logout(&mut self, out: &mut Vec<u8>, sending_time: u64) {
        self.message(out, b"5", sending_time, |_| {});
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `|` for SOH, to write expected messages readably.
    fn soh(text: &str) -> Vec<u8> {
        text.replace('|', "\x01").into_bytes()
    }

    #[test]
    fn logon_matches_a_hand_checked_message() {
        let mut e = Encoder::new("FIX.4.4", "BENCH1", "TRADESTREAM");
        let mut out = Vec::new();
        // 2024-12-31 12:34:56.078 UTC.
        e.logon(&mut out, 1_735_648_496_078, 30);
        let body = "35=A|49=BENCH1|56=TRADESTREAM|34=1|52=20241231-12:34:56.078|98=0|108=30|141=Y|";
        let head = format!("8=FIX.4.4|9={}|", body.len());
        let sum = checksum(&soh(&format!("{head}{body}")));
        assert_eq!(out, soh(&format!("{head}{body}10={sum:03}|")));
        assert_eq!(body.len(), 78);
    }

    #[test]
    fn sequence_numbers_advance_and_checksums_hold() {
        let mut e = Encoder::new("FIX.4.2", "A", "B");
        let mut out = Vec::new();
        e.logon(&mut out, 0, 30);
        let first = out.len();
        e.logout(&mut out, 0);
        let second = &out[first..];
        assert!(second.windows(5).any(|w| w == b"\x0134=2"));
        let trailer = second.len() - 7;
        assert_eq!(&second[trailer..trailer + 3], b"10=");
        let sum = checksum(&second[..trailer]);
        assert_eq!(
            second[trailer + 3..trailer + 6],
            *format!("{sum:03}").as_bytes()
        );
        field_number(&mut out, 7, 0);
        assert!(out.ends_with(b"7=0\x01"));
    }
}
