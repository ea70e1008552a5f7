//! Items released by the engine: grouped per request, then turned into public market data,
//! private stream messages and the answer to the request's sender.

use super::Gateway;
use tradestream_model::Event;
use tradestream_runtime::{mono_ns, DoneKind, Out, Output};

impl Gateway {
    /// Processes every item the engine released so far. Returns how many there were.
    pub fn poll_engine(&mut self) -> usize {
        let mut n = 0;
        while let Some(out) = self.port.poll() {
            n += 1;
            let done = matches!(out.output, Output::Done(_));
            self.batch.push(out);
            if done {
                self.on_batch();
                self.batch.clear();
            }
        }
        n
    }

    fn on_batch(&mut self) {
        let last: Out = *self.batch.last().expect("a batch ends with its done item");
        let Output::Done(kind) = last.output else {
            return;
        };
        let mine = last.origin.filter(|o| o.gateway == self.port.id());
        match kind {
            DoneKind::Snapshot => {
                if let Some(o) = mine {
                    self.finish_logon(o.tag, last.seq);
                }
            }
            DoneKind::Halted => {
                if let Some(o) = mine {
                    self.answer_halted(o.tag);
                }
            }
            DoneKind::Applied => {
                self.catalog_changes();
                self.publish_market(last.ts);
                self.publish_private(last.seq, last.ts);
                if let Some(o) = mine {
                    self.answer(o.tag, last.seq);
                }
            }
        }
        if mine.is_some() {
            self.port
                .metrics()
                .ack
                .record(mono_ns().saturating_sub(last.received_ns));
        }
    }

    /// Halts and fee changes update the catalog (fees shown by `instruments`).
    fn catalog_changes(&mut self) {
        for out in &self.batch {
            match out.output {
                Output::Event(Event::Halted { instrument, halted }) => {
                    self.catalog.set_halted(instrument, halted)
                }
                Output::Event(Event::FeesChanged {
                    instrument,
                    maker_fee_bps,
                    taker_fee_bps,
                }) => self
                    .catalog
                    .set_fees(instrument, maker_fee_bps, taker_fee_bps),
                _ => {}
            }
        }
    }
}
