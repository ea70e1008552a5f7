//! Handlers of the session-level messages: Logon, Heartbeat, TestRequest, Reject,
//! SequenceReset (gap fill and reset modes) and Logout.

use super::{Ctx, Session};
use crate::codec::parse::{parse_u64, Message};
use crate::codec::tag;

impl Session {
    pub(super) fn next_logon(&mut self, msg: &Message, ctx: &mut Ctx<'_>) {
        let now = ctx.now;
        let reset = msg.flag(tag::RESET_SEQ_NUM_FLAG);
        self.received_reset = reset;
        if reset {
            let r = self.store.reset();
            self.check_store(r);
        }
        if !self.verify(msg, false, true, now) {
            return;
        }
        let heartbeat = msg.get(tag::HEART_BT_INT).unwrap_or(b"0").to_vec();
        let seconds = parse_u64(&heartbeat).unwrap_or(0);
        if let Some(required) = self.cfg.heartbeat_s.filter(|h| *h != seconds) {
            self.generate_logout(Some(&format!("HeartBtInt must be {required}")), now);
            self.disconnect();
            return;
        }
        self.received_logon = true;
        self.heartbeat_ms = i64::try_from(seconds.saturating_mul(1000)).unwrap_or(i64::MAX);
        self.generate_logon_response(&heartbeat, reset, now);
        self.received_reset = false;
        let seq = msg.seq_num().unwrap_or(0);
        if self.target_too_high(seq) && !reset {
            self.do_target_too_high(msg, seq, now);
        } else {
            self.incr_target();
            self.next_queued(ctx);
        }
        if self.is_logged_on() {
            ctx.app.on_logon(self.id, ctx.out);
        }
    }

    pub(super) fn next_heartbeat(&mut self, msg: &Message, now: i64) {
        if self.verify(msg, true, true, now) {
            self.incr_target();
        }
    }

    pub(super) fn next_test_request(&mut self, msg: &Message, now: i64) {
        if self.verify(msg, true, true, now) {
            let id = msg.get(tag::TEST_REQ_ID).map(<[u8]>::to_vec);
            self.generate_heartbeat(id.as_deref(), now);
            self.incr_target();
        }
    }

    pub(super) fn next_reject(&mut self, msg: &Message, now: i64) {
        if self.verify(msg, false, true, now) {
            self.incr_target();
        }
    }

    pub(super) fn next_sequence_reset(&mut self, msg: &Message, now: i64) {
        let gap_fill = msg.flag(tag::GAP_FILL_FLAG);
        if !self.verify(msg, gap_fill, gap_fill, now) {
            return;
        }
        if let Some(new) = msg.get_u64(tag::NEW_SEQ_NO) {
            let expected = self.expected_target();
            if new > expected {
                self.store.set_next_target(new);
            } else if new < expected {
                self.generate_reject(msg, 5, None, now);
            }
        }
    }

    pub(super) fn next_logout(&mut self, msg: &Message, now: i64) {
        if !self.verify(msg, false, false, now) {
            return;
        }
        if !self.sent_logout {
            self.generate_logout(None, now);
        }
        self.incr_target();
        self.disconnect();
    }
}
