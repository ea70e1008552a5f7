//! The config's `[[protection]]` entries: market-maker protection limits entered at start as
//! journaled `SetProtection` commands wherever the engine's current limits differ (so a restart
//! on the same journal enters nothing again, and an edited entry enters once more).

use super::config::ProtectionEntry;
use anyhow::{anyhow, bail, Result};
use tradestream_engine::Engine;
use tradestream_model::decimal::{self, Grid};
use tradestream_model::{AccountId, Command, ProtectionLimits, ShortName};

/// The `SetProtection` commands the entries need against `engine`'s state, each with its
/// `config:` line. An unlisted symbol, a quantity off the instrument's lot or a window below
/// 1 ms is an error.
pub fn commands(engine: &Engine, entries: &[ProtectionEntry]) -> Result<Vec<(Command, String)>> {
    let mut out = Vec::new();
    for p in entries {
        let what = format!("protection of account {} on {}", p.account, p.symbol);
        let instrument = ShortName::new(&p.symbol)
            .ok()
            .and_then(|s| engine.instrument_id(&s))
            .ok_or_else(|| {
                anyhow!(
                    "{what}: symbol {:?} is not listed (see [[instruments]])",
                    p.symbol
                )
            })?;
        let lot = engine
            .instrument(instrument)
            .map(|i| i.spec.lot)
            .ok_or_else(|| anyhow!("{what}: the instrument is not listed"))?;
        let limits = limits(p, lot).map_err(|e| anyhow!("{what}: {e}"))?;
        let account = AccountId(p.account);
        if engine
            .protection_limits(account, instrument)
            .unwrap_or_default()
            == limits
        {
            continue;
        }
        let line = if limits.is_off() {
            format!("{what} removed")
        } else {
            format!(
                "{what}: window {} ms, max filled {}, max delta {}, freeze {} ms",
                limits.window_ms, p.max_filled, p.max_delta, limits.freeze_ms
            )
        };
        let cmd = Command::SetProtection {
            account,
            instrument,
            limits,
        };
        out.push((cmd, line));
    }
    Ok(out)
}

/// The entry's limits in lots; both quantity limits 0 is all-zero (the protection removed).
fn limits(p: &ProtectionEntry, lot: Grid) -> Result<ProtectionLimits> {
    let max_filled = lots(&p.max_filled, lot, "max_filled")?;
    let max_delta = lots(&p.max_delta, lot, "max_delta")?;
    if max_filled == 0 && max_delta == 0 {
        return Ok(ProtectionLimits::default());
    }
    if p.window_ms == 0 {
        bail!("window_ms must be at least 1");
    }
    Ok(ProtectionLimits {
        window_ms: p.window_ms,
        max_filled,
        max_delta,
        freeze_ms: p.freeze_ms,
    })
}

/// A limit quantity (a decimal string, 0 or a positive multiple of the lot) in lots.
fn lots(s: &str, lot: Grid, key: &str) -> Result<i64> {
    let d = decimal::parse(s).map_err(|e| anyhow!("{key} {s:?}: {e}"))?;
    if d.is_zero() {
        return Ok(0);
    }
    lot.qty(d).map(|q| q.0).map_err(|e| {
        anyhow!(
            "{key} {s:?}: {e} (a positive multiple of the lot {})",
            lot.to_decimal()
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use tradestream_model::{InstrumentKind, InstrumentSpec, Timestamp};

    fn engine() -> Engine {
        let n = |s: &str| ShortName::new(s).unwrap();
        let g = |s: &str| Grid::new(decimal::parse(s).unwrap()).unwrap();
        let mut e = Engine::new(Default::default());
        let spec = InstrumentSpec {
            symbol: n("BTC-USD"),
            kind: InstrumentKind::Spot,
            base: n("BTC"),
            quote: n("USD"),
            tick: g("0.5"),
            lot: g("0.001"),
            maker_fee_bps: 0,
            taker_fee_bps: 0,
        };
        e.apply(&Command::AddInstrument(spec), Timestamp(0), &mut Vec::new());
        e
    }

    fn entry(symbol: &str, max_filled: &str, max_delta: &str) -> ProtectionEntry {
        ProtectionEntry {
            account: 1,
            symbol: symbol.into(),
            window_ms: 1000,
            max_filled: max_filled.into(),
            max_delta: max_delta.into(),
            freeze_ms: 500,
        }
    }

    #[test]
    fn entered_only_when_the_engine_differs() {
        let mut e = engine();
        let entries = [entry("BTC-USD", "2.5", "1")];
        let cmds = commands(&e, &entries).unwrap();
        assert_eq!(cmds.len(), 1);
        let Command::SetProtection { limits, .. } = cmds[0].0 else {
            panic!("{:?}", cmds[0]);
        };
        assert_eq!((limits.max_filled, limits.max_delta), (2500, 1000));
        e.apply(&cmds[0].0, Timestamp(1), &mut Vec::new());
        assert!(commands(&e, &entries).unwrap().is_empty());
        let removal = commands(&e, &[entry("BTC-USD", "0", "0")]).unwrap();
        assert_eq!(removal.len(), 1);
        assert!(removal[0].1.ends_with("removed"), "{}", removal[0].1);
    }

    #[test]
    fn bad_entries_are_refused() {
        let e = engine();
        let err = commands(&e, &[entry("ETH-USD", "1", "1")]).unwrap_err();
        assert!(err.to_string().contains("not listed"), "{err}");
        let err = commands(&e, &[entry("BTC-USD", "0.0005", "1")]).unwrap_err();
        assert!(err.to_string().contains("max_filled"), "{err}");
    }
}
