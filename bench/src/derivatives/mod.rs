//! `bench engine --workloads derivatives,liquidation`: the derivatives engine on its own (no
//! peer engine has derivatives risk to compare with).
//!
//! * `derivatives`: throughput and per-command latency of a mix of perpetual, option and future
//!   orders from 10,000 margined accounts (every order passes the pre-trade margin check: cross
//!   margin over positions and open orders, options by their risk arrays), with market makers
//!   re-quoting and oracle updates (index prices deriving the perpetual's mark and running the
//!   maintenance scan, option risk arrays priced outside the core before timing);
//! * `liquidation`: the time one mark price takes to liquidate 10,000 accounts (IOC steps against
//!   the book, the insurance fund, auto-deleveraging), verified afterwards.

pub mod mix;
pub mod shock;
pub mod venue;

use anyhow::Result;
use hdrhistogram::Histogram;
use quanta::Clock;
use tradestream_model::{Event, Timestamp};

use crate::engine::settings::Settings;
use crate::machine::Machine;
use crate::report::{latency, median, thousands, throughput};
use mix::{Class, Counts};

/// One flat-out and one timed-per-command pass of the mix.
struct MixRun {
    per_second: f64,
    orders: Histogram<u64>,
    oracle: Histogram<u64>,
    counts: Counts,
}

/// A venue with the set-up applied, sized for `commands` more (every order id kept).
fn fresh(
    setup: &[tradestream_model::Command],
    commands: usize,
    sink: &mut Vec<Event>,
) -> tradestream_engine::Engine {
    let accounts = (mix::ACCOUNTS + mix::MAKERS + 1) as usize;
    let mut e = venue::engine(500_000, accounts, setup.len() + commands, sink);
    for c in setup {
        venue::must(&mut e, *c, sink);
    }
    e.prefault();
    e
}

fn mix_run(m: &mix::Mix, clock: &Clock) -> MixRun {
    let mut sink = Vec::with_capacity(1 << 16);
    let mut e = fresh(&m.setup, m.measured.len(), &mut sink);
    let start = clock.now();
    for (_, c) in &m.measured {
        sink.clear();
        e.apply(c, Timestamp(0), &mut sink);
    }
    let elapsed = clock.now().duration_since(start).as_secs_f64();
    let per_second = m.measured.len() as f64 / elapsed;

    let mut e = fresh(&m.setup, m.measured.len(), &mut sink);
    let mut orders = Histogram::<u64>::new(3).expect("histogram");
    let mut oracle = Histogram::<u64>::new(3).expect("histogram");
    let mut counts = Counts::default();
    for (class, c) in &m.measured {
        sink.clear();
        let t = clock.now();
        e.apply(c, Timestamp(0), &mut sink);
        let ns = clock.now().duration_since(t).as_nanos() as u64;
        match class {
            Class::Order => orders.record(ns.max(1)).expect("record"),
            Class::Oracle => oracle.record(ns.max(1)).expect("record"),
        }
        counts.add(&sink);
    }
    MixRun {
        per_second,
        orders,
        oracle,
        counts,
    }
}

fn row(name: &str, h: &Histogram<u64>) -> String {
    let q = |p: f64| latency(h.value_at_quantile(p));
    format!(
        "| {name} | {} | {} | {} | {} | {} | {} |",
        thousands(h.len()),
        q(0.5),
        q(0.9),
        q(0.99),
        q(0.999),
        latency(h.max())
    )
}

