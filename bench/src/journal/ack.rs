//! Durable-ack latency: commands sent open loop through a `DurableEngine` under group commit
//! (`FsyncPolicy::Always`), each timed from its planned send time until the journal's durable
//! watermark covers it, i.e. until its events may leave the process.
//!
//! Command `i` is planned at `t0 + i / rate`; the sender waits for that time (never sends
//! early) and applies it. Late sends count from the planned time, so coordinated omission is
//! avoided by construction. The flat-out row sends back to back and times from the actual send
//! (a planned time of `t0` for all would only measure how long the run took).
//!
//! Completions are observed by polling the watermark: when it has moved from `w` to `w'`, every
//! command in `w + 1 ..= w'` completed at that moment. Who polls is [`Observer`]:
//!
//! * `inline`: the sender itself, in its wait for the next planned send and after every send.
//!   Nothing but the sender and the journal thread run, which matters on two cores; the price
//!   is that a completion is seen at most one send later (about a microsecond).
//! * `thread`: a third thread spinning on the watermark. Exact when a core is free; on two
//!   cores it competes with the journal thread and the sender.
//!
//! Two diagnostics say where the time goes: how late each send left after its planned time
//! (the sender's own delays: a slow `apply`, a full ring, preemption) and the time between
//! consecutive watermark moves (about one write + fdatasync each under group commit).

use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use anyhow::{anyhow, bail, Context, Result};
use hdrhistogram::Histogram;
use quanta::{Clock, Instant};
use tradestream_engine::EngineConfig;
use tradestream_journal::{DurableWatermark, FsyncPolicy};

use super::appends::nanos;
use super::latency::{self, Latency};
use super::meter::{Meter, RunNoise};
use super::policy::DEFAULT_RING;
use super::prepared;
use super::settings::Observer;
use super::stream::Stamped;

/// How far ahead of the first planned send the loop starts.
const LEAD: Duration = Duration::from_micros(100);
/// Longest wait for the last command to become durable.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(60);

/// One open-loop run.
#[derive(Debug, Clone, Copy)]
pub struct AckRun {
    /// Planned (flat out: actual) send to durable.
    pub latency: Latency,
    /// Commands sent.
    pub commands: u64,
    /// Commands per second from the first send until the last one was durable.
    pub durable_rate: f64,
    /// Times the watermark was seen to move: about the number of syncs, so
    /// `commands / steps` is about the commands per sync.
    pub steps: u64,
    /// Time between consecutive watermark moves.
    pub step_interval: Latency,
    /// Actual send minus planned send (rated rows only).
    pub lateness: Option<Latency>,
    /// What the machine took.
    pub noise: RunNoise,
}

/// Sends `measured` at `rate` (or flat out) after journaling `preamble` untimed.
pub fn measure(
    dir: &Path,
    engine: EngineConfig,
    preamble: &[Stamped],
    measured: &[Stamped],
    rate: Option<u64>,
    observer: Observer,
    clock: &Clock,
) -> Result<AckRun> {
    if measured.is_empty() {
        bail!("no commands to send");
    }
    let (mut durable, first, mut events) =
        prepared::open(dir, engine, preamble, FsyncPolicy::Always, DEFAULT_RING, 0)?;
    durable
        .wait_durable(durable.last_seq())
        .context("waiting for the reopened journal")?;
    let n = measured.len();
    let last = first + n as u64 - 1;
    let watermark = durable.watermark();
    // Nanoseconds after t0 each command counts from, written before it is sent.
    let refs: Vec<AtomicU64> = (0..n).map(|_| AtomicU64::new(0)).collect();
    let interval = rate.map(|r| 1e9 / r as f64);
    let meter = Meter::start();
    let t0 = clock.now() + LEAD;
    let mut tracker = Tracker::new(first, last, t0)?;
    let mut observed: Option<Tracker> = None;
    let mut late = latency::histogram()?;
    let end = std::thread::scope(|scope| -> Result<Instant> {
        let watcher = (observer == Observer::Thread).then(|| {
            let (watermark, refs) = (&watermark, &refs);
            scope.spawn(move || -> Result<Tracker> {
                let mut t = Tracker::new(first, last, t0)?;
                let deadline = clock.now() + DRAIN_TIMEOUT + LEAD;
                let mut seen = 0;
                while t.pending() {
                    if t.observe(watermark, refs, clock) {
                        seen = 0;
                    } else {
                        seen += 1;
                        if seen % 4096 == 0 {
                            check(watermark, clock.now() > deadline + run_time(n, interval))?;
                        }
                        std::hint::spin_loop();
                    }
                }
                Ok(t)
            })
        });
        let inline = watcher.is_none();
        for (i, (command, ts)) in measured.iter().enumerate() {
            let reference = match interval {
                Some(step) => {
                    let planned = t0 + Duration::from_nanos((i as f64 * step) as u64);
                    loop {
                        if inline {
                            tracker.observe(&watermark, &refs, clock);
                        }
                        if clock.now() >= planned {
                            break;
                        }
                        std::hint::spin_loop();
                    }
                    let behind = clock.now().saturating_duration_since(planned);
                    latency::record(&mut late, nanos(behind));
                    planned
                }
                None => clock.now(),
            };
            refs[i].store(
                nanos(reference.saturating_duration_since(t0)),
                Ordering::Relaxed,
            );
            events.clear();
            durable
                .apply(command, *ts, &mut events)
                .context("applying a command")?;
            if inline {
                tracker.observe(&watermark, &refs, clock);
            }
        }
        match watcher {
            Some(w) => {
                let t = w
                    .join()
                    .map_err(|_| anyhow!("the watermark observer panicked"))??;
                let done = t.last_done;
                observed = Some(t);
                Ok(done)
            }
            None => {
                let deadline = clock.now() + DRAIN_TIMEOUT;
                while tracker.pending() {
                    if !tracker.observe(&watermark, &refs, clock) {
                        check(&watermark, clock.now() > deadline)?;
                        std::hint::spin_loop();
                    }
                }
                Ok(tracker.last_done)
            }
        }
    })?;
    let noise = meter.stop();
    durable.close().context("closing the durable engine")?;
    let tracker = observed.unwrap_or(tracker);
    let first_send = t0 + Duration::from_nanos(refs[0].load(Ordering::Relaxed));
    let secs = end.saturating_duration_since(first_send).as_secs_f64();
    Ok(AckRun {
        latency: Latency::of(&tracker.histogram),
        commands: n as u64,
        durable_rate: n as f64 / secs.max(1e-9),
        steps: tracker.steps,
        step_interval: Latency::of(&tracker.intervals),
        lateness: interval.map(|_| Latency::of(&late)),
        noise,
    })
}

