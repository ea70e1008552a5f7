//! QuickFIX's `verify`: the checks every inbound message passes before it is processed
//! (logon state, SendingTime accuracy, CompIDs, sequence number too high or too low), with
//! the PossDup rules for a number that is too low.

use super::Session;
use crate::codec::parse::Message;
use crate::codec::tag;
use crate::codec::time::parse_timestamp;

impl Session {
    /// True when `msg` may be processed. `check_high` / `check_low` enable the sequence checks.
    pub(super) fn verify(
        &mut self,
        msg: &Message,
        check_high: bool,
        check_low: bool,
        now: i64,
    ) -> bool {
        let msg_type = msg.msg_type();
        if !self.valid_logon_state(msg_type) {
            self.disconnect();
            return false;
        }
        let sending = msg.get(tag::SENDING_TIME).and_then(parse_timestamp);
        if sending.is_none_or(|t| (now - t).abs() > self.cfg.max_latency_ms) {
            if self.generate_reject(msg, 10, None, now) {
                self.generate_logout(None, now);
            }
            return false;
        }
        let sender = msg.get(tag::SENDER_COMP_ID).unwrap_or_default();
        let target = msg.get(tag::TARGET_COMP_ID).unwrap_or_default();
        if sender != self.cfg.target_comp_id.as_bytes()
            || target != self.cfg.sender_comp_id.as_bytes()
        {
            if self.generate_reject(msg, 9, None, now) {
                self.generate_logout(None, now);
            }
            return false;
        }
        let seq = msg.seq_num().unwrap_or(0);
        if check_high && seq > self.expected_target() {
            self.do_target_too_high(msg, seq, now);
            return false;
        }
        if check_low && seq < self.expected_target() {
            self.do_target_too_low(msg, seq, now);
            return false;
        }
        if (check_high || check_low) && self.resend_range.is_some_and(|(_, end)| seq >= end) {
            self.resend_range = None;
        }
        self.last_received = now;
        self.test_requests = 0;
        true
    }

    fn valid_logon_state(&self, msg_type: &[u8]) -> bool {
        let logon = msg_type == b"A";
        if self.received_reset {
            return true;
        }
        if (logon && !self.received_logon) || (!logon && self.received_logon) {
            return true;
        }
        if msg_type == b"5" && self.sent_logon {
            return true;
        }
        if msg_type != b"5" && self.sent_logout {
            return true;
        }
        msg_type == b"4" || msg_type == b"3"
    }

    pub(super) fn do_target_too_high(&mut self, msg: &Message, seq: u64, now: i64) {
        self.queue.insert(seq, msg.clone());
        if self.resend_range.is_some_and(|(begin, _)| seq >= begin) {
            return;
        }
        self.generate_resend_request(seq, now);
    }

    fn do_target_too_low(&mut self, msg: &Message, seq: u64, now: i64) {
        if !msg.flag(tag::POSS_DUP_FLAG) {
            let text = format!(
                "MsgSeqNum too low, expecting {} but received {}",
                self.expected_target(),
                seq
            );
            self.generate_logout(Some(&text), now);
            self.disconnect();
            return;
        }
        if msg.msg_type() == b"4" {
            return;
        }
        let Some(orig) = msg.get(tag::ORIG_SENDING_TIME) else {
            self.generate_reject(msg, 1, Some(tag::ORIG_SENDING_TIME), now);
            return;
        };
        let sending = msg.get(tag::SENDING_TIME).and_then(parse_timestamp);
        if parse_timestamp(orig) > sending && self.generate_reject(msg, 10, None, now) {
            self.generate_logout(None, now);
        }
    }

    /// The next expected inbound number is higher than `seq`.
    pub(super) fn target_too_high(&self, seq: u64) -> bool {
        seq > self.expected_target()
    }
}
