//! `tradestream mm`'s command line.

use clap::Args;
use std::net::SocketAddr;
use std::path::PathBuf;

/// A reference market-maker bot over QUIC: it quotes `--spread` and `--size` around a reference
/// (the book's mid with `--mid`, else the fixed `--price`), skews by inventory, re-quotes on fills,
/// pauses when market-maker protection refuses its quotes, and prints its PnL and inventory.
#[derive(Debug, Clone, Args)]
pub struct MmArgs {
    /// The server's config (the embedded defaults when absent): the symbol's instrument id,
    /// tick and lot, the QUIC address and certificate come from it.
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Instrument to quote.
    #[arg(long)]
    pub symbol: String,
    /// QUIC address of the server (default: the config's `[quic] listen`).
    #[arg(long)]
    pub server: Option<SocketAddr>,
    /// The server's certificate (PEM) to trust (default: the config's `[quic] cert`, else the
    /// self-signed one the server wrote under `data_dir/quic/cert.pem`).
    #[arg(long)]
    pub cert: Option<PathBuf>,
    /// The name the server's certificate is checked against.
    #[arg(long, default_value = "localhost")]
    pub server_name: String,
    /// Account to trade for.
    #[arg(long)]
    pub account: u64,
    /// API key (at most 16 bytes: it is the QUIC logon's key id).
    #[arg(long)]
    pub api_key: String,
    /// The key's Ed25519 secret seed, 64 hex digits (or use --seed-file).
    #[arg(long, conflicts_with = "seed_file")]
    pub seed: Option<String>,
    /// A file holding the seed as 64 hex digits.
    #[arg(long)]
    pub seed_file: Option<PathBuf>,
    /// Quote around this fixed price (with --mid: only while the book has no mid).
    #[arg(long)]
    pub price: Option<String>,
    /// Quote around the book's mid.
    #[arg(long)]
    pub mid: bool,
    /// Distance between the bid and the ask (price units).
    #[arg(long)]
    pub spread: String,
    /// Quantity of each side.
    #[arg(long)]
    pub size: String,
    /// Price move against the inventory for each `--size` held (0: no skew).
    #[arg(long, default_value = "0")]
    pub skew: String,
    /// Largest inventory either way (0: no limit); the side that would exceed it is not quoted.
    #[arg(long, default_value = "0")]
    pub max_position: String,
    /// Milliseconds between PnL and inventory reports.
    #[arg(long, default_value_t = 5_000)]
    pub report_ms: u64,
    /// Stop after this many seconds (0: run until SIGINT or SIGTERM).
    #[arg(long, default_value_t = 0)]
    pub duration_s: u64,
}
