//! The release queue: items wait here until the journal has made their command durable (durable
//! mode) and every gateway's outbound ring has room.

use crate::{DoneKind, Out, Output};
use std::collections::VecDeque;

/// Items in engine order, released in that order.
#[derive(Debug)]
pub struct ReleaseQueue {
    items: VecDeque<Out>,
    soft_limit: usize,
}

impl ReleaseQueue {
    /// A queue pre-sized for `capacity` items. The engine stops taking new requests once half
    /// of it is used, so one command's outputs (bounded by the engine's limits) fit in the rest;
    /// only a command with more outputs than that (a huge mass cancel) makes it grow.
    pub fn with_capacity(capacity: usize) -> ReleaseQueue {
        ReleaseQueue {
            items: VecDeque::with_capacity(capacity),
            soft_limit: capacity / 2,
        }
    }

    /// Appends an item.
    pub fn push(&mut self, out: Out) {
        self.items.push_back(out);
    }

    /// True when the engine may take another request.
    pub fn has_room(&self) -> bool {
        self.items.len() < self.soft_limit
    }

    /// Items waiting.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// True when nothing waits.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The journal failed: what is not durable will never be released. Keeps the durable items
    /// and, of the rest, only each request's last item, turned into [`DoneKind::Halted`] with
    /// sequence number 0 so its sender learns at once that the outcome is unconfirmed.
    pub fn halt(&mut self, durable: u64) {
        self.items.retain_mut(|out| {
            if out.seq <= durable {
                return true;
            }
            if matches!(out.output, Output::Done(_)) && out.origin.is_some() {
                out.seq = 0;
                out.output = Output::Done(DoneKind::Halted);
                return true;
            }
            false
        });
    }

    /// Hands at most `room` items whose command is covered by `durable` (all when `durable` is
    /// `u64::MAX`) to `send`, front first. Returns how many left.
    pub fn release(&mut self, durable: u64, room: usize, mut send: impl FnMut(Out)) -> usize {
        let mut n = 0;
        while n < room {
            match self.items.front() {
                Some(out) if out.seq <= durable => {
                    send(self.items.pop_front().expect("front exists"));
                    n += 1;
                }
                _ => break,
            }
        }
        n
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Origin;
    use tradestream_model::{Event, Timestamp};

    fn out(seq: u64, output: Output) -> Out {
        let origin = Some(Origin {
            gateway: 0,
            session: 1,
            tag: seq,
        });
        Out {
            seq,
            ts: Timestamp(0),
            origin,
            received_ns: 0,
            output,
        }
    }

    fn ev() -> Output {
        Output::Event(Event::Error(
            tradestream_model::EngineError::DuplicateSymbol,
        ))
    }

    #[test]
    fn releases_in_order_up_to_the_watermark_and_the_room() {
        let mut q = ReleaseQueue::with_capacity(8);
        for s in 1..=3 {
            q.push(out(s, ev()));
            q.push(out(s, Output::Done(DoneKind::Applied)));
        }
        let mut got = Vec::new();
        assert_eq!(q.release(2, 3, |o| got.push(o.seq)), 3);
        assert_eq!(got, [1, 1, 2]);
        assert_eq!(
            q.release(2, 10, |o| got.push(o.seq)),
            1,
            "seq 3 is not durable"
        );
        assert_eq!(q.len(), 2);
        assert!(q.has_room() || q.len() >= 4);
    }

    #[test]
    fn a_halt_keeps_durable_items_and_answers_the_rest_halted() {
        let mut q = ReleaseQueue::with_capacity(8);
        for s in 1..=3 {
            q.push(out(s, ev()));
            q.push(out(s, Output::Done(DoneKind::Applied)));
        }
        q.halt(1);
        let mut got = Vec::new();
        q.release(1, 100, |o| got.push((o.seq, o.output)));
        assert_eq!(got.len(), 4);
        assert!(matches!(got[1].1, Output::Done(DoneKind::Applied)));
        assert!(matches!(got[2], (0, Output::Done(DoneKind::Halted))));
        assert!(matches!(got[3], (0, Output::Done(DoneKind::Halted))));
        assert!(q.is_empty());
    }
}
