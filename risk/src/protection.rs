//! Market-maker protection: per account and instrument, the quantity filled and the net delta
//! within a sliding window of sequencer time; crossing either limit trips the protection, which
//! freezes the account's quoting on that instrument until the freeze ends or an operator resets
//! it. Pure, integer and deterministic: time is the journaled sequencer stamp the engine passes
//! in, and the window's fills live in a ring sized once at configuration, so a fill allocates
//! nothing while the ring has room.
//!
//! The engine (issue 7) owns one [`Protection`] per configured (account, instrument): it calls
//! [`Protection::on_fill`] for each of the account's fills, cancels the account's quotes on
//! that instrument when it returns a [`Trip`], and refuses new quotes while
//! [`Protection::is_frozen`].

use std::collections::VecDeque;

/// The limits of one protection (defined in the model, where commands and events carry them).
pub use tradestream_model::ProtectionLimits;

/// Why a protection tripped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trip {
    /// The quantity filled within the window reached `limit`.
    Filled {
        /// Filled within the window, this fill included.
        filled: i64,
        /// The limit.
        limit: i64,
    },
    /// The absolute net delta within the window reached `limit`.
    Delta {
        /// Net delta within the window, this fill included.
        delta: i64,
        /// The limit.
        limit: i64,
    },
}

/// One protection's state.
#[derive(Debug, Clone)]
pub struct Protection {
    limits: ProtectionLimits,
    fills: VecDeque<(u64, i64, i64)>,
    filled: i64,
    delta: i64,
    frozen_until: Option<u64>,
}

/// Fills kept per window before the ring grows (it grows, rather than forgetting a fill).
pub const RING: usize = 1024;

impl Protection {
    /// A protection with `limits`, its ring sized for [`RING`] fills.
    pub fn new(limits: ProtectionLimits) -> Protection {
        Protection {
            limits: ProtectionLimits {
                window_ms: limits.window_ms.max(1),
                ..limits
            },
            fills: VecDeque::with_capacity(RING),
            filled: 0,
            delta: 0,
            frozen_until: None,
        }
    }

    /// A protection in a saved state (from [`Protection::fills`] and
    /// [`Protection::frozen_until`]): the same limits, window and freeze, so it behaves exactly
    /// as the one saved.
    pub fn restore(
        limits: ProtectionLimits,
        fills: impl IntoIterator<Item = (u64, i64, i64)>,
        frozen_until: Option<u64>,
    ) -> Protection {
        let mut p = Protection::new(limits);
        for (at, qty, delta) in fills {
            p.fills.push_back((at, qty, delta));
            p.filled += qty;
            p.delta += delta;
        }
        p.frozen_until = frozen_until;
        p
    }

    /// The limits.
    pub fn limits(&self) -> ProtectionLimits {
        self.limits
    }

