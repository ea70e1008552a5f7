//! `tradestream`: the command-line entry point.

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use std::fs::File;
use std::io::{self, BufReader};
use std::path::PathBuf;
use tradestream::simulate;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Tradestream: a deterministic, low-latency exchange core.
#[derive(Parser)]
#[command(version, about)]
struct Cli {
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Run the engine with no network: JSON Lines commands in, JSON Lines events out
    /// (see docs/simulate.md).
    Simulate {
        /// Read commands from this file instead of standard input.
        #[arg(long)]
        input: Option<PathBuf>,
        /// Most open orders one account may hold.
        #[arg(long, default_value_t = simulate::Options::default().max_open_orders)]
        max_open_orders: u32,
        /// Most open orders the engine holds.
        #[arg(long, default_value_t = simulate::Options::default().capacity)]
        capacity: u32,
        /// Print `state_hash <hex>` to standard error at the end.
        #[arg(long)]
        state_hash: bool,
    },
}

fn main() -> Result<()> {
    match Cli::parse().command {
        Cmd::Simulate { input, max_open_orders, capacity, state_hash } => {
            let options = simulate::Options { max_open_orders, capacity };
            let stdout = io::stdout().lock();
            let summary = match input {
                Some(path) => {
                    let file = File::open(&path).with_context(|| format!("cannot open input file {}", path.display()))?;
                    simulate::run(BufReader::with_capacity(1 << 16, file), stdout, &options)
                }
                None => simulate::run(io::stdin().lock(), stdout, &options),
            }
            .context("simulate: cannot read input or write output")?;
            if state_hash {
                eprintln!("state_hash {}", summary.state_hash);
            }
        }
    }
    Ok(())
}
