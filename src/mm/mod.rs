//! `tradestream mm`: a reference market-maker bot over the QUIC gateway (docs/mm.md).
//!
//! - [`params`]: what it quotes (reference, spread, size, inventory skew and limit) and the
//!   two-sided quote that follows from a reference price and an inventory;
//! - [`quoter`]: the sans-I/O quoting state machine (one quote in flight, re-quote on change,
//!   pause and backoff under market-maker protection);
//! - [`book`]: the instrument's book from a snapshot and the MdDelta datagrams, with gaps;
//! - [`position`]: inventory and PnL from its fills;
//! - [`market`]: the symbol's instrument id, tick and lot from the server's config;
//! - [`bot`]: the event loop over one connection; [`report`]: its report line.

pub mod args;
pub mod book;
pub mod bot;
pub mod market;
pub mod params;
pub mod position;
pub mod quoter;
pub mod report;

use crate::serve::config::Config;
use anyhow::{anyhow, bail, Context, Result};
use args::MmArgs;
use market::Market;
use params::{Params, Reference};
use rust_decimal::Decimal;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;
use tradestream_quic::client::{Client, Trust};

/// Runs the bot as the command line asks, until SIGINT/SIGTERM or `--duration-s`.
pub fn run(args: &MmArgs) -> Result<()> {
    let config = Config::load(args.config.as_deref())?;
    let market = Market::find(&config, &args.symbol)?;
    let params = params_of(args, &market)?;
    let key = signing_key(args)?;
    let server = args.server.unwrap_or(config.quic.listen);
    let cert = args.cert.clone().unwrap_or_else(|| server_cert(&config));
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    rt.block_on(async {
        let trust = Trust::pinned_pem_file(&cert)
            .with_context(|| format!("cannot trust the certificate {}", cert.display()))?;
        let mut client = Client::connect(server, &args.server_name, trust)
            .await
            .with_context(|| format!("cannot connect to {server}"))?;
        let ack = client
            .logon_ed25519(args.account, &args.api_key, &key)
            .await
            .context("logon failed")?;
        println!(
            "mm: logged on to {server} as account {} (session {}); quoting {} (instrument {})",
            args.account, ack.session, args.symbol, market.instrument
        );
        let (mut orders, md, _endpoint) = client.split();
        let mut slots = [bot::Slot::new(
            &args.symbol,
            market.units,
            quoter::Quoter::new(params, market.instrument),
        )];
        let out = bot::Output {
            label: "mm".into(),
            fills: true,
            report: Duration::from_millis(args.report_ms.max(1)),
        };
        let duration = args.duration_s;
        let stop = async move {
            if duration > 0 {
                tokio::select! {
                    _ = tokio::time::sleep(Duration::from_secs(duration)) => {}
                    _ = shutdown_signal() => {}
                }
            } else {
                shutdown_signal().await;
            }
        };
        bot::run(&mut orders, &md, &mut slots, first_quote_id(), &out, stop)
            .await
            .context("the connection failed")
    })
}

/// A quote id above any an earlier run of the bot used (ids are never reused by the engine).
pub fn first_quote_id() -> u64 {
    bot::now_ms().saturating_mul(1_000)
}

/// The certificate a server on `config` presents: the configured one, else the self-signed one
/// it writes under its data directory.
pub fn server_cert(config: &Config) -> PathBuf {
    config
        .quic
        .cert
        .clone()
        .unwrap_or_else(|| config.data_dir.join("quic").join("cert.pem"))
}

async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}

fn decimal(s: &str, what: &str) -> Result<Decimal> {
    Decimal::from_str(s).map_err(|e| anyhow!("--{what} {s:?}: {e}"))
}

/// The quoting parameters from decimal command-line values.
pub fn params_from(
    market: &Market,
    price: Option<&str>,
    mid: bool,
    spread: &str,
    size: &str,
    skew: &str,
    max_position: &str,
) -> Result<Params> {
    let price = price
        .map(|p| market.ticks(decimal(p, "price")?, "--price"))
        .transpose()?;
    let reference = match (mid, price) {
        (true, fallback) => Reference::Mid { fallback },
        (false, Some(p)) => Reference::Price(p),
        (false, None) => bail!("give --price, --mid, or both"),
    };
    let spread = market.ticks_up(decimal(spread, "spread")?)?;
    let max_position = decimal(max_position, "max-position")?;
    Ok(Params {
        reference,
        half_spread: (spread / 2).max(1),
        size: market.lots(decimal(size, "size")?, "--size")?,
        skew: market.ticks_up(decimal(skew, "skew")?)?,
        max_position: if max_position.is_zero() {
            0
        } else {
            market.lots(max_position, "--max-position")?
        },
    })
}

fn params_of(args: &MmArgs, market: &Market) -> Result<Params> {
    params_from(
        market,
        args.price.as_deref(),
        args.mid,
        &args.spread,
        &args.size,
        &args.skew,
        &args.max_position,
    )
}

fn signing_key(args: &MmArgs) -> Result<ed25519_dalek::SigningKey> {
    let hex = match (&args.seed, &args.seed_file) {
        (Some(s), _) => s.clone(),
        (None, Some(path)) => read_seed(path)?,
        (None, None) => bail!("give --seed or --seed-file"),
    };
    seed_key(hex.trim())
}

fn read_seed(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))
}

/// The Ed25519 key of a 64-hex-digit secret seed.
fn seed_key(hex: &str) -> Result<ed25519_dalek::SigningKey> {
    if hex.len() != 64 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        bail!("the seed must be 64 hex digits");
    }
    let mut seed = [0u8; 32];
    for (i, byte) in seed.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16)?;
    }
    Ok(ed25519_dalek::SigningKey::from_bytes(&seed))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn command_line_decimals_become_ticks_and_lots() {
        let config = Config::load(None).unwrap();
        let btc = Market::find(&config, "BTC-USD").unwrap();
        let p = params_from(&btc, Some("60000"), true, "10", "0.05", "2", "1").unwrap();
        assert_eq!(
            p.reference,
            Reference::Mid {
                fallback: Some(120_000)
            }
        );
        assert_eq!(
            (p.half_spread, p.size, p.skew, p.max_position),
            (10, 500, 4, 10_000)
        );
        let fixed = params_from(&btc, Some("60000.5"), false, "0.1", "0.0001", "0", "0").unwrap();
        assert_eq!(fixed.reference, Reference::Price(120_001));
        assert_eq!(
            fixed.half_spread, 1,
            "a spread under two ticks still leaves one each way"
        );
        assert!(params_from(&btc, None, false, "1", "1", "0", "0").is_err());
        assert!(params_from(&btc, Some("60000.3"), false, "1", "1", "0", "0").is_err());
    }

    #[test]
    fn seeds_are_64_hex_digits() {
        let key = seed_key(&"01".repeat(32)).unwrap();
        assert_eq!(key.to_bytes(), [1u8; 32]);
        assert!(seed_key("0102").is_err());
        assert!(seed_key(&"zz".repeat(32)).is_err());
    }
}
