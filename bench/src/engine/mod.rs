//! `bench engine`: BENCHMARKS.md's engine workloads on every venue, tables on stdout, a JSON
//! summary on disk. Progress goes to stderr so stdout holds only the tables.

pub mod contender;
pub mod measure;
pub mod settings;
pub mod summary;
pub mod tables;

use std::path::PathBuf;
use std::time::Instant;

use anyhow::{bail, Result};
use quanta::Clock;

use crate::machine::Machine;
use crate::workloads::{self, Workload};
use settings::Settings;
pub use settings::{EngineArgs, WorkloadKind};

/// Runs the `engine` subcommand.
pub fn run(args: &EngineArgs) -> Result<()> {
    let settings = Settings::new(args)?;
    let contenders = select(&settings)?;
    let machine = Machine::detect();
    let clock = Clock::new();
    let started = crate::report::unix_secs()?;

    println!(
        "# Tradestream engine benchmarks\n\n{}\n\nruns: {}, samples: {}, rates: {}{}\n",
        machine.describe(),
        settings.runs,
        crate::report::thousands(settings.samples as u64),
        settings
            .rates
            .iter()
            .map(|&r| crate::report::rate_label(r))
            .collect::<Vec<_>>()
            .join(", "),
        if settings.quick { " (quick)" } else { "" }
    );

    let mut results = Vec::new();
    let mut skipped = serde_json::Map::new();
    let mut derivatives = serde_json::Map::new();
    for &kind in &settings.workloads {
        if kind.derivatives_only() {
            let json = match kind {
                WorkloadKind::Derivatives => {
                    crate::derivatives::run_mix(&settings, &machine, &clock)?
                }
                _ => crate::derivatives::run_shock(&settings, &machine, &clock)?,
            };
            derivatives.insert(kind.key().to_string(), json);
            continue;
        }
        let t = Instant::now();
        eprintln!("{}: building the workload", kind.key());
        let workload = match build(kind, &settings, args) {
            Ok(w) => w,
            Err(e) => {
                println!("## {}\n\nskipped: {e:#}\n", kind.key());
                skipped.insert(
                    kind.key().to_string(),
                    serde_json::json!({ "skipped": format!("{e:#}") }),
                );
                continue;
            }
        };
        eprintln!(
            "{}: built in {:.1}s, measuring",
            kind.key(),
            t.elapsed().as_secs_f64()
        );
        let result = measure::measure(&workload, &contenders, &settings, kind.open_loop(), &clock);
        drop(workload);
        println!("{}", tables::workload(&result, &machine, &settings));
        results.push(result);
    }
    if !results.is_empty() {
        println!("{}", tables::summary(&results, &contenders, &machine));
    }

    let mut per_workload: serde_json::Map<String, serde_json::Value> = results
        .iter()
        .map(|r| (r.key.to_string(), summary::workload(r)))
        .collect();
    per_workload.extend(skipped);
    per_workload.extend(derivatives);
    let json = serde_json::json!({
        "benchmark": "engine",
        "unix_time": started,
        "machine": machine.to_json(),
        "settings": settings.to_json(),
        "venues": contenders.iter().map(|c| serde_json::json!({
            "name": c.name(),
            "notes": c.notes(),
        })).collect::<Vec<_>>(),
        "workloads": per_workload,
    });
    write_json(&json, args.json.clone(), started)
}

/// The contenders the flags select, in list order.
fn select(settings: &Settings) -> Result<Vec<Box<dyn contender::Contender>>> {
    let all = crate::venues::contenders();
    let Some(wanted) = &settings.venues else {
        return Ok(all);
    };
    let known: Vec<&str> = all.iter().map(|c| c.name()).collect();
    if let Some(unknown) = wanted.iter().find(|w| !known.contains(&w.as_str())) {
        bail!("unknown venue {unknown:?}; known: {}", known.join(", "));
    }
    Ok(all
        .into_iter()
        .filter(|c| wanted.iter().any(|w| w == c.name()))
        .collect())
}

/// Generates or loads one workload.
fn build(kind: WorkloadKind, settings: &Settings, args: &EngineArgs) -> Result<Workload> {
    let (seed, warmup, samples) = (settings.seed, settings.warmup, settings.samples);
    Ok(match kind {
        WorkloadKind::ExchangeCore => workloads::exchange_core::generate(seed, warmup, samples),
        WorkloadKind::MultiSymbol => {
            workloads::multi_symbol::generate(seed, settings.multi_resting, warmup, samples)
        }
        WorkloadKind::InsertOnly => workloads::insert_only::generate(seed, samples),
        WorkloadKind::Lobster => workloads::lobster::load(&args.lobster, settings.lobster_passes)?,
        WorkloadKind::Quantcup => {
            let feed = match &args.quantcup_feed {
                Some(path) => path.clone(),
                None => workloads::quantcup::locate_feed()?,
            };
            workloads::quantcup::load(&feed, settings.quantcup_passes)?
        }
        WorkloadKind::Derivatives | WorkloadKind::Liquidation => {
            bail!("{} runs on the derivatives engine alone", kind.key())
        }
    })
}

/// Writes the summary (see [`crate::report::write_json`]).
fn write_json(json: &serde_json::Value, target: Option<PathBuf>, started: u64) -> Result<()> {
    crate::report::write_json(json, target, "engine", started)
}
