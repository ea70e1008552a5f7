//! `tradestream`: the command-line entry point (wiring only).

use anyhow::{bail, Context, Result};
use clap::{Parser, Subcommand, ValueEnum};
use std::fs::File;
use std::io::{self, BufReader};
use std::path::PathBuf;
use tradestream::simulate::{self, JournalOptions};
use tradestream_durable::ReplayOptions;
use tradestream_journal::FsyncPolicy;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Tradestream: a deterministic, low-latency exchange core.
#[derive(Parser)]
#[command(version, about)]
struct Cli {
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Clone, Copy, ValueEnum)]
enum Fsync {
    /// Sync every write.
    Always,
    /// Group commit: sync after --fsync-records records or --fsync-micros microseconds.
    Batch,
    /// Never sync (the page cache decides).
    Never,
}

#[derive(Subcommand)]
enum Cmd {
    /// Run the exchange: the journaled engine on its own thread, the WebSocket gateway
    /// (docs/ws-api.md), /health and /metrics. With no --config it runs on embedded defaults
    /// (demo instruments, funded demo accounts and keys, data under ./data).
    Serve {
        /// TOML config laid over the embedded defaults (see src/serve/default.toml).
        #[arg(long)]
        config: Option<PathBuf>,
        /// Print the embedded default config and exit.
        #[arg(long)]
        print_default_config: bool,
        /// Also run the demo traders: a market-maker bot quoting every demo market and a taker
        /// sending small IOC orders, over QUIC (data under ./demo-data unless the config says
        /// otherwise; see src/demo/demo.toml).
        #[arg(long)]
        demo: bool,
    },
    /// The reference market-maker bot over QUIC (docs/mm.md).
    Mm(Box<tradestream::mm::args::MmArgs>),
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
        /// Journal every command in this directory (recovering and continuing a journal that is
        /// already there); events are printed once durable.
        #[arg(long)]
        journal: Option<PathBuf>,
        /// When the journal syncs.
        #[arg(long, value_enum, default_value = "batch")]
        fsync: Fsync,
        /// Batch policy: sync after this many records...
        #[arg(long, default_value_t = 4096)]
        fsync_records: usize,
        /// ...or this many microseconds after the oldest unsynced record.
        #[arg(long, default_value_t = 1000)]
        fsync_micros: u64,
        /// Write a snapshot every this many commands (0: never).
        #[arg(long, default_value_t = 100_000)]
        snapshot_every: u64,
        /// Snapshots to keep.
        #[arg(long, default_value_t = 3)]
        keep_snapshots: usize,
    },
    /// Re-execute a journal: verify it, or print the events it derives.
    Replay {
        /// The journal directory.
        #[arg(long)]
        journal: PathBuf,
        /// Prove that every recorded event digest and snapshot state hash is reproduced; exits
        /// non-zero naming the first diverging sequence number.
        #[arg(long)]
        verify: bool,
        /// First sequence number to report (earlier ones are applied silently, from a snapshot
        /// when one is old enough).
        #[arg(long, default_value_t = 1)]
        from: u64,
        /// Last sequence number to apply.
        #[arg(long)]
        to: Option<u64>,
        /// Print the derived events as JSON Lines (`seq` is the journal sequence number).
        #[arg(long)]
        events: bool,
    },
    /// Journal tools.
    Journal {
        #[command(subcommand)]
        command: JournalCmd,
    },
}

#[derive(Subcommand)]
enum JournalCmd {
    /// Segments, sequence ranges and snapshots of a journal directory.
    Inspect {
        /// The journal directory.
        dir: PathBuf,
    },
}

fn main() -> Result<()> {
    match Cli::parse().command {
        Cmd::Serve {
            config,
            print_default_config,
            demo,
        } => {
            if print_default_config {
                print!("{}", tradestream::serve::config::DEFAULT_TOML);
                return Ok(());
            }
            tradestream::serve::run(config.as_deref(), demo)?;
        }
        Cmd::Simulate {
            input,
            max_open_orders,
            capacity,
            state_hash,
            journal,
            fsync,
            fsync_records,
            fsync_micros,
            snapshot_every,
            keep_snapshots,
        } => {
            let options = simulate::Options {
                max_open_orders,
                capacity,
            };
            let reader: Box<dyn io::BufRead> = match input {
                Some(path) => Box::new(BufReader::with_capacity(
                    1 << 16,
                    File::open(&path)
                        .with_context(|| format!("cannot open input file {}", path.display()))?,
                )),
                None => Box::new(io::stdin().lock()),
            };
            let stdout = io::stdout().lock();
            let summary = match journal {
                None => simulate::run(reader, stdout, &options),
                Some(dir) => {
                    let fsync = match fsync {
                        Fsync::Always => FsyncPolicy::Always,
                        Fsync::Batch => FsyncPolicy::Batch { records: fsync_records, micros: fsync_micros },
                        Fsync::Never => FsyncPolicy::Never,
                    };
                    let journal = JournalOptions { dir, fsync, snapshot_every, keep_snapshots };
                    simulate::run_journaled(reader, stdout, &options, &journal, |r| {
                        if !r.created {
                            let from = r.snapshot_seq.map_or("genesis".into(), |s| format!("snapshot {s}"));
                            eprintln!(
                                "recovered journal to sequence {} from {from} ({} records replayed, {} torn bytes truncated, {} corrupt snapshots skipped)",
                                r.last_seq,
                                r.replayed,
                                r.truncated_bytes,
                                r.skipped_snapshots.len()
                            );
                        }
                    })
                }
            }
            .context("simulate failed")?;
            if state_hash {
                eprintln!("state_hash {}", summary.state_hash);
            }
        }
        Cmd::Mm(args) => tradestream::mm::run(&args)?,
        Cmd::Replay {
            journal,
            verify,
            from,
            to,
            events,
        } => {
            if from == 0 {
                bail!("--from counts from 1");
            }
            let opts = ReplayOptions { verify, from, to };
            let (summary, seconds) =
                tradestream::replay::run(&journal, &opts, events, io::stdout().lock())
                    .with_context(|| format!("replay of {} failed", journal.display()))?;
            eprintln!(
                "{}",
                tradestream::replay::describe(&summary, seconds, verify)
            );
        }
        Cmd::Journal {
            command: JournalCmd::Inspect { dir },
        } => {
            print!(
                "{}",
                tradestream::replay::inspect_dir(&dir)
                    .with_context(|| format!("cannot inspect {}", dir.display()))?
            );
        }
    }
    Ok(())
}
