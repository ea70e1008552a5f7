//! The measurement loops, generic over [`Venue`] so each venue's loop is compiled for it.
//!
//! * [`flat_out`]: apply every measured command back to back; throughput = commands / time.
//! * [`open_loop`]: command `i` is planned at `t0 + i / rate`; the driver waits for that time
//!   (never sends early), applies it and records `done - planned` in an hdrhistogram. A slow
//!   command delays the sends after it, and their wait counts: that is the latency a client
//!   sending at that rate would see, so coordinated omission is avoided by construction.
//!
//! Both start from [`ready`]: a fresh venue with prefill and warm-up applied (untimed) and the
//! measured phase prepared (untimed). Time is read from quanta's TSC clock.

use std::time::Duration;

use anyhow::{Context, Result};
use hdrhistogram::Histogram;
use quanta::Clock;

use crate::noise::{Noise, NoiseMeter};
use crate::venue::{Outcome, Venue};
use crate::workloads::Workload;

/// Largest latency the histograms hold (longer ones saturate): one minute.
const MAX_LATENCY_NS: u64 = 60_000_000_000;
/// How far ahead of the first planned send the open loop starts.
const LEAD: Duration = Duration::from_micros(20);

/// A venue at the start of the measured phase, and that phase's prepared commands.
pub fn ready<V: Venue>(workload: &Workload) -> Result<(V, Vec<V::Command>)> {
    let mut venue = V::setup(&workload.universe)?;
    for phase in [&workload.prefill, &workload.warmup] {
        for command in &venue.prepare(phase)? {
            venue.apply(command);
        }
    }
    let measured = venue.prepare(&workload.measured)?;
    Ok((venue, measured))
}

/// One flat-out measurement (all passes of one run).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FlatOut {
    /// Commands applied in the timed regions.
    pub commands: usize,
    /// Time spent in the timed regions.
    pub nanos: u64,
    /// Commands the venue rejected.
    pub rejected: usize,
    /// What the machine took from the run (all passes, setup included).
    pub noise: Noise,
}

impl FlatOut {
    /// Commands per second.
    pub fn rate(&self) -> f64 {
        self.commands as f64 * 1e9 / self.nanos.max(1) as f64
    }
}

/// Applies the measured phase back to back, `workload.passes` times on fresh venues.
pub fn flat_out<V: Venue>(workload: &Workload, clock: &Clock) -> Result<FlatOut> {
    let noise = NoiseMeter::start();
    let mut result = FlatOut {
        commands: 0,
        nanos: 0,
        rejected: 0,
        noise: Noise::default(),
    };
    for _ in 0..workload.passes {
        let (mut venue, commands) = ready::<V>(workload)?;
        let mut rejected = 0;
        let start = clock.raw();
        for command in &commands {
            rejected += usize::from(venue.apply(command) == Outcome::Rejected);
        }
        let end = clock.raw();
        result.nanos += clock.delta_as_nanos(start, end);
        result.commands += commands.len();
        result.rejected += rejected;
    }
    result.noise = noise.stop();
    Ok(result)
}

/// One open-loop measurement at one rate.
#[derive(Debug, Clone)]
pub struct OpenLoop {
    /// Latency from planned send to completion, nanoseconds.
    pub histogram: Histogram<u64>,
    /// Commands the venue rejected.
    pub rejected: usize,
    /// Commands per second actually achieved (first planned send to last completion).
    pub achieved: f64,
    /// What the machine took from the run.
    pub noise: Noise,
}

/// Sends the measured phase at `rate` commands per second, open loop.
pub fn open_loop<V: Venue>(workload: &Workload, rate: f64, clock: &Clock) -> Result<OpenLoop> {
    let (mut venue, commands) = ready::<V>(workload)?;
    let mut histogram = Histogram::<u64>::new_with_bounds(1, MAX_LATENCY_NS, 3)
        .context("creating the latency histogram")?;
    let interval_ns = 1e9 / rate;
    let mut rejected = 0;
    let noise = NoiseMeter::start();
    let t0 = clock.now() + LEAD;
    let mut done = t0;
    for (i, command) in commands.iter().enumerate() {
        let planned = t0 + Duration::from_nanos((i as f64 * interval_ns) as u64);
        while clock.now() < planned {
            std::hint::spin_loop();
        }
        rejected += usize::from(venue.apply(command) == Outcome::Rejected);
        done = clock.now();
        let latency = done.saturating_duration_since(planned).as_nanos();
        histogram.saturating_record(u64::try_from(latency).unwrap_or(u64::MAX));
    }
    let elapsed = done.saturating_duration_since(t0).as_secs_f64();
    Ok(OpenLoop {
        histogram,
        rejected,
        achieved: commands.len() as f64 / elapsed.max(1e-9),
        noise: noise.stop(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::{Op, Side, Tif, Universe};
    use crate::workloads::Facts;

    /// Counts what it is given; rejects cancels.
    struct Dummy {
        applied: usize,
    }

    impl Venue for Dummy {
        const NAME: &'static str = "dummy";
        const NOTES: &'static str = "";
        type Command = Op;

        fn setup(_: &Universe) -> Result<Self> {
            Ok(Dummy { applied: 0 })
        }

        fn prepare(&mut self, ops: &[Op]) -> Result<Vec<Op>> {
            Ok(ops.to_vec())
        }

        fn apply(&mut self, command: &Op) -> Outcome {
            self.applied += 1;
            match command {
                Op::Cancel { .. } => Outcome::Rejected,
                _ => Outcome::Accepted,
            }
        }
    }

    fn workload(measured: usize) -> Workload {
        let place = Op::Place {
            oid: 1,
            account: 0,
            symbol: 0,
            side: Side::Buy,
            price: 10,
            qty: 1,
            tif: Tif::Gtc,
        };
        let cancel = Op::Cancel {
            oid: 1,
            account: 0,
            symbol: 0,
        };
        Workload {
            key: "test",
            title: "test".into(),
            universe: Universe {
                symbols: 1,
                accounts: 1,
                max_price: 10,
                max_qty: 1,
            },
            prefill: vec![place; 3],
            warmup: vec![cancel; 2],
            measured: (0..measured)
                .map(|i| if i % 2 == 0 { place } else { cancel })
                .collect(),
            passes: 2,
            facts: Facts::default(),
        }
    }

    #[test]
    fn flat_out_counts_every_pass_and_only_measured_rejects() {
        let r = flat_out::<Dummy>(&workload(10), &Clock::new()).expect("dummy runs");
        assert_eq!(r.commands, 20);
        assert_eq!(r.rejected, 10);
        assert!(r.rate() > 0.0);
    }

    #[test]
    fn open_loop_records_one_sample_per_command_and_never_runs_ahead() {
        let rate = 200_000.0;
        let r = open_loop::<Dummy>(&workload(2_000), rate, &Clock::new()).expect("dummy runs");
        assert_eq!(r.histogram.len(), 2_000);
        assert_eq!(r.rejected, 1_000);
        // Never sends early: the last command is planned (n - 1) intervals after the first.
        assert!(r.achieved <= rate * 1.01, "{}", r.achieved);
    }
}
