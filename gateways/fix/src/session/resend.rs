//! Answering a ResendRequest (QuickFIX's `nextResendRequest`): stored application messages
//! are sent again under their numbers with PossDupFlag=Y and OrigSendingTime; runs of session
//! messages (and numbers with nothing stored) become SequenceReset-GapFill messages.

use super::Session;
use crate::codec::encode::{is_admin, Outgoing};
use crate::codec::parse::Message;
use crate::codec::tag;
use crate::dict::Dictionary;

impl Session {
    pub(super) fn next_resend_request(&mut self, msg: &Message, dict: &Dictionary, now: i64) {
        if !self.verify(msg, false, false, now) {
            return;
        }
        let begin = msg.get_u64(tag::BEGIN_SEQ_NO).unwrap_or(1).max(1);
        let mut end = msg.get_u64(tag::END_SEQ_NO).unwrap_or(0);
        let next_sender = self.store.next_sender();
        if end == 0 || end >= next_sender {
            end = next_sender.saturating_sub(1);
        }
        let stored: Vec<(u64, Vec<u8>)> = self
            .store
            .sent(begin, end)
            .map(|(s, b)| (s, b.to_vec()))
            .collect();
        let mut gap_from: Option<u64> = None;
        let mut current = begin;
        let mut last = 0;
        for (seq, bytes) in stored {
            if current != seq && gap_from.is_none() {
                gap_from = Some(current);
            }
            match Message::parse(bytes, dict) {
                Ok(old) if !is_admin(old.msg_type()) => {
                    if let Some(from) = gap_from.take() {
                        self.generate_sequence_reset(from, seq, now);
                    }
                    let again = possible_duplicate(&old, dict);
                    self.send_raw(&again, Some(seq), now);
                }
                _ => {
                    gap_from.get_or_insert(seq);
                }
            }
            current = seq + 1;
            last = seq;
        }
        if let Some(from) = gap_from {
            self.generate_sequence_reset(from, last + 1, now);
        }
        if end > last {
            self.generate_sequence_reset(begin, (end + 1).min(next_sender), now);
        }
        let seq = msg.seq_num().unwrap_or(0);
        if seq == self.expected_target() {
            self.incr_target();
        }
    }
}

/// A stored application message made ready to send again: its header fields but the ones the
/// session stamps, PossDupFlag=Y, OrigSendingTime = its SendingTime; its body unchanged.
fn possible_duplicate(old: &Message, dict: &Dictionary) -> Outgoing {
    let mut m = Outgoing::new(old.msg_type());
    for f in &old.fields()[3..] {
        let v = old.value(f);
        match f.tag {
            tag::CHECK_SUM => {}
            tag::SENDING_TIME => {
                m.header_field(tag::ORIG_SENDING_TIME, v);
            }
            tag::MSG_SEQ_NUM | tag::SENDER_COMP_ID | tag::TARGET_COMP_ID => {}
            t if dict.is_header(t) => {
                m.header_field(t, v);
            }
            t => {
                m.field(t, v);
            }
        }
    }
    m.header_field(tag::POSS_DUP_FLAG, b"Y");
    m
}
