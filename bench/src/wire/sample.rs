//! One run of one row, whatever measured it: the `ws` echo and order entry, the `fix` load
//! client and the UDP echo each report in their own type, reduced here to what the wire
//! tables compare.

use crate::fix::load::LoadRun;
use crate::journal::latency::Latency;
use crate::journal::meter::RunNoise;
use crate::ws::echo::EchoRun;
use crate::ws::entry::EntryRun;
use crate::ws::problems::Problems;

/// One run: planned send until the answer (or echo) was read.
#[derive(Debug, Clone)]
pub struct Sample {
    /// Latency of the timed messages.
    pub latency: Latency,
    /// Messages sent, warm-up included.
    pub sent: u64,
    /// Messages answered.
    pub answered: u64,
    /// Errors, unexpected answers, missing answers.
    pub problems: Problems,
    /// What the machine took.
    pub noise: RunNoise,
}

impl From<EchoRun> for Sample {
    /// The TCP echo fails outright unless every message came back.
    fn from(run: EchoRun) -> Sample {
        let n = run.latency.samples;
        Sample {
            latency: run.latency,
            sent: n,
            answered: n,
            problems: Problems::default(),
            noise: run.noise,
        }
    }
}

impl From<EntryRun> for Sample {
    fn from(run: EntryRun) -> Sample {
        Sample {
            latency: run.latency,
            sent: run.sent,
            answered: run.answered,
            problems: run.problems,
            noise: run.noise,
        }
    }
}

impl From<LoadRun> for Sample {
    fn from(run: LoadRun) -> Sample {
        Sample {
            latency: run.latency,
            sent: run.sent,
            answered: run.answered,
            problems: run.problems,
            noise: run.noise,
        }
    }
}
