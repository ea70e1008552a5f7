//! What the engine thread does when no ring has work.

use std::time::Duration;

/// Idle strategy of the engine thread.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Idle {
    /// Never sleep: lowest latency, burns a core. For machines with cores to spare.
    Spin,
    /// Spin for `spin`, then park until woken (a gateway push or the journal's watermark) or
    /// `park` passes.
    SpinPark {
        /// How long to spin before parking.
        spin: Duration,
        /// Longest park.
        park: Duration,
    },
    /// Park at once until woken or `park` passes.
    Park {
        /// Longest park.
        park: Duration,
    },
}

impl Idle {
    /// The default for a machine with `cores` cores: busy-spin from 4 cores up; below that,
    /// spin briefly then park, so a laptop or 2-core VM stays usable.
    pub fn for_cores(cores: usize) -> Idle {
        if cores >= 4 {
            Idle::Spin
        } else {
            Idle::SpinPark {
                spin: Duration::from_micros(50),
                park: Duration::from_millis(1),
            }
        }
    }

    /// The config name (`spin`, `spin_park`, `park`).
    pub fn name(&self) -> &'static str {
        match self {
            Idle::Spin => "spin",
            Idle::SpinPark { .. } => "spin_park",
            Idle::Park { .. } => "park",
        }
    }
}
