//! Stopping one connection's reader and writer tasks, with the close reason.

use std::cell::Cell;
use tokio::sync::Notify;

/// Why and how a connection is being cut off.
#[derive(Debug, Default)]
pub struct Stop {
    reason: Cell<Option<(u16, &'static str)>>,
    /// Wakes the reader task.
    pub reader: Notify,
    /// Wakes the writer task.
    pub writer: Notify,
}

impl Stop {
    /// Cuts the connection off: the writer sends a close frame with `code` and `reason` (the
    /// first reason wins), the reader stops reading.
    pub fn cut(&self, code: u16, reason: &'static str) {
        if self.reason.get().is_none() {
            self.reason.set(Some((code, reason)));
        }
        self.writer.notify_one();
        self.reader.notify_one();
    }

    /// The close code and reason, once cut.
    pub fn reason(&self) -> Option<(u16, &'static str)> {
        self.reason.get()
    }
}
