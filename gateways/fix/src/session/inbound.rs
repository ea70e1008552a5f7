//! Dispatching one inbound message (QuickFIX's `Session::next(Message)`): BeginString,
//! dictionary validation, then the handler of its type; application messages go through
//! `verify` to the application. Afterwards the queue of messages that arrived too early is
//! worked off.

use super::{Ctx, Session};
use crate::codec::parse::Message;
use crate::validate::{tree, validate, Invalid};

impl Session {
    /// Processes an inbound message that parsed (not garbled).
    pub fn next(&mut self, msg: Message, ctx: &mut Ctx<'_>) {
        self.next_message(msg, ctx, false);
        if self.is_logged_on() {
            self.on_timer(ctx.now);
        }
    }

    fn next_message(&mut self, msg: Message, ctx: &mut Ctx<'_>, queued: bool) {
        let now = ctx.now;
        let msg_type = msg.msg_type().to_vec();
        if msg.begin_string() != self.cfg.begin_string.as_bytes() {
            if msg_type == b"5" {
                self.next_logout(&msg, now);
            } else {
                self.generate_logout(Some("Incorrect BeginString"), now);
                self.incr_target();
            }
        } else if let Err(invalid) = validate(&msg, &tree(&msg, ctx.dict), ctx.dict) {
            if !self.received_logon {
                self.disconnect();
                return;
            }
            let (reason, field) = match invalid {
                Invalid::InvalidMsgType => (11, None),
                other => other.reason(),
            };
            self.generate_reject(&msg, reason, field, now);
        } else {
            match &msg_type[..] {
                b"A" => self.next_logon(&msg, ctx),
                b"0" => self.next_heartbeat(&msg, now),
                b"1" => self.next_test_request(&msg, now),
                b"2" => self.next_resend_request(&msg, ctx.dict, now),
                b"3" => self.next_reject(&msg, now),
                b"4" => self.next_sequence_reset(&msg, now),
                b"5" => self.next_logout(&msg, now),
                _ => self.next_app(&msg, ctx),
            }
        }
        if !queued {
            self.next_queued(ctx);
        }
    }

    fn next_app(&mut self, msg: &Message, ctx: &mut Ctx<'_>) {
        if !self.verify(msg, true, true, ctx.now) {
            return;
        }
        match ctx.app.on_app_message(self.id, msg, ctx.out) {
            Ok(()) => self.incr_target(),
            Err(e) => self.generate_business_reject(msg, &e, ctx.now),
        }
    }

    /// Processes queued messages while the next expected one is queued.
    pub(super) fn next_queued(&mut self, ctx: &mut Ctx<'_>) {
        loop {
            let expected = self.expected_target();
            let stale: Vec<u64> = self.queue.range(..expected).map(|(s, _)| *s).collect();
            for s in stale {
                self.queue.remove(&s);
            }
            let Some(msg) = self.queue.remove(&expected) else {
                return;
            };
            if self.disconnecting {
                return;
            }
            if matches!(msg.msg_type(), b"A" | b"2") {
                self.incr_target();
            } else {
                self.next_message(msg, ctx, true);
            }
        }
    }
}
