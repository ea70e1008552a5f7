//! What the machine took from one run: steal and preemptions (as in the `engine` tables) plus
//! the load average when the run started, since other people's builds share these two cores
//! with the journal thread.

use bench::noise::{Noise, NoiseMeter};

/// Noise of one run.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct RunNoise {
    /// Steal and preemptions of the main (sending) thread during the run.
    pub noise: Noise,
    /// The 1-minute load average at the start of the run.
    pub load: Option<f64>,
}

impl RunNoise {
    /// The worst of several runs: most steal, most preemptions, highest load.
    pub fn worst(runs: impl IntoIterator<Item = RunNoise>) -> RunNoise {
        runs.into_iter().fold(RunNoise::default(), |a, b| RunNoise {
            noise: Noise {
                steal: a
                    .noise
                    .steal
                    .into_iter()
                    .chain(b.noise.steal)
                    .reduce(f64::max),
                preempted: a.noise.preempted.into_iter().chain(b.noise.preempted).max(),
            },
            load: a.load.into_iter().chain(b.load).reduce(f64::max),
        })
    }

    /// The JSON fields of one run.
    pub fn to_json(self) -> serde_json::Value {
        serde_json::json!({
            "steal_pct": self.noise.steal,
            "preempted": self.noise.preempted,
            "load_average_1m": self.load,
        })
    }
}

/// Started before a run, stopped after it.
#[derive(Debug, Clone, Copy)]
pub struct Meter {
    noise: NoiseMeter,
    load: Option<f64>,
}

impl Meter {
    /// Reads the counters and the load average now.
    pub fn start() -> Meter {
        Meter {
            noise: NoiseMeter::start(),
            load: load_average(),
        }
    }

    /// The noise since [`Meter::start`].
    pub fn stop(&self) -> RunNoise {
        RunNoise {
            noise: self.noise.stop(),
            load: self.load,
        }
    }
}

/// The 1-minute load average from `/proc/loadavg`.
pub fn load_average() -> Option<f64> {
    std::fs::read_to_string("/proc/loadavg")
        .ok()?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn worst_takes_the_largest_of_each() {
        let a = RunNoise {
            noise: Noise {
                steal: Some(1.0),
                preempted: Some(9),
            },
            load: Some(0.5),
        };
        let b = RunNoise {
            noise: Noise {
                steal: Some(2.0),
                preempted: None,
            },
            load: None,
        };
        let w = RunNoise::worst([a, b]);
        assert_eq!(w.noise.steal, Some(2.0));
        assert_eq!(w.noise.preempted, Some(9));
        assert_eq!(w.load, Some(0.5));
    }
}
