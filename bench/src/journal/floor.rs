//! The physical floor: what one durable 4 KiB write costs on this disk, measured in the same run
//! as the journal so the journal's figures can be quoted as ratios to it.
//!
//! Two ways of writing, each `samples` times after a few untimed ones, each timed from before
//! the write to after `fdatasync` returns:
//!
//! * `append`: `File::write_all` of 4 KiB at the end of a growing file, then `sync_data`
//!   (BENCHMARKS.md's floor: the file size changes, so the sync also commits metadata);
//! * `pre-sized`: the same 4 KiB written at increasing offsets inside a file first grown with
//!   `set_len` (sparse), the way the journal fills its pre-allocated segments.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::os::unix::fs::FileExt;
use std::path::Path;

use anyhow::{Context, Result};
use quanta::Clock;

use super::latency::{self, Latency};
use super::meter::{Meter, RunNoise};

/// Bytes per write.
pub const WRITE: usize = 4096;
/// Untimed writes before the timed ones.
const UNTIMED: usize = 16;

/// How the 4 KiB go to the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// At the end of a growing file.
    Append,
    /// Inside a file pre-sized with `set_len`.
    PreSized,
}

impl Mode {
    /// Both modes, in table order.
    pub const ALL: [Mode; 2] = [Mode::Append, Mode::PreSized];

    /// Name in tables and JSON.
    pub fn name(self) -> &'static str {
        match self {
            Mode::Append => "append",
            Mode::PreSized => "pre-sized",
        }
    }

    /// What the row measures.
    pub fn describe(self) -> &'static str {
        match self {
            Mode::Append => "4 KiB write_all at the end of a growing file + fdatasync",
            Mode::PreSized => "4 KiB pwrite inside a set_len (sparse) file + fdatasync",
        }
    }
}

/// One run of one mode.
#[derive(Debug, Clone, Copy)]
pub struct FloorRun {
    /// Write + fdatasync latency.
    pub latency: Latency,
    /// What the machine took.
    pub noise: RunNoise,
}

/// Times `samples` durable 4 KiB writes into a new file in `dir`.
pub fn measure(dir: &Path, mode: Mode, samples: usize, clock: &Clock) -> Result<FloorRun> {
    let path = dir.join(format!("floor-{}", mode.name()));
    let mut file = OpenOptions::new()
        .read(true)
        .write(true)
        .create_new(true)
        .open(&path)
        .with_context(|| format!("creating {}", path.display()))?;
    let total = UNTIMED + samples;
    if mode == Mode::PreSized {
        file.set_len((total * WRITE) as u64)
            .and_then(|()| file.sync_all())
            .with_context(|| format!("pre-sizing {}", path.display()))?;
    }
    let block = [0xA5u8; WRITE];
    let mut h = latency::histogram()?;
    let meter = Meter::start();
    for i in 0..total {
        let start = clock.now();
        write(&mut file, mode, i, &block).with_context(|| format!("writing {}", path.display()))?;
        let end = clock.now();
        if i >= UNTIMED {
            let nanos = end.saturating_duration_since(start).as_nanos();
            latency::record(&mut h, u64::try_from(nanos).unwrap_or(u64::MAX));
        }
    }
    let noise = meter.stop();
    drop(file);
    std::fs::remove_file(&path).with_context(|| format!("removing {}", path.display()))?;
    Ok(FloorRun {
        latency: Latency::of(&h),
        noise,
    })
}

/// The `i`-th durable write.
fn write(file: &mut File, mode: Mode, i: usize, block: &[u8]) -> std::io::Result<()> {
    match mode {
        Mode::Append => file.write_all(block)?,
        Mode::PreSized => file.write_all_at(block, (i * WRITE) as u64)?,
    }
    file.sync_data()
}