/// How long the sends take at `interval` (zero flat out).
fn run_time(n: usize, interval: Option<f64>) -> Duration {
    Duration::from_secs_f64(interval.map_or(0.0, |step| n as f64 * step / 1e9))
}

/// Fails if the journal thread failed, or with a timeout once `timed_out`.
fn check(watermark: &DurableWatermark, timed_out: bool) -> Result<()> {
    if let Some(why) = watermark.failed() {
        bail!("the journal thread failed: {why}");
    }
    if timed_out {
        bail!(
            "gave up waiting for the journal: the durable watermark stayed at {}",
            watermark.get()
        );
    }
    Ok(())
}

/// Turns watermark movements into latencies.
struct Tracker {
    histogram: Histogram<u64>,
    /// Time between watermark moves.
    intervals: Histogram<u64>,
    /// The first sequence number not yet seen durable.
    next: u64,
    first: u64,
    last: u64,
    t0: Instant,
    steps: u64,
    last_done: Instant,
}

impl Tracker {
    fn new(first: u64, last: u64, t0: Instant) -> Result<Tracker> {
        Ok(Tracker {
            histogram: latency::histogram()?,
            intervals: latency::histogram()?,
            next: first,
            first,
            last,
            t0,
            steps: 0,
            last_done: t0,
        })
    }

    fn pending(&self) -> bool {
        self.next <= self.last
    }

    /// Records every command the watermark newly covers; true if it moved.
    fn observe(&mut self, watermark: &DurableWatermark, refs: &[AtomicU64], clock: &Clock) -> bool {
        let durable = watermark.get().min(self.last);
        if durable < self.next {
            return false;
        }
        let now = clock.now();
        let at = nanos(now.saturating_duration_since(self.t0));
        for seq in self.next..=durable {
            let sent = refs[(seq - self.first) as usize].load(Ordering::Relaxed);
            latency::record(&mut self.histogram, at.saturating_sub(sent));
        }
        if self.steps > 0 {
            let since = now.saturating_duration_since(self.last_done);
            latency::record(&mut self.intervals, nanos(since));
        }
        self.next = durable + 1;
        self.steps += 1;
        self.last_done = now;
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::journal::scratch::Scratch;
    use crate::journal::stream::Stream;

    #[test]
    fn every_command_is_recorded_once_by_either_observer() {
        let stream = Stream::generate(3, 1_000, 2_000).expect("generates");
        let (preamble, measured) = stream.collect(2_000);
        let mut scratch = Scratch::create(&std::env::temp_dir()).expect("scratch dir");
        let clock = Clock::new();
        for (rate, observer) in [(Some(100_000), Observer::Inline), (None, Observer::Thread)] {
            let dir = scratch.fresh("ack").expect("dir");
            let run = measure(
                &dir,
                stream.config(),
                &preamble,
                &measured,
                rate,
                observer,
                &clock,
            )
            .expect("runs");
            assert_eq!(run.latency.samples, 2_000);
            assert_eq!(run.commands, 2_000);
            assert!(run.steps >= 1 && run.steps <= 2_000);
            assert!(run.latency.p50() > 0);
        }
        scratch.remove().expect("removed");
    }
}
