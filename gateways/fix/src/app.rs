//! The interface between the session layer and an application (the exchange, or the echo
//! application of the conformance runs).
//!
//! The acceptor hands every inbound application message that passed the session checks (valid
//! by the dictionary, in sequence, not a duplicate) to [`Application::on_app_message`]. What the
//! application sends goes into an [`Outbox`]; the acceptor stamps, stores and delivers it. A
//! message sent to a session that is not logged on is stored under its sequence number and
//! reaches the counterparty by resend after its next logon, as with QuickFIX.

use crate::codec::encode::Outgoing;
use crate::codec::parse::Message;

/// A configured session: its index in the acceptor's session list.
pub type SessionId = usize;

/// Why an application refused an inbound message: answered with a BusinessMessageReject (j).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AppError {
    /// Not a message type the application handles (BusinessRejectReason 3, "Unsupported
    /// Message Type").
    UnsupportedMessageType,
    /// A field the application needs is missing (BusinessRejectReason 5, "Conditionally
    /// Required Field Missing (tag)").
    ConditionallyRequired(i32),
    /// Any other business reject: BusinessRejectReason (380), the text (58) and the tag it
    /// concerns, if any.
    Business {
        /// BusinessRejectReason: 0 other, 1 unknown ID, 2 unknown security, 4 application not
        /// available, 6 not authorized.
        reason: u32,
        /// Text (58).
        text: String,
    },
}

/// What an application sends: messages for sessions, delivered in order.
#[derive(Debug, Default)]
pub struct Outbox {
    items: Vec<(SessionId, Outgoing)>,
}

impl Outbox {
    /// Queues `msg` for `session`.
    pub fn send(&mut self, session: SessionId, msg: Outgoing) {
        self.items.push((session, msg));
    }

    /// Takes what was queued, in order.
    pub fn drain(&mut self) -> std::vec::Drain<'_, (SessionId, Outgoing)> {
        self.items.drain(..)
    }

    /// True when nothing is queued.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
}

/// A FIX application behind the session layer.
pub trait Application {
    /// An inbound application message for `session` passed the session layer's checks.
    /// Answers go into `out`; an error becomes a BusinessMessageReject.
    fn on_app_message(
        &mut self,
        session: SessionId,
        msg: &Message,
        out: &mut Outbox,
    ) -> Result<(), AppError>;

    /// `session` completed its logon.
    fn on_logon(&mut self, _session: SessionId, _out: &mut Outbox) {}

    /// `session` logged out or lost its connection.
    fn on_logout(&mut self, _session: SessionId, _out: &mut Outbox) {}

    /// Work that does not come from a FIX message (e.g. items the engine released): called by
    /// the I/O glue whenever the engine wakes it and on every timer tick. Sends go into `out`.
    /// Returns true when more may be waiting right away. The default has nothing to do.
    fn poll(&mut self, _max: usize, _out: &mut Outbox) -> bool {
        false
    }

    /// True when the application has nothing more to deliver at shutdown (the engine stopped
    /// and everything it released was polled). The default is always finished.
    fn finished(&self) -> bool {
        true
    }
}
