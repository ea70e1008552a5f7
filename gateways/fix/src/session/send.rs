//! The outbound path: stamping the header, storing, writing; and the session messages the
//! acceptor generates (Logon response, Heartbeat, TestRequest, ResendRequest, SequenceReset,
//! Reject, BusinessMessageReject, Logout), with QuickFIX's fields and texts.

use super::Session;
use crate::app::AppError;
use crate::codec::encode::{encode, is_admin, Outgoing};
use crate::codec::parse::Message;
use crate::codec::tag;
use crate::codec::time::timestamp;
use crate::validate::reject_text;

impl Session {
    /// Stamps, stores and (when it may go now) writes `msg`. `resend_seq` sends it under an
    /// old sequence number without storing it (resends and gap fills).
    pub(super) fn send_raw(&mut self, msg: &Outgoing, resend_seq: Option<u64>, now: i64) {
        let seq = resend_seq.unwrap_or(self.store.next_sender());
        let mut num = itoa::Buffer::new();
        let seq_text = num.format(seq).as_bytes().to_vec();
        let sending = timestamp(now);
        let mut header: Vec<(i32, &[u8])> = vec![
            (tag::MSG_SEQ_NUM, &seq_text),
            (tag::SENDER_COMP_ID, self.cfg.sender_comp_id.as_bytes()),
            (tag::SENDING_TIME, &sending),
            (tag::TARGET_COMP_ID, self.cfg.target_comp_id.as_bytes()),
        ];
        for (t, v) in &msg.header {
            if !matches!(
                *t,
                tag::MSG_SEQ_NUM | tag::SENDER_COMP_ID | tag::SENDING_TIME | tag::TARGET_COMP_ID
            ) {
                header.push((*t, v));
            }
        }
        let mut bytes = Vec::with_capacity(96 + msg.body.len());
        encode(
            self.cfg.begin_string.as_bytes(),
            &msg.msg_type,
            &mut header,
            &msg.body,
            &mut bytes,
        );
        if resend_seq.is_none() {
            self.store.save(seq, &bytes);
        }
        let admin = is_admin(&msg.msg_type);
        let may_send = if admin {
            matches!(&msg.msg_type[..], b"A" | b"5" | b"2" | b"4") || self.is_logged_on()
        } else {
            self.is_logged_on()
        };
        if may_send && self.connected && !self.store_failed {
            self.last_sent = now;
            self.actions.push(super::Action::Write(bytes));
        }
    }

    /// An application message: stored under the next number, written when logged on.
    pub fn send_app(&mut self, msg: &Outgoing, now: i64) {
        self.send_raw(msg, None, now);
    }

    pub(super) fn generate_logon_response(&mut self, heartbeat: &[u8], reset: bool, now: i64) {
        let mut m = Outgoing::new(b"A");
        m.field(tag::ENCRYPT_METHOD, b"0");
        m.field(tag::HEART_BT_INT, heartbeat);
        if reset {
            m.field(tag::RESET_SEQ_NUM_FLAG, b"Y");
        }
        self.send_raw(&m, None, now);
        self.sent_logon = true;
    }

    pub(super) fn generate_heartbeat(&mut self, test_req_id: Option<&[u8]>, now: i64) {
        let mut m = Outgoing::new(b"0");
        if let Some(id) = test_req_id {
            m.field(tag::TEST_REQ_ID, id);
        }
        self.send_raw(&m, None, now);
    }

    pub(super) fn generate_test_request(&mut self, id: &[u8], now: i64) {
        let mut m = Outgoing::new(b"1");
        m.field(tag::TEST_REQ_ID, id);
        self.send_raw(&m, None, now);
    }

    pub(super) fn generate_resend_request(&mut self, received: u64, now: i64) {
        let begin = self.expected_target();
        let mut m = Outgoing::new(b"2");
        m.int(tag::BEGIN_SEQ_NO, begin as i64);
        m.field(tag::END_SEQ_NO, b"0");
        self.send_raw(&m, None, now);
        self.resend_range = Some((begin, received.saturating_sub(1)));
    }

