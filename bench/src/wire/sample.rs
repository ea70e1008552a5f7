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
    /// How late each send was handed to the socket (or to quinn) after its planned time: the
    /// client's own delay, already inside `latency`; `None` where the client does not record it.
    pub lateness: Option<Latency>,
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
        Sample {
            latency: run.latency,
            lateness: None,
            sent: run.sent,
            answered: run.sent,
            problems: Problems::default(),
            noise: run.noise,
        }
    }
}

/// `From` for run types that count what they sent and what was answered.
macro_rules! from_counted_run {
    ($($run:ty),*) => {$(
        impl From<$run> for Sample {
            fn from(run: $run) -> Sample {
                let (latency, sent, answered) = (run.latency, run.sent, run.answered);
                let (lateness, problems, noise) = (Some(run.lateness), run.problems, run.noise);
                Sample { latency, lateness, sent, answered, problems, noise }
            }
        }
    )*};
}

from_counted_run!(EntryRun, LoadRun);
