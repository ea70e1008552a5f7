//! The instrument a bot trades, found by symbol in the serve config, and the conversion of
//! decimal prices and quantities to its ticks and lots.
//!
//! The QUIC protocol numbers instruments; the engine numbers them densely in listing order, and
//! `tradestream serve` lists the config's instruments in the order of the file the first time it
//! sees them. So the id of a symbol is its position in the config's `[[instruments]]` as long as
//! the journal was started with that config (a config reordered later would disagree with the
//! journal: give the bot the same config as the server).

use super::position::Units;
use crate::serve::config::Config;
use anyhow::{anyhow, bail, Result};
use rust_decimal::Decimal;
use std::str::FromStr;

/// An instrument of the server's config.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Market {
    /// Its QUIC instrument id.
    pub instrument: u32,
    /// Its tick and lot.
    pub units: Units,
}

impl Market {
    /// The instrument named `symbol` in `config`.
    pub fn find(config: &Config, symbol: &str) -> Result<Market> {
        let (index, entry) = config
            .instruments
            .iter()
            .enumerate()
            .find(|(_, i)| i.symbol == symbol)
            .ok_or_else(|| {
                let known: Vec<_> = config
                    .instruments
                    .iter()
                    .map(|i| i.symbol.as_str())
                    .collect();
                anyhow!(
                    "symbol {symbol:?} is not in the config (it has {})",
                    known.join(", ")
                )
            })?;
        let step = |s: &str, what: &str| -> Result<Decimal> {
            let d = Decimal::from_str(s).map_err(|e| anyhow!("{symbol} {what} {s:?}: {e}"))?;
            if d <= Decimal::ZERO {
                bail!("{symbol} {what} must be positive");
            }
            Ok(d)
        };
        Ok(Market {
            instrument: u32::try_from(index)?,
            units: Units {
                tick: step(&entry.tick, "tick")?,
                lot: step(&entry.lot, "lot")?,
            },
        })
    }

    /// `price` in ticks; it must be a positive multiple of the tick.
    pub fn ticks(&self, price: Decimal, what: &str) -> Result<i64> {
        whole(price, self.units.tick, what, "tick")
    }

    /// `qty` in lots; it must be a positive multiple of the lot.
    pub fn lots(&self, qty: Decimal, what: &str) -> Result<i64> {
        whole(qty, self.units.lot, what, "lot")
    }

    /// A price distance in ticks, rounded up (zero stays zero).
    pub fn ticks_up(&self, distance: Decimal) -> Result<i64> {
        if distance < Decimal::ZERO {
            bail!("a distance cannot be negative");
        }
        i64::try_from((distance / self.units.tick).ceil()).map_err(|e| anyhow!("{e}"))
    }
}

fn whole(value: Decimal, step: Decimal, what: &str, unit: &str) -> Result<i64> {
    let n = value / step;
    if value <= Decimal::ZERO || n.fract() != Decimal::ZERO {
        bail!("{what} {value} must be a positive multiple of the {unit} {step}");
    }
    i64::try_from(n).map_err(|_| anyhow!("{what} {value} is too large"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn symbols_of_the_embedded_defaults_resolve_to_their_position() {
        let config = Config::load(None).unwrap();
        let eth = Market::find(&config, "ETH-USD").unwrap();
        assert_eq!(eth.instrument, 1);
        assert_eq!(eth.ticks(d("3000.05"), "price").unwrap(), 60_001);
        assert_eq!(eth.lots(d("0.25"), "size").unwrap(), 250);
        assert_eq!(eth.ticks_up(d("0.12")).unwrap(), 3);
        assert!(eth.ticks(d("3000.01"), "price").is_err(), "off the tick");
        assert!(eth.lots(d("0"), "size").is_err());
        let err = Market::find(&config, "DOGE-USD").unwrap_err().to_string();
        assert!(err.contains("BTC-USD, ETH-USD, GPU-USD"), "{err}");
    }
}