    pub(super) fn generate_sequence_reset(&mut self, begin: u64, new_seq: u64, now: i64) {
        let mut m = Outgoing::new(b"4");
        m.header_field(tag::POSS_DUP_FLAG, b"Y");
        m.header_field(tag::ORIG_SENDING_TIME, timestamp(now));
        m.int(tag::NEW_SEQ_NO, new_seq as i64);
        m.field(tag::GAP_FILL_FLAG, b"Y");
        self.send_raw(&m, Some(begin), now);
    }

    pub(super) fn generate_logout(&mut self, text: Option<&str>, now: i64) {
        let mut m = Outgoing::new(b"5");
        if let Some(t) = text {
            m.field(tag::TEXT, t);
        }
        self.send_raw(&m, None, now);
        self.sent_logout = true;
        self.logout_time = now;
    }

    /// A session-level Reject (3) of `msg` with `reason` and the tag it concerns. Returns
    /// false (and disconnects) when no Logon was received yet: QuickFIX never rejects before
    /// the logon, it drops the connection.
    pub(super) fn generate_reject(
        &mut self,
        msg: &Message,
        reason: u32,
        field: Option<i32>,
        now: i64,
    ) -> bool {
        let mut m = Outgoing::new(b"3");
        reverse_route(&mut m, msg);
        let seq = msg.get(tag::MSG_SEQ_NUM).filter(|v| !v.is_empty());
        let msg_type = msg.msg_type();
        if let Some(s) = seq {
            m.field(tag::REF_SEQ_NUM, s);
        }
        if msg_type != b"A"
            && msg_type != b"4"
            && seq.and_then(crate::codec::parse::parse_u64) == Some(self.expected_target())
        {
            self.incr_target();
        }
        if let Some(text) = reject_text(reason) {
            m.field(tag::TEXT, text);
            if field.is_some() || reason == 0 {
                m.int(tag::REF_TAG_ID, i64::from(field.unwrap_or(0)));
            }
        }
        if !msg_type.is_empty() {
            m.field(tag::REF_MSG_TYPE, msg_type);
        }
        m.int(tag::SESSION_REJECT_REASON, i64::from(reason));
        if !self.received_logon {
            self.disconnect();
            return false;
        }
        self.send_raw(&m, None, now);
        true
    }

    /// A BusinessMessageReject (j) of `msg` for the application's `err`.
    pub(super) fn generate_business_reject(&mut self, msg: &Message, err: &AppError, now: i64) {
        let (reason, text) = match err {
            AppError::UnsupportedMessageType => (3, "Unsupported Message Type".to_string()),
            AppError::ConditionallyRequired(t) => {
                (5, format!("Conditionally Required Field Missing ({t})"))
            }
            AppError::Business { reason, text } => (*reason, text.clone()),
        };
        let mut m = Outgoing::new(b"j");
        if let Some(s) = msg.get(tag::MSG_SEQ_NUM) {
            m.field(tag::REF_SEQ_NUM, s);
        }
        m.field(tag::TEXT, text);
        m.field(tag::REF_MSG_TYPE, msg.msg_type());
        m.int(tag::BUSINESS_REJECT_REASON, i64::from(reason));
        self.incr_target();
        self.send_raw(&m, None, now);
    }
}

/// Copies the inbound routing fields into the answer's header, reversed (QuickFIX's
/// `Message::reverseRoute`): OnBehalfOf ↔ DeliverTo, SenderSub/Location ↔ TargetSub/Location.
fn reverse_route(m: &mut Outgoing, msg: &Message) {
    const PAIRS: [(i32, i32); 10] = [
        (tag::ON_BEHALF_OF_LOCATION_ID, tag::DELIVER_TO_LOCATION_ID),
        (tag::DELIVER_TO_LOCATION_ID, tag::ON_BEHALF_OF_LOCATION_ID),
        (50, 57),
        (142, 143),
        (57, 50),
        (143, 142),
        (tag::ON_BEHALF_OF_COMP_ID, tag::DELIVER_TO_COMP_ID),
        (tag::ON_BEHALF_OF_SUB_ID, tag::DELIVER_TO_SUB_ID),
        (tag::DELIVER_TO_COMP_ID, tag::ON_BEHALF_OF_COMP_ID),
        (tag::DELIVER_TO_SUB_ID, tag::ON_BEHALF_OF_SUB_ID),
    ];
    for (from, to) in PAIRS {
        if let Some(v) = msg.get(from).filter(|v| !v.is_empty()) {
            m.header_field(to, v);
        }
    }
}
