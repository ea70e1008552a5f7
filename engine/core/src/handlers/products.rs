//! Option risk arrays, binary resolution, premium-index funding and the insurance fund.
//!
//! Options are priced outside the engine (Black-76 at the edge); the mark and the risk array
//! enter as a journaled `OptionRisk` command, so no floating-point result decides engine state.
//! Premium-index funding pays the mean premium sample since the previous funding (each mark of
//! a perpetual with an index adds `(mark - index) x 10^6 / index`, truncated; with no mark since
//! then, the premium now), clamped to the perpetual's cap; it is refused (`funding_too_early`)
//! until the funding interval has passed since the previous premium-index funding, and needs an
//! index and a mark.

use crate::assets::MAX_SUPPLY;
use crate::{Engine, EventSink};
use tradestream_model::{
    Amount, EngineError, Event, InstrumentId, InstrumentKind, Price, RiskArray, ShortName,
};

impl Engine {
    pub(crate) fn option_risk(
        &mut self,
        instrument: InstrumentId,
        vol_ppm: u32,
        mark: Price,
        values: &RiskArray,
        sink: &mut impl EventSink,
    ) {
        let Some(i) = self.instruments.get_mut(instrument.0 as usize) else {
            sink.push(Event::Error(EngineError::UnknownInstrument(instrument.0)));
            return;
        };
        if !matches!(i.spec.kind, InstrumentKind::Option { .. }) {
            sink.push(Event::Error(EngineError::WrongKind(instrument.0)));
            return;
        }
        if i.settled {
            sink.push(Event::Error(EngineError::AlreadySettled(instrument.0)));
            return;
        }
        if mark.0 < 0 || values.iter().any(|v| *v < 0) {
            sink.push(Event::Error(EngineError::BadRisk));
            return;
        }
        i.mark = Some(mark);
        i.risk = Some(*values);
        i.vol_ppm = vol_ppm;
        sink.push(Event::OptionMarked {
            instrument,
            vol_ppm,
            mark,
        });
        self.check_holders(instrument.0, sink);
    }

    pub(crate) fn resolve(
        &mut self,
        instrument: InstrumentId,
        yes: bool,
        sink: &mut impl EventSink,
    ) {
        let Some(i) = self.instruments.get(instrument.0 as usize) else {
            sink.push(Event::Error(EngineError::UnknownInstrument(instrument.0)));
            return;
        };
        if !matches!(i.spec.kind, InstrumentKind::Binary { .. }) {
            sink.push(Event::Error(EngineError::WrongKind(instrument.0)));
            return;
        }
        if i.settled {
            sink.push(Event::Error(EngineError::AlreadySettled(instrument.0)));
            return;
        }
        let price = Price(if yes { i.unit } else { 0 });
        self.settle_at(instrument.0, price, price, sink);
    }

    pub(crate) fn fund_premium(&mut self, instrument: InstrumentId, sink: &mut impl EventSink) {
        let inst = instrument.0;
        let Some(i) = self.instruments.get(inst as usize) else {
            sink.push(Event::Error(EngineError::UnknownInstrument(inst)));
            return;
        };
        let InstrumentKind::Perpetual {
            funding_interval_ms,
            funding_cap_ppm,
            ..
        } = i.spec.kind
        else {
            sink.push(Event::Error(EngineError::WrongKind(inst)));
            return;
        };
        let Some(mark) = i.mark else {
            sink.push(Event::Error(EngineError::NoMark(inst)));
            return;
        };
        let Some(index) = i.index else {
            sink.push(Event::Error(EngineError::NoIndex(inst)));
            return;
        };
        if i.last_funding
            .is_some_and(|t| self.clock.0 < t.0.saturating_add(funding_interval_ms))
        {
            sink.push(Event::Error(EngineError::FundingTooEarly(inst)));
            return;
        }
        // No mark since the last funding: the premium now is the one sample.
        let mean = match i.premium_count {
            0 => ((mark.0 as i128 - index.0 as i128) * 1_000_000 / index.0 as i128) as i64,
            n => i.premium_sum / n as i64,
        };
        let rate_ppm = match funding_cap_ppm {
            0 => mean,
            cap => mean.clamp(-(cap as i64), cap as i64),
        };
        let clock = self.clock;
        let i = &mut self.instruments[inst as usize];
        i.premium_sum = 0;
        i.premium_count = 0;
        i.last_funding = Some(clock);
        sink.push(Event::FundingRate {
            instrument,
            rate_ppm,
        });
        self.pay_funding(inst, mark, rate_ppm, sink);
    }

    pub(crate) fn insurance_deposit(
        &mut self,
        asset: ShortName,
        amount: Amount,
        sink: &mut impl EventSink,
    ) {
        let known = self.assets.find(&asset);
        let supply = known.map_or(Amount::ZERO, |a| self.assets.supply(a));
        if amount.0 <= 0 {
            sink.push(Event::Error(EngineError::BadAmount));
            return;
        }
        if supply.checked_add(amount).is_none_or(|s| s > MAX_SUPPLY) {
            sink.push(Event::Error(EngineError::BalanceOverflow));
            return;
        }
        let asset = self.assets.intern(asset);
        self.grow_asset_tables();
        self.assets.add_supply(asset, amount);
        self.insurance[asset.0 as usize] += amount;
        // Deficits left by earlier liquidations are paid now.
        self.check_asset(asset, sink);
    }

    /// Sizes the per-asset tables (fee account, insurance fund) to the interned assets.
    pub(crate) fn grow_asset_tables(&mut self) {
        self.fees.resize(self.assets.len(), Amount::ZERO);
        self.insurance.resize(self.assets.len(), Amount::ZERO);
    }
}
