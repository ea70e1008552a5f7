//! Operator commands on one instrument: `halt` (and resume) and `set_fees`.
//!
//! Each answers with one event stating the state now (`Halted`, `FeesChanged`), also when it
//! was already so, so an operator always sees the command take effect. An instrument id that is
//! not listed is an `Error(UnknownInstrument)` and changes nothing.

use crate::{Engine, EventSink};
use tradestream_model::{EngineError, Event, InstrumentId};

impl Engine {
    /// Halts (`halted`) or resumes trading in an instrument. Resting orders stay where they are.
    pub(crate) fn halt(
        &mut self,
        instrument: InstrumentId,
        halted: bool,
        sink: &mut impl EventSink,
    ) {
        let Some(i) = self.instruments.get_mut(instrument.0 as usize) else {
            sink.push(Event::Error(EngineError::UnknownInstrument(instrument.0)));
            return;
        };
        i.halted = halted;
        sink.push(Event::Halted { instrument, halted });
    }

    /// Replaces an instrument's fee rates; trades from the next one on use them.
    pub(crate) fn set_fees(
        &mut self,
        instrument: InstrumentId,
        maker_fee_bps: i32,
        taker_fee_bps: i32,
        sink: &mut impl EventSink,
    ) {
        let Some(i) = self.instruments.get_mut(instrument.0 as usize) else {
            sink.push(Event::Error(EngineError::UnknownInstrument(instrument.0)));
            return;
        };
        i.spec.maker_fee_bps = maker_fee_bps;
        i.spec.taker_fee_bps = taker_fee_bps;
        sink.push(Event::FeesChanged {
            instrument,
            maker_fee_bps,
            taker_fee_bps,
        });
    }
}
