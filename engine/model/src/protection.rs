//! Market-maker protection limits, as commands and events carry them.

/// The limits of one market-maker protection (per account and instrument). A limit of 0 is off;
/// all four 0 removes the protection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ProtectionLimits {
    /// The sliding window, in milliseconds of sequencer time (0 counts as 1).
    pub window_ms: u64,
    /// Most quantity (lots, both sides added) filled within the window; reaching it trips.
    pub max_filled: i64,
    /// Most absolute net delta within the window (buys minus sells, in lots); reaching it trips.
    pub max_delta: i64,
    /// How long quoting stays frozen after a trip, in milliseconds; 0: until a reset.
    pub freeze_ms: u64,
}

impl ProtectionLimits {
    /// True when every field is 0: the protection is removed.
    pub fn is_off(&self) -> bool {
        *self == ProtectionLimits::default()
    }
}
