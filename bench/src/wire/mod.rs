//! `bench wire`: order to acknowledgement for every gateway in one run, each beside its own
//! floor (a bare loopback echo of its order's size, both ends spinning), open loop at fixed
//! rates, in fast and durable ack; plus the market-data delay of each gateway. One table, one
//! JSON summary (`report::summary`).
//!
//! Each `--runs` times (runs interleaved so a noisy stretch of the shared VM does not land on
//! one row only): every floor at every rate ([`udp_echo`] for QUIC, the `ws` and `fix`
//! benchmarks' TCP echoes for the others, sized by [`sizes`]), then per acknowledgement mode a
//! fresh server with every gateway on, every gateway at every rate ([`quic_entry`] over the
//! QUIC gateway's own client behind [`quic`], the `ws` and `fix` benchmarks' own clients),
//! then the market-data delay of each gateway ([`md`] with [`md_quic`], [`md_ws`] and
//! [`md_fix`]).
//!
//! [`sample`] brings the runs to one shape; [`results`], [`target`], [`tables`] and
//! [`summary`] reduce and print. Tables go to stdout, progress to stderr.

mod md;
mod md_fix;
mod md_quic;
mod md_ws;
mod quic;
mod quic_entry;
mod results;
mod sample;
mod settings;
mod sizes;
mod summary;
mod tables;
mod target;
mod udp_echo;

use anyhow::Result;
use quanta::Clock;

use crate::fix::orders::TRADESTREAM;
use crate::fix::settings::Threads;
use crate::fix::tradestream::Running;
use crate::journal::scratch::discard;
use crate::open_loop::Start;
use crate::ws::schedule::{Schedule, LEAD};
use crate::ws::settings::Ack;
use bench::report::rate_label;
use results::{MdRow, Measured, Results, Row};
use sample::Sample;
pub use settings::WireArgs;
use settings::{Gateway, Settings};

/// Runs the `wire` subcommand.
pub fn run(args: &WireArgs) -> Result<()> {
    let settings = Settings::new(args)?;
    let dir = args.common.dir.clone();
    let mut start = Start::new(dir, |m, s| tables::header(m, s, &settings))?;
    let mut r = rows(&settings);
    for run in 0..settings.open.runs {
        let pass = Pass {
            settings: &settings,
            clock: &start.clock,
            of: format!("run {}/{}", run + 1, settings.open.runs),
        };
        pass.floors(&mut r);
        for &ack in &settings.open.modes {
            let dir = start.scratch.fresh(&format!("server-{}", ack.name()))?;
            let quic_on = settings.gateways.contains(&Gateway::Quic);
            match Running::start(&dir, ack, settings.open.idle, quic_on) {
                Ok(server) => {
                    eprintln!("  {} ack server, {}", ack.name(), pass.of);
                    pass.on_server(&mut r, &server, ack);
                    if let Err(e) = server.stop() {
                        let of = &pass.of;
                        r.failures
                            .push(format!("{} ack server, {of}: {e:#}", ack.name()));
                    }
                }
                Err(e) => r.failures.push(format!(
                    "{} ack server did not start, {}: {e:#}",
                    ack.name(),
                    pass.of
                )),
            }
            discard(&dir)?;
        }
    }
    println!("{}", tables::all(&r, &settings));
    let results = summary::results(&r, &settings);
    let json = args.common.json.clone();
    start.finish("wire", settings.to_json(), results, json)
}

/// The empty rows, in table order: per gateway its floor and each mode at each rate, and its
/// market data in each mode.
fn rows(settings: &Settings) -> Results {
    let mut r = Results::default();
    for &gateway in &settings.gateways {
        let modes = settings.open.modes.iter().map(|&a| Measured::Gateway(a));
        for measured in std::iter::once(Measured::Floor).chain(modes) {
            r.rows.extend(settings.open.rates.iter().map(|&rate| Row {
                gateway,
                measured,
                rate,
                bytes: sizes::order_bytes(gateway),
                runs: Vec::new(),
            }));
        }
        if settings.md_rate > 0 {
            r.md.extend(settings.open.modes.iter().map(|&ack| MdRow {
                gateway,
                ack,
                runs: Vec::new(),
            }));
        }
    }
    r
}

/// One run of every measurement.
struct Pass<'a> {
    settings: &'a Settings,
    clock: &'a Clock,
    /// `run 2/3`, for progress and failures.
    of: String,
}

