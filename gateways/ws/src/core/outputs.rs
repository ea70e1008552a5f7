//! Items released by the engine: grouped per request, then turned into public market data,
//! private stream messages and the answer to the request's sender.

use super::Gateway;
use tradestream_model::Event;
use tradestream_runtime::{mono_ns, DoneKind, Out, Output};

impl Gateway {
    /// Processes the items the engine released, up to `max_requests` whole requests (so the
    /// I/O layer can write between chunks). Returns true when more may be waiting.
    pub fn poll_engine(&mut self, max_requests: usize) -> bool {
        let mut done = 0;
        while done < max_requests {
            let Some(out) = self.port.poll() else {
                return false;
            };
            let end = matches!(out.output, Output::Done(_));
            self.batch.push(out);
            if end {
                self.on_batch();
                self.batch.clear();
                done += 1;
            }
        }
        true
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
