//! Listing instruments and setting their controls.

use crate::book::Book;
use crate::instruments::Instrument;
use crate::{Engine, EventSink};
use tradestream_model::{
    Controls, EngineError, Event, InstrumentId, InstrumentKind, InstrumentSpec,
};

impl Engine {
    pub(crate) fn add_instrument(&mut self, spec: &InstrumentSpec, sink: &mut impl EventSink) {
        let checked = if self.symbols.contains_key(&spec.symbol) {
            Err(EngineError::DuplicateSymbol)
        } else if spec.base == spec.quote {
            Err(EngineError::SameBaseQuote)
        } else if spec.kind.margin().is_some_and(|m| m.initial_bps == 0) {
            Err(EngineError::NoMargin)
        } else if !self.underlying_ok(spec) {
            Err(EngineError::BadUnderlying)
        } else {
            spec.tick
                .product_amount(spec.lot)
                .map_err(|_| EngineError::BadGrid)
                .and_then(|q| Ok((q, unit_of(spec)?)))
        };
        let (qptl, unit) = match checked {
            Ok(q) => q,
            Err(e) => {
                sink.push(Event::Error(e));
                return;
            }
        };
        let base = self.assets.intern(spec.base);
        let quote = self.assets.intern(spec.quote);
        self.grow_asset_tables();
        let id = InstrumentId(self.instruments.len() as u32);
        self.instruments.push(Instrument {
            spec: *spec,
            base,
            quote,
            quote_per_tick_lot: qptl,
            base_per_lot: spec.lot.as_amount(),
            controls: Controls::default(),
            last_trade: None,
            derivative: spec.kind.is_derivative(),
            index: None,
            mark: None,
            settled: false,
            halted: false,
            basis: 0,
            premium_sum: 0,
            premium_count: 0,
            last_funding: None,
            risk: None,
            vol_ppm: 0,
            unit,
        });
        self.books.push(Book::new(self.config.levels_per_side));
        self.symbols.insert(spec.symbol, id);
    }

    /// An option's underlying must be a listed future or perpetual settled in the same asset.
    fn underlying_ok(&self, spec: &InstrumentSpec) -> bool {
        let InstrumentKind::Option { underlying, .. } = spec.kind else {
            return true;
        };
        self.instruments
            .get(underlying.0 as usize)
            .is_some_and(|u| {
                matches!(
                    u.spec.kind,
                    InstrumentKind::DatedFuture { .. }
                        | InstrumentKind::Perpetual { .. }
                        | InstrumentKind::ComputeFuture { .. }
                ) && u.spec.quote == spec.quote
            })
    }

    pub(crate) fn set_controls(&mut self, instrument: InstrumentId, controls: Controls) {
        if let Some(i) = self.instruments.get_mut(instrument.0 as usize) {
            i.controls = controls;
        }
    }
}

/// A binary's ticks per unit of the quote asset (its `yes` price): the tick must divide 1.
pub(crate) fn unit_of(spec: &InstrumentSpec) -> Result<i64, EngineError> {
    if !matches!(spec.kind, InstrumentKind::Binary { .. }) {
        return Ok(0);
    }
    let tick = spec.tick.as_amount().0;
    if tick <= 0 || tradestream_model::AMOUNT_SCALE % tick != 0 {
        return Err(EngineError::BadUnit);
    }
    i64::try_from(tradestream_model::AMOUNT_SCALE / tick).map_err(|_| EngineError::BadUnit)
}
