//! Output of the derivatives events (issue 5) and the `margin`, `insurance` and `greeks` queries, in the
//! style of [`super::format`]: fields in a fixed order, decimals normalised, symbols and asset
//! names instead of ids.

use super::format::Obj;
use tradestream_engine::Engine;
use tradestream_model::decimal::write_fixed;
use tradestream_model::{AccountId, AssetId, Event, InstrumentId};

/// Writes one derivatives event (the caller routes only those here).
pub(super) fn event(out: &mut Vec<u8>, seq: u64, e: &Event, engine: &Engine) {
    let inst = |i: InstrumentId| {
        engine
            .instrument(i)
            .expect("events name listed instruments")
            .spec
    };
    let asset = |a: AssetId| {
        engine
            .asset_names()
            .get(a.0 as usize)
            .expect("events name known assets")
            .as_str()
    };
    match *e {
        Event::OptionMarked {
            instrument,
            vol_ppm,
            mark,
        } => {
            let spec = inst(instrument);
            let mut vol = Vec::new();
            vol.push(b'"');
            write_fixed(vol_ppm as i128, 6, &mut vol);
            vol.push(b'"');
            Obj::start(out, seq, "option_marked")
                .str("symbol", spec.symbol.as_str())
                .raw("vol", &vol)
                .grid("mark", spec.tick, mark.0)
                .end();
        }
        Event::FundingRate {
            instrument,
            rate_ppm,
        } => {
            Obj::start(out, seq, "funding_rate")
                .str("symbol", inst(instrument).symbol.as_str())
                .int("rate_ppm", rate_ppm)
                .end();
        }
        Event::LiquidationStarted {
            account,
            asset: a,
            equity,
            maintenance,
        } => {
            Obj::start(out, seq, "liquidation_started")
                .int("account", account.0)
                .str("asset", asset(a))
                .amount("equity", equity)
                .amount("maintenance", maintenance)
                .end();
        }
        Event::LiquidationStep {
            account,
            instrument,
            side,
            qty,
            limit,
            filled,
        } => {
            let spec = inst(instrument);
            Obj::start(out, seq, "liquidation_step")
                .int("account", account.0)
                .str("symbol", spec.symbol.as_str())
                .str("side", side.as_str())
                .grid("qty", spec.lot, qty.0)
                .grid("limit", spec.tick, limit.0)
                .grid("filled", spec.lot, filled.0)
                .end();
        }
        Event::Deleveraged {
            account,
            counterparty,
            instrument,
            qty,
            price,
        } => {
            let spec = inst(instrument);
            Obj::start(out, seq, "deleveraged")
                .int("account", account.0)
                .int("counterparty", counterparty.0)
                .str("symbol", spec.symbol.as_str())
                .grid("qty", spec.lot, qty)
                .grid("price", spec.tick, price.0)
                .end();
        }
        Event::InsurancePaid {
            account,
            asset: a,
            amount,
        } => {
            Obj::start(out, seq, "insurance_paid")
                .int("account", account.0)
                .str("asset", asset(a))
                .amount("amount", amount)
                .end();
        }
        Event::Liquidated {
            account,
            asset: a,
            balance,
        } => {
            Obj::start(out, seq, "liquidated")
                .int("account", account.0)
                .str("asset", asset(a))
                .amount("balance", balance)
                .end();
        }
        _ => unreachable!("not a derivatives event: {e:?}"),
    }
}

/// Writes one `margin` event per settlement asset in which the account has derivative positions
/// or orders, in asset order.
pub(super) fn margin(out: &mut Vec<u8>, seq: u64, account: AccountId, engine: &Engine) {
    for m in engine.margin_summary(account) {
        Obj::start(out, seq, "margin")
            .int("account", account.0)
            .str("asset", m.asset.as_str())
            .amount("balance", m.balance)
            .amount("unrealized", m.unrealized)
            .amount("equity", m.equity)
            .amount("initial", m.initial)
            .amount("maintenance", m.maintenance)
            .end();
    }
}

/// Writes one `insurance` event per asset with a non-zero insurance fund, in asset order.
pub(super) fn insurance(out: &mut Vec<u8>, seq: u64, engine: &Engine) {
    for (asset, amount) in engine.insurance_funds() {
        Obj::start(out, seq, "insurance")
            .str("asset", asset.as_str())
            .amount("amount", amount)
            .end();
    }
}

/// The `greeks` query: the option's Black-76 price and sensitivities at the edge, in the quote
/// asset (price, vega per 1.00 of volatility, theta per year) and per unit of the underlying
/// (delta, gamma). Nothing here enters the engine.
pub(super) fn greeks(
    out: &mut Vec<u8>,
    seq: u64,
    p: &super::parse_derivatives::Priced,
    engine: &Engine,
) {
    use rust_decimal::prelude::ToPrimitive;
    let spec = engine
        .instrument(p.instrument)
        .expect("priced options are listed")
        .spec;
    let tick = spec.tick.to_decimal().to_f64().unwrap_or(0.0);
    let g = p.quote.greeks;
    let mut vol = vec![b'"'];
    write_fixed(p.vol_ppm as i128, 6, &mut vol);
    vol.push(b'"');
    let num = |x: f64| format!("{x:.6}");
    Obj::start(out, seq, "greeks")
        .str("symbol", spec.symbol.as_str())
        .raw("vol", &vol)
        .grid("underlying", spec.tick, p.underlying.0)
        .grid("mark", spec.tick, p.quote.mark.0)
        .int("price", num(g.price * tick))
        .int("delta", num(g.delta))
        .int("gamma", num(if tick > 0.0 { g.gamma / tick } else { 0.0 }))
        .int("vega", num(g.vega * tick))
        .int("theta", num(g.theta * tick))
        .end();
}
