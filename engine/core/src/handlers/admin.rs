//! Listing instruments and setting their controls.

use crate::book::Book;
use crate::instruments::Instrument;
use crate::{Engine, EventSink};
use tradestream_model::{
    Amount, Controls, EngineError, Event, InstrumentId, InstrumentKind, InstrumentSpec,
};

impl Engine {
    pub(crate) fn add_instrument(&mut self, spec: &InstrumentSpec, sink: &mut impl EventSink) {
        let checked = if self.symbols.contains_key(&spec.symbol) {
            Err(EngineError::DuplicateSymbol)
        } else if spec.base == spec.quote {
            Err(EngineError::SameBaseQuote)
        } else if matches!(
            spec.kind,
            InstrumentKind::Option { .. } | InstrumentKind::Binary { .. }
        ) {
            Err(EngineError::UnsupportedKind(spec.kind.as_str()))
        } else if spec.kind.margin().is_some_and(|m| m.initial_bps == 0) {
            Err(EngineError::NoMargin)
        } else {
            spec.tick
                .product_amount(spec.lot)
                .map_err(|_| EngineError::BadGrid)
        };
        let qptl = match checked {
            Ok(q) => q,
            Err(e) => {
                sink.push(Event::Error(e));
                return;
            }
        };
        let base = self.assets.intern(spec.base);
        let quote = self.assets.intern(spec.quote);
        self.fees.resize(self.assets.len(), Amount::ZERO);
        let id = InstrumentId(self.instruments.len() as u32);
        self.instruments.push(Instrument {
            spec: *spec,
            base,
            quote,
            quote_per_tick_lot: qptl,
            base_per_lot: spec.lot.as_amount(),
            controls: Controls::default(),
            last_trade: None,
            derivative: spec.kind != InstrumentKind::Spot,
            index: None,
            mark: None,
            settled: false,
            halted: false,
        });
        self.books.push(Book::new(self.config.levels_per_side));
        self.symbols.insert(spec.symbol, id);
    }

    pub(crate) fn set_controls(&mut self, instrument: InstrumentId, controls: Controls) {
        if let Some(i) = self.instruments.get_mut(instrument.0 as usize) {
            i.controls = controls;
        }
    }
}
