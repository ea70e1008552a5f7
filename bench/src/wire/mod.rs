//! `bench wire`: order to acknowledgement for every gateway in one run, each beside its own
//! floor (a bare loopback echo of its order's size, both ends spinning), open loop at fixed
//! rates, in fast and durable ack; plus the market-data delay of each gateway. One table, one
//! JSON summary (`report::summary`).
//!
//! Each `--runs` times (runs interleaved so a noisy stretch of the shared VM does not land on
//! one row only): every floor at every rate ([`udp_echo`] for QUIC, the `ws` and `fix`
//! benchmarks' TCP echoes for the others, sized by [`sizes`]), then per acknowledgement mode a
//! fresh server with every gateway on, every gateway at every rate (the `ws` and `fix`
//! benchmarks' own clients), then the market-data delay of each gateway ([`md`] with
//! [`md_ws`] and [`md_fix`]).
//!
//! [`sample`] brings the runs to one shape; [`results`], [`target`], [`tables`] and
//! [`summary`] reduce and print. Tables go to stdout, progress to stderr.

mod md;
mod md_fix;
mod md_ws;
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
use crate::journal::scratch::{discard, Scratch};
use crate::ws::settings::Ack;
use bench::machine::Machine;
use bench::report::rate_label;
use results::{MdRow, Measured, Results, Row};
use sample::Sample;
pub use settings::WireArgs;
use settings::{Gateway, Settings};

/// Runs the `wire` subcommand.
pub fn run(args: &WireArgs) -> Result<()> {
    let settings = Settings::new(args)?;
    let machine = Machine::detect();
    let clock = Clock::new();
    let started = bench::report::unix_secs()?;
    let parent = args.dir.clone().unwrap_or_else(std::env::temp_dir);
    let mut scratch = Scratch::create(&parent)?;
    let storage = scratch.storage().clone();
    println!("{}", tables::header(&machine, &storage, &settings));

    let mut r = Results::default();
    for &gateway in &settings.gateways {
        let measured = std::iter::once(Measured::Floor)
            .chain(settings.modes.iter().map(|&a| Measured::Gateway(a)));
        for m in measured {
            for &rate in &settings.rates {
                r.rows.push(Row {
                    gateway,
                    measured: m,
                    rate,
                    bytes: sizes::order_bytes(gateway),
                    runs: Vec::new(),
                });
            }
        }
        if settings.md_rate > 0 {
            r.md.extend(settings.modes.iter().map(|&ack| MdRow {
                gateway,
                ack,
                runs: Vec::new(),
            }));
        }
    }
    for run in 0..settings.runs {
        let of = format!("run {}/{}", run + 1, settings.runs);
        floors(&mut r, &settings, &clock, &of);
        for &ack in &settings.modes {
            let dir = scratch.fresh(&format!("server-{}", ack.name()))?;
            match Running::start(&dir, ack, settings.idle) {
                Ok(server) => {
                    eprintln!("  {} ack server, {of}", ack.name());
                    on_server(&mut r, &settings, &server, ack, &clock, &of);
                    if let Err(e) = server.stop() {
                        r.failures
                            .push(format!("{} ack server, {of}: {e:#}", ack.name()));
                    }
                }
                Err(e) => r.failures.push(format!(
                    "{} ack server did not start, {of}: {e:#}",
                    ack.name()
                )),
            }
            discard(&dir)?;
        }
    }
    println!("{}", tables::all(&r, &settings));
    scratch.remove()?;

    let json = bench::report::summary(
        "wire",
        started,
        machine.to_json(),
        storage.to_json(),
        settings.to_json(),
        summary::results(&r, &settings),
    );
    bench::report::write_json(&json, args.json.clone(), "wire", started)
}

/// Records `result` as a run of its row, or as a failure.
fn record(
    r: &mut Results,
    gateway: Gateway,
    measured: Measured,
    rate: u64,
    of: &str,
    result: Result<Sample>,
) {
    match result {
        Ok(run) => r.push(gateway, measured, rate, run),
        Err(e) => {
            let what = format!(
                "{} {}, {}/s, {of}",
                gateway.name(),
                measured.name(),
                rate_label(rate)
            );
            eprintln!("  {what} failed: {e:#}");
            r.failures.push(format!("{what}: {e:#}"));
        }
    }
}

/// One run of every gateway's floor at every rate.
fn floors(r: &mut Results, settings: &Settings, clock: &Clock, of: &str) {
    let (w, s) = (settings.warmup_seconds, settings.seconds);
    for &gateway in &settings.gateways {
        let bytes = sizes::order_bytes(gateway);
        for &rate in &settings.rates {
            eprintln!(
                "  {} floor ({} echo, {bytes} B) at {}/s, {of}",
                gateway.name(),
                gateway.floor_transport(),
                rate_label(rate)
            );
            let result = match gateway {
                Gateway::Quic => udp_echo::measure(rate, bytes, w, s, clock),
                Gateway::Ws => crate::ws::echo::measure(rate, bytes, w, s, clock).map(Sample::from),
                Gateway::Fix => crate::fix::echo::measure(rate, bytes, w, s, Threads::One, clock)
                    .map(Sample::from),
            };
            record(r, gateway, Measured::Floor, rate, of, result);
        }
    }
}

/// One run of every gateway at every rate, then the market-data delay, against a server in
/// `ack` mode.
fn on_server(
    r: &mut Results,
    settings: &Settings,
    server: &Running,
    ack: Ack,
    clock: &Clock,
    of: &str,
) {
    let (w, s) = (settings.warmup_seconds, settings.seconds);
    let m = Measured::Gateway(ack);
    for &gateway in &settings.gateways {
        for &rate in &settings.rates {
            eprintln!(
                "  {} {} ack at {}/s, {of}",
                gateway.name(),
                ack.name(),
                rate_label(rate)
            );
            let result = match gateway {
                Gateway::Quic => Err(no_quic()),
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
            record(r, gateway, m, rate, of, result);
        }
    }
    if settings.md_rate == 0 {
        return;
    }
    for &gateway in &settings.gateways {
        eprintln!("  {} market data, {} ack, {of}", gateway.name(), ack.name());
        let (rate, secs) = (settings.md_rate, settings.md_seconds);
        let result = match gateway {
            Gateway::Quic => Err(no_quic()),
            Gateway::Ws => md_ws::WsBook::connect(server.ws_addr)
                .and_then(|mut link| md::measure(&mut link, rate, w, secs, clock)),
            Gateway::Fix => md_fix::FixBook::connect(server.addr)
                .and_then(|mut link| md::measure(&mut link, rate, w, secs, clock)),
        };
        match result {
            Ok(run) => r.push_md(gateway, ack, run),
            Err(e) => {
                let what = format!("{} market data, {} ack, {of}", gateway.name(), ack.name());
                eprintln!("  {what} failed: {e:#}");
                r.failures.push(format!("{what}: {e:#}"));
            }
        }
    }
}

/// Why the QUIC gateway's own rows are empty: this build has no QUIC gateway to start.
fn no_quic() -> anyhow::Error {
    anyhow::anyhow!("the server in this build has no QUIC gateway yet (only its floor is measured)")
}
