//! `tradestream replay` and `tradestream journal inspect`: the auditor's tools.

use crate::simulate::format;
use indicatif::{ProgressBar, ProgressStyle};
use std::io::{self, Write};
use std::path::Path;
use std::time::Instant;
use tradestream_durable::chain::hex;
use tradestream_durable::{replay, DurableError, ReplayOptions, ReplaySummary};
use tradestream_journal::{inspect, FsStorage};

/// Replays the journal in `dir`, printing derived events (JSON Lines, `seq` = journal sequence
/// number) to `out` when `events` is set, with a progress bar on standard error. Returns the
/// summary and the elapsed seconds.
pub fn run(
    dir: &Path,
    opts: &ReplayOptions,
    events: bool,
    out: impl Write,
) -> Result<(ReplaySummary, f64), DurableError> {
    let storage = FsStorage::new(dir);
    let bar = ProgressBar::new(0);
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} replay [{bar:40}] {pos}/{len} records ({per_sec}, eta {eta})",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let mut out = io::BufWriter::with_capacity(1 << 16, out);
    let mut text = Vec::with_capacity(1 << 12);
    let mut write_error = None;
    let started = Instant::now();
    let summary = replay(
        &storage,
        Path::new(""),
        opts,
        |seq, engine, evs| {
            if events && write_error.is_none() {
                text.clear();
                for e in evs {
                    format::event(&mut text, seq, e, engine);
                }
                if let Err(e) = out.write_all(&text) {
                    write_error = Some(e);
                }
            }
        },
        |done, total| {
            bar.set_length(total);
            bar.set_position(done);
        },
    );
    bar.finish_and_clear();
    let flushed = out.flush();
    let summary = summary?;
    if let Some(e) = write_error.or(flushed.err()) {
        return Err(DurableError::Halted(format!("cannot write events: {e}")));
    }
    Ok((summary, started.elapsed().as_secs_f64()))
}

/// The closing summary line of a replay.
pub fn describe(s: &ReplaySummary, seconds: f64, verify: bool) -> String {
    let rate = s.records as f64 / seconds.max(1e-9);
    let from = if s.started_after == 0 {
        "genesis".to_string()
    } else {
        format!("snapshot {}", s.started_after)
    };
    let mut text = format!(
        "replayed {} records from {from} to sequence {} in {seconds:.3}s ({rate:.0} records/s, {} events); state hash {}; chain {}",
        s.records,
        s.last_seq,
        s.events,
        hex(&s.state_hash),
        hex(&s.chain),
    );
    if verify {
        text.push_str(&format!(
            "; verified every event digest and {} snapshot state hash(es)",
            s.snapshots_verified
        ));
    }
    if s.torn_bytes > 0 {
        text.push_str(&format!(
            "; the journal ends in a torn tail of {} bytes (ignored)",
            s.torn_bytes
        ));
    }
    text
}

/// `journal inspect`: segments, sequence ranges, snapshots.
pub fn inspect_dir(dir: &Path) -> Result<String, DurableError> {
    Ok(inspect(&FsStorage::new(dir), Path::new(""))?.to_string())
}