impl Pass<'_> {
    /// Records `result` as a run of `what`'s row, or as a failure of `what`.
    fn record<T>(
        &self,
        r: &mut Results,
        what: String,
        result: Result<T>,
        add: impl FnOnce(&mut Results, T),
    ) {
        match result {
            Ok(run) => add(r, run),
            Err(e) => {
                let what = format!("{what}, {}", self.of);
                eprintln!("  {what} failed: {e:#}");
                r.failures.push(format!("{what}: {e:#}"));
            }
        }
    }

    /// Every gateway's floor at every rate.
    fn floors(&self, r: &mut Results) {
        let (w, s, clock) = (
            self.settings.open.warmup_seconds,
            self.settings.open.seconds,
            self.clock,
        );
        for &gateway in &self.settings.gateways {
            let bytes = sizes::order_bytes(gateway);
            for &rate in &self.settings.open.rates {
                let what = format!(
                    "{} floor ({} echo, {bytes} B) at {}/s",
                    gateway.name(),
                    gateway.floor_transport(),
                    rate_label(rate)
                );
                eprintln!("  {what}, {}", self.of);
                let result = match gateway {
                    Gateway::Quic => udp_echo::measure(
                        bytes,
                        || Schedule::new(clock.now() + LEAD, rate, w, s),
                        clock,
                    ),
                    Gateway::Ws => {
                        crate::ws::echo::measure(rate, bytes, w, s, clock).map(Sample::from)
                    }
                    Gateway::Fix => {
                        crate::fix::echo::measure(rate, bytes, w, s, Threads::One, clock)
                            .map(Sample::from)
                    }
                };
                self.record(r, what, result, |r, run| {
                    r.push(gateway, Measured::Floor, rate, run)
                });
            }
        }
    }

    /// Every gateway at every rate, then the market-data delay, against `server` in `ack`
    /// mode.
    fn on_server(&self, r: &mut Results, server: &Running, ack: Ack) {
        let (w, s, clock) = (
            self.settings.open.warmup_seconds,
            self.settings.open.seconds,
            self.clock,
        );
        let m = Measured::Gateway(ack);
        for &gateway in &self.settings.gateways {
            for &rate in &self.settings.open.rates {
                let what = format!(
                    "{} {} ack at {}/s",
                    gateway.name(),
                    ack.name(),
                    rate_label(rate)
                );
                eprintln!("  {what}, {}", self.of);
                let result = match gateway {
                    Gateway::Quic => match &server.quic {
                        Some((addr, cert)) => quic_entry::measure(*addr, cert, rate, w, s, clock),
                        None => Err(no_quic()),
                    },
                    Gateway::Ws => {
                        let url = format!("ws://{}/ws", server.ws_addr);
                        crate::ws::entry::measure(server.ws_addr, &url, rate, w, s, clock)
                            .map(Sample::from)
                    }
                    Gateway::Fix => crate::fix::session::measure(
                        server.addr,
                        TRADESTREAM,
                        rate,
                        w,
                        s,
                        Threads::One,
                        clock,
                    )
                    .map(Sample::from),
                };
                self.record(r, what, result, |r, run| r.push(gateway, m, rate, run));
            }
        }
        if self.settings.md_rate == 0 {
            return;
        }
        let (rate, secs) = (self.settings.md_rate, self.settings.md_seconds);
        for &gateway in &self.settings.gateways {
            let what = format!("{} market data, {} ack", gateway.name(), ack.name());
            eprintln!("  {what}, {}", self.of);
            let result = match gateway {
                Gateway::Quic => match &server.quic {
                    Some((addr, cert)) => md_quic::QuicBook::connect(*addr, cert)
                        .and_then(|mut link| md::measure(&mut link, rate, w, secs, clock)),
                    None => Err(no_quic()),
                },
                Gateway::Ws => md_ws::WsBook::connect(server.ws_addr)
                    .and_then(|mut link| md::measure(&mut link, rate, w, secs, clock)),
                Gateway::Fix => md_fix::FixBook::connect(server.addr)
                    .and_then(|mut link| md::measure(&mut link, rate, w, secs, clock)),
            };
            self.record(r, what, result, |r, run| r.push_md(gateway, ack, run));
        }
    }
}

/// The QUIC gateway was asked for but the server has none.
fn no_quic() -> anyhow::Error {
    anyhow::anyhow!("the server started without its QUIC gateway")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every gateway of one in-process server answers a short run at a low rate and shows its
    /// resting orders in market data, with nothing wrong.
    #[test]
    fn every_gateway_answers_and_shows_resting_orders() {
        let clock = Clock::new();
        let dir = std::env::temp_dir().join(format!("bench-wire-smoke-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir is writable");
        let server = Running::start(&dir, Ack::Fast, crate::ws::settings::Idle::SpinPark, true)
            .expect("the server starts");
        let (addr, cert) = server.quic.clone().expect("QUIC is on");
        let url = format!("ws://{}/ws", server.ws_addr);
        let (rate, warmup, secs) = (1_000, 0.0, 0.05);
        let entries: Vec<(&str, Result<Sample>)> = vec![
            (
                "QUIC",
                quic_entry::measure(addr, &cert, rate, warmup, secs, &clock),
            ),
            (
                "WebSocket",
                crate::ws::entry::measure(server.ws_addr, &url, rate, warmup, secs, &clock)
                    .map(Sample::from),
            ),
            (
                "FIX",
                crate::fix::session::measure(
                    server.addr,
                    TRADESTREAM,
                    rate,
                    warmup,
                    secs,
                    Threads::One,
                    &clock,
                )
                .map(Sample::from),
            ),
        ];
        for (gateway, run) in entries {
            let run = run.unwrap_or_else(|e| panic!("{gateway}: {e:#}"));
            assert_eq!((run.sent, run.answered), (50, 50), "{gateway}");
            assert!(run.problems.is_clean(), "{gateway}: {:?}", run.problems);
        }
        // Each book connects just before its run: a subscriber connected earlier would read
        // the other gateways' orders too.
        type Connect<'a> = Box<dyn Fn() -> Result<Box<dyn md::MdLink>> + 'a>;
        let books: Vec<(&str, Connect<'_>)> = vec![
            (
                "QUIC",
                Box::new(|| Ok(Box::new(md_quic::QuicBook::connect(addr, &cert)?))),
            ),
            (
                "WebSocket",
                Box::new(|| Ok(Box::new(md_ws::WsBook::connect(server.ws_addr)?))),
            ),
            (
                "FIX",
                Box::new(|| Ok(Box::new(md_fix::FixBook::connect(server.addr)?))),
            ),
        ];
        for (gateway, connect) in books {
            let mut book = connect().unwrap_or_else(|e| panic!("{gateway}: {e:#}"));
            let run = md::measure(book.as_mut(), 200, 0.0, 0.1, &clock)
                .unwrap_or_else(|e| panic!("{gateway}: {e:#}"));
            assert_eq!((run.placed, run.shown), (20, 20), "{gateway}");
            assert!(run.problems.is_clean(), "{gateway}: {:?}", run.problems);
        }
        server.stop().expect("the server stops");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
