//! `cargo run --release -p bench -- <subcommand>`: one subcommand per benchmark family.

use anyhow::Result;
use clap::{Parser, Subcommand};

mod fix;
mod journal;
mod open_loop;
mod wire;
mod ws;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Tradestream benchmarks: tables on stdout, a JSON summary under bench/results/.
#[derive(Debug, Parser)]
#[command(name = "bench", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// The benchmark families; each lives in its own module of the `bench` library.
#[derive(Debug, Subcommand)]
enum Command {
    /// Matching engine workloads (no network, no journal), peers in the same run.
    Engine(bench::engine::EngineArgs),
    /// Journal: fdatasync floor, appends/s, durable-ack latency, replay and recovery speed.
    Journal(journal::JournalArgs),
    /// WebSocket wire to wire: order entry open loop in fast and durable ack, market-data
    /// fan-out, against a loopback TCP echo and fdatasync measured in the same run.
    Ws(ws::WsArgs),
    /// FIX wire to wire: NewOrderSingle to ExecutionReport open loop, against a loopback TCP
    /// echo and QuickFIX's ordermatch in the same run, Tradestream in fast and durable ack.
    Fix(fix::FixArgs),
    /// Wire to wire for every gateway in one run: order to acknowledgement beside each
    /// gateway's loopback echo floor, fast and durable ack, and market-data delay.
    Wire(wire::WireArgs),
}

fn main() -> Result<()> {
    match Cli::parse().command {
        Command::Engine(args) => bench::engine::run(&args),
        Command::Journal(args) => journal::run(&args),
        Command::Ws(args) => ws::run(&args),
        Command::Fix(args) => fix::run(&args),
        Command::Wire(args) => wire::run(&args),
    }
}