    /// The fills kept, oldest first, as (time, qty, delta); some may have left the window
    /// already (they are dropped lazily, at the next fill or window query).
    pub fn fills(&self) -> impl ExactSizeIterator<Item = (u64, i64, i64)> + '_ {
        self.fills.iter().copied()
    }

    /// The time quoting unfreezes (`u64::MAX`: at a reset), if it tripped and was not reset.
    pub fn frozen_until(&self) -> Option<u64> {
        self.frozen_until
    }

    /// Quantity filled and net delta within the window ending at `now`.
    pub fn window(&mut self, now: u64) -> (i64, i64) {
        self.expire(now);
        (self.filled, self.delta)
    }

    fn expire(&mut self, now: u64) {
        while let Some(&(at, qty, delta)) = self.fills.front() {
            if at.saturating_add(self.limits.window_ms) > now {
                break;
            }
            self.fills.pop_front();
            self.filled -= qty;
            self.delta -= delta;
        }
    }

    /// Records a fill of `qty` lots (positive) with signed `delta` at sequencer time `now`.
    /// Returns the trip when this fill reaches a limit (only the first fill that reaches it:
    /// while frozen, fills are counted but do not trip again).
    pub fn on_fill(&mut self, now: u64, qty: i64, delta: i64) -> Option<Trip> {
        self.expire(now);
        self.fills.push_back((now, qty, delta));
        self.filled += qty;
        self.delta += delta;
        if self.is_frozen(now) {
            return None;
        }
        let l = self.limits;
        let trip = if l.max_filled > 0 && self.filled >= l.max_filled {
            Some(Trip::Filled {
                filled: self.filled,
                limit: l.max_filled,
            })
        } else if l.max_delta > 0 && self.delta.abs() >= l.max_delta {
            Some(Trip::Delta {
                delta: self.delta,
                limit: l.max_delta,
            })
        } else {
            None
        };
        if trip.is_some() {
            self.frozen_until = Some(match l.freeze_ms {
                0 => u64::MAX,
                ms => now.saturating_add(ms),
            });
        }
        trip
    }

    /// True while quoting is frozen at sequencer time `now`.
    pub fn is_frozen(&self, now: u64) -> bool {
        self.frozen_until.is_some_and(|until| now < until)
    }

    /// An operator's reset: unfrozen, and the window forgotten.
    pub fn reset(&mut self) {
        self.frozen_until = None;
        self.fills.clear();
        self.filled = 0;
        self.delta = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits(max_filled: i64, max_delta: i64, freeze_ms: u64) -> ProtectionLimits {
        ProtectionLimits {
            window_ms: 1_000,
            max_filled,
            max_delta,
            freeze_ms,
        }
    }

    #[test]
    fn filled_quantity_trips_within_the_window_only() {
        let mut p = Protection::new(limits(10, 0, 500));
        assert_eq!(p.on_fill(0, 4, 4), None);
        assert_eq!(p.on_fill(999, 5, -5), None);
        // The first fill left the window at 1,000: 5 + 6 = 11 within it.
        assert_eq!(
            p.on_fill(1_000, 6, 6),
            Some(Trip::Filled {
                filled: 11,
                limit: 10
            })
        );
        assert!(p.is_frozen(1_000) && p.is_frozen(1_499) && !p.is_frozen(1_500));
        assert_eq!(p.on_fill(1_200, 1, 1), None, "no second trip while frozen");
    }

    #[test]
    fn net_delta_trips_on_either_side_and_offsets_cancel() {
        let mut p = Protection::new(limits(0, 5, 0));
        assert_eq!(p.on_fill(0, 4, 4), None);
        assert_eq!(p.on_fill(1, 4, -4), None, "buys and sells offset");
        assert_eq!(
            p.on_fill(2, 5, -5),
            Some(Trip::Delta {
                delta: -5,
                limit: 5
            })
        );
        assert!(p.is_frozen(u64::MAX - 1), "freeze 0 lasts until a reset");
        p.reset();
        assert!(!p.is_frozen(3));
        assert_eq!(p.window(3), (0, 0));
    }

    #[test]
    fn off_limits_never_trip() {
        let mut p = Protection::new(limits(0, 0, 0));
        for t in 0..10_000 {
            assert_eq!(p.on_fill(t, 1_000, 1_000), None);
        }
    }

    #[test]
    fn the_ring_does_not_grow_while_fills_fit() {
        let mut p = Protection::new(limits(i64::MAX, 0, 0));
        let cap = p.fills.capacity();
        for t in 0..100_000u64 {
            p.on_fill(t, 1, 1);
        }
        assert_eq!(
            p.fills.capacity(),
            cap,
            "1,000 fills per window fit the ring"
        );
        assert_eq!(p.window(100_000), (999, 999));
    }

    #[test]
    fn a_restored_protection_behaves_as_the_saved_one() {
        let mut p = Protection::new(limits(10, 0, 500));
        p.on_fill(0, 4, 4);
        p.on_fill(10, 7, -7);
        let mut q = Protection::restore(p.limits(), p.fills(), p.frozen_until());
        assert_eq!(q.frozen_until(), Some(510));
        assert_eq!(q.fills().collect::<Vec<_>>(), p.fills().collect::<Vec<_>>());
        assert_eq!(q.window(20), p.window(20));
        assert_eq!(q.on_fill(1_005, 1, 1), p.on_fill(1_005, 1, 1));
        assert_eq!(q.window(1_005), (8, -6));
    }
}
