//! `tradestream serve --demo`: the server plus a market-maker bot and a taker trading by
//! themselves over QUIC, so a new user sees a live book and trades at once (settings in the
//! embedded `demo.toml`).
//!
//! The bot (account 11) quotes every demo market on one connection with `tradestream mm`'s
//! quoting logic ([`crate::mm`]); the taker (account 12) sends small IOC orders of a random side
//! and size. Both run on a thread of their own and stop before the server does.

pub mod config;
pub mod taker;

use crate::mm::bot::{self, Output, Slot};
use crate::mm::market::Market;
use crate::mm::position::Position;
use crate::mm::quoter::Quoter;
use crate::mm::{first_quote_id, params_from};
use crate::serve::config::Config;
use anyhow::{Context, Result};
use config::{DemoConfig, MM, TAKER};
use ed25519_dalek::SigningKey;
use std::net::SocketAddr;
use std::path::Path;
use std::thread::JoinHandle;
use std::time::Duration;
use taker::TakerMarket;
use tokio::sync::watch;
use tradestream_quic::client::{Client, Trust};

/// The running demo traders.
pub struct Demo {
    stop: watch::Sender<bool>,
    thread: JoinHandle<Result<Vec<(String, Position)>>>,
}

/// One demo market, resolved.
struct Resolved {
    symbol: String,
    market: Market,
    quoter: Quoter,
    taker: TakerMarket,
}

fn resolve(config: &Config, demo: &DemoConfig) -> Result<Vec<Resolved>> {
    demo.markets
        .iter()
        .map(|m| {
            let market = Market::find(config, &m.symbol)?;
            let params = params_from(
                &market,
                Some(&m.price),
                true,
                &m.spread,
                &m.size,
                &m.skew,
                &m.max_position,
            )
            .with_context(|| format!("demo market {}", m.symbol))?;
            let price = market.ticks(m.price.parse()?, "demo price")?;
            Ok(Resolved {
                symbol: m.symbol.clone(),
                market,
                quoter: Quoter::new(params, market.instrument),
                taker: TakerMarket {
                    market,
                    price,
                    max_lots: params.size,
                },
            })
        })
        .collect()
}

impl Demo {
    /// Starts the bot and the taker against the QUIC gateway at `addr` (certificate `cert`).
    pub fn start(
        config: &Config,
        demo: &DemoConfig,
        addr: SocketAddr,
        cert: &Path,
    ) -> Result<Demo> {
        let markets = resolve(config, demo)?;
        let trust = Trust::pinned_pem_file(cert)
            .with_context(|| format!("cannot trust {}", cert.display()))?;
        let (stop, stopped) = watch::channel(false);
        let report = Duration::from_secs(demo.report_s.max(1));
        let interval = Duration::from_millis(demo.taker_interval_ms.max(1));
        let thread = std::thread::Builder::new()
            .name("demo".into())
            .spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()?;
                rt.block_on(trade(markets, trust, addr, report, interval, stopped))
            })?;
        Ok(Demo { stop, thread })
    }

    /// Stops the traders (the bot pulls its quotes first); returns the bot's position in each
    /// market.
    pub fn stop(self) -> Result<Vec<(String, Position)>> {
        let _ = self.stop.send(true);
        self.thread
            .join()
            .map_err(|_| anyhow::anyhow!("the demo thread panicked"))?
    }
}

async fn until(mut stopped: watch::Receiver<bool>) {
    let _ = stopped.wait_for(|s| *s).await;
}

async fn trade(
    markets: Vec<Resolved>,
    trust: Trust,
    addr: SocketAddr,
    report: Duration,
    interval: Duration,
    stopped: watch::Receiver<bool>,
) -> Result<Vec<(String, Position)>> {
    let mut mm = Client::connect(addr, "localhost", trust.clone()).await?;
    mm.logon_ed25519(MM.0, MM.1, &SigningKey::from_bytes(&[MM.2; 32]))
        .await?;
    let mut taker = Client::connect(addr, "localhost", trust).await?;
    taker
        .logon_ed25519(TAKER.0, TAKER.1, &SigningKey::from_bytes(&[TAKER.2; 32]))
        .await?;
    println!(
        "demo: market maker on account {} quoting {}; taker on account {} sending an IOC order every {} ms",
        MM.0,
        markets.iter().map(|m| m.symbol.as_str()).collect::<Vec<_>>().join(", "),
        TAKER.0,
        interval.as_millis()
    );
    let takers: Vec<TakerMarket> = markets.iter().map(|m| m.taker).collect();
    let mut slots: Vec<Slot> = markets
        .into_iter()
        .map(|m| Slot::new(&m.symbol, m.market.units, m.quoter))
        .collect();
    let out = Output {
        label: "demo mm:".into(),
        fills: false,
        report,
    };
    let (mut mm_orders, md, _mm_endpoint) = mm.split();
    let (mut taker_orders, _taker_md, _taker_endpoint) = taker.split();
    let first = first_quote_id();
    let (bot, flow) = tokio::join!(
        bot::run(
            &mut mm_orders,
            &md,
            &mut slots,
            first,
            &out,
            until(stopped.clone())
        ),
        taker::run(&mut taker_orders, &takers, interval, first, until(stopped)),
    );
    bot.context("demo market maker")?;
    flow.context("demo taker")?;
    Ok(slots
        .iter()
        .map(|s| (s.symbol.clone(), *s.quoter.position()))
        .collect())
}
