//! exchange-core's published workload: one instrument, 2,000 accounts (1,000 active), about
//! 1,000 resting orders over about 750 levels, the command mix of [`super::mix`].

use super::mix::{self, MixConfig};
use super::Workload;

/// Resting orders at the start, and the size the mix holds the book at.
pub const RESTING: usize = 1_000;

/// The exchange-core mix with `measured` timed commands after `warmup` untimed ones.
pub fn generate(seed: u64, warmup: usize, measured: usize) -> Workload {
    let config = MixConfig {
        seed,
        accounts: 2_000,
        active_accounts: 1_000,
        half_width: 800,
        max_rest_qty: 100,
        weights: vec![1.0],
        // Low enough for the QuantCup winner's 16-bit price array.
        centers: vec![30_000],
        prefill: RESTING,
        warmup,
        measured,
    };
    mix::generate(
        "exchange_core",
        "exchange-core mix (1 symbol, 2,000 accounts, ~1,000 resting)".into(),
        &config,
    )
}
