//! `time`: the clock moves forward and GTD orders expire.

use crate::{Engine, EventSink};
use tradestream_model::{CancelReason, EngineError, Event, Timestamp};

impl Engine {
    pub(crate) fn advance_clock(&mut self, ts: Timestamp, sink: &mut impl EventSink) {
        if ts < self.clock {
            sink.push(Event::Error(EngineError::ClockBackwards {
                now: self.clock.0,
                ts: ts.0,
            }));
            return;
        }
        self.clock = ts;
        while let Some(slot) = self.expiries.pop_due(ts.0, &self.arena) {
            self.close_order(slot, CancelReason::Expired, sink);
        }
    }
}