/// Runs the derivatives mix; prints its tables, returns its JSON.
pub fn run_mix(settings: &Settings, machine: &Machine, clock: &Clock) -> Result<serde_json::Value> {
    let mut sink = Vec::new();
    let probe = venue::engine(1_000, 16, 1_000, &mut sink);
    let m = mix::generate(&probe, settings.seed, settings.samples);
    let runs: Vec<MixRun> = (0..settings.runs)
        .map(|r| {
            eprintln!("derivatives: run {} of {}", r + 1, settings.runs);
            mix_run(&m, clock)
        })
        .collect();
    let rates: Vec<f64> = runs.iter().map(|r| r.per_second).collect();
    let mid = median(rates.clone()).unwrap_or(0.0);
    // The run whose throughput is the median gives the latency rows.
    let pick = runs
        .iter()
        .min_by(|a, b| {
            (a.per_second - mid)
                .abs()
                .total_cmp(&(b.per_second - mid).abs())
        })
        .expect("a run");
    let c = &pick.counts;
    // Orders per second of apply time, from the timed pass (each command timed on its own).
    let orders_only =
        pick.orders.len() as f64 / (pick.orders.mean() * pick.orders.len() as f64 / 1e9);
    let rejects: Vec<String> = c
        .rejects
        .iter()
        .map(|(k, v)| format!("{k} {}", thousands(*v)))
        .collect();
    println!(
        "## derivatives: perpetual, future and option orders with margin checks (Tradestream only)\n\n\
         {}\n\n{} accounts, {} timed commands, {} runs; no peer engine has derivatives risk.\n\n\
         | throughput (median) | runs | orders only (oracle time left out) |\n|---|---|---|\n| {} | {} | {} |\n\n\
         | command | count | 50% | 90% | 99% | 99.9% | worst |\n|---|---|---|---|---|---|---|\n{}\n{}\n\n\
         {} trades, {} events, {} liquidations; rejects: {}\n",
        machine.describe(),
        thousands(mix::ACCOUNTS),
        thousands(m.measured.len() as u64),
        settings.runs,
        throughput(mid),
        rates.iter().map(|r| throughput(*r)).collect::<Vec<_>>().join(", "),
        throughput(orders_only),
        row("order / cancel", &pick.orders),
        row("oracle update", &pick.oracle),
        thousands(c.trades),
        thousands(c.events),
        thousands(c.liquidations),
        if rejects.is_empty() { "none".into() } else { rejects.join(", ") },
    );
    let hist = |h: &Histogram<u64>| {
        serde_json::json!({
            "count": h.len(),
            "p50_ns": h.value_at_quantile(0.5),
            "p90_ns": h.value_at_quantile(0.9),
            "p99_ns": h.value_at_quantile(0.99),
            "p999_ns": h.value_at_quantile(0.999),
            "max_ns": h.max(),
        })
    };
    Ok(serde_json::json!({
        "accounts": mix::ACCOUNTS,
        "commands": m.measured.len(),
        "throughput_per_s": rates,
        "median_per_s": mid,
        "orders_only_per_s": orders_only,
        "orders": hist(&pick.orders),
        "oracle": hist(&pick.oracle),
        "trades": c.trades,
        "events": c.events,
        "liquidations": c.liquidations,
        "rejects": c.rejects,
    }))
}

/// Runs the price shock; prints its table, returns its JSON.
pub fn run_shock(
    settings: &Settings,
    machine: &Machine,
    clock: &Clock,
) -> Result<serde_json::Value> {
    let mut results = Vec::new();
    for r in 0..settings.runs {
        eprintln!("liquidation: building run {} of {}", r + 1, settings.runs);
        // Sized as the server's engine thread sizes its sink.
        let mut sink = Vec::with_capacity(1 << 16);
        let mut e = shock::build(&mut sink);
        let before = shock::ledger(&e);
        sink.clear();
        let t = clock.now();
        e.apply(&shock::command(), Timestamp(0), &mut sink);
        let ns = clock.now().duration_since(t).as_nanos() as u64;
        shock::verify(&e, before, &sink)?;
        results.push(shock::tally(ns, &sink));
    }
    let times: Vec<f64> = results.iter().map(|s| s.ns as f64).collect();
    let mid = median(times.clone()).unwrap_or(0.0);
    let s = &results[0];
    println!(
        "## liquidation: one mark price liquidates {} accounts (Tradestream only)\n\n{}\n\n\
         | time (median of {}) | per account | runs | events | liquidations | IOC steps (filled) | trades | deleveraged | insurance paid |\n\
         |---|---|---|---|---|---|---|---|---|\n\
         | {} | {} | {} | {} | {} | {} ({}) | {} | {} | {} (USD {:.0}) |\n\n\
         Verified after every run: every long liquidated, the USD ledger unchanged, no account \
         below zero equity without a liquidation.\n",
        thousands(shock::LONGS),
        machine.describe(),
        settings.runs,
        latency(mid as u64),
        latency((mid / shock::LONGS as f64) as u64),
        times.iter().map(|t| latency(*t as u64)).collect::<Vec<_>>().join(", "),
        thousands(s.events),
        thousands(s.liquidations),
        thousands(s.steps),
        thousands(s.filled_steps),
        thousands(s.trades),
        thousands(s.deleveraged),
        thousands(s.insurance_paid),
        s.insurance_usd,
    );
    Ok(serde_json::json!({
        "accounts": shock::LONGS,
        "times_ns": times,
        "median_ns": mid,
        "events": s.events,
        "liquidations": s.liquidations,
        "steps": s.steps,
        "filled_steps": s.filled_steps,
        "trades": s.trades,
        "deleveraged": s.deleveraged,
        "insurance_paid": s.insurance_paid,
        "insurance_usd": s.insurance_usd,
    }))
}
