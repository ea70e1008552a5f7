//! Where events go.

use tradestream_model::Event;

/// A caller-owned receiver of events. The engine pushes every event of a command, in order.
pub trait EventSink {
    /// Receives one event.
    fn push(&mut self, event: Event);
}

impl EventSink for Vec<Event> {
    fn push(&mut self, event: Event) {
        Vec::push(self, event);
    }
}
