//! The many-instrument run: 10,000 instruments with Pareto(1.5) weights, 100,000 accounts and
//! (by default) 1M resting orders, the command mix of [`super::mix`]. The caches no longer hold
//! the books, so this shows the data structures.

use super::mix::{self, MixConfig};
use super::Workload;
use crate::report::thousands;
use crate::rng::Rng;

/// Instruments listed.
pub const SYMBOLS: u32 = 10_000;
/// Accounts funded; every one of them places orders.
pub const ACCOUNTS: u32 = 100_000;
/// Pareto shape of the instrument weights.
pub const PARETO_ALPHA: f64 = 1.5;

/// The multi-symbol mix with `resting` orders prefilled.
pub fn generate(seed: u64, resting: usize, warmup: usize, measured: usize) -> Workload {
    let mut rng = Rng::new(seed ^ 0x5EED_5EED);
    // Pareto(alpha) with scale 1 by inversion: (1 - u)^(-1/alpha).
    let weights = (0..SYMBOLS)
        .map(|_| (1.0 - rng.unit()).powf(-1.0 / PARETO_ALPHA))
        .collect();
    let centers = (0..SYMBOLS).map(|_| rng.between(2_000, 60_000)).collect();
    let config = MixConfig {
        seed,
        accounts: ACCOUNTS,
        active_accounts: ACCOUNTS,
        half_width: 800,
        max_rest_qty: 100,
        weights,
        centers,
        prefill: resting,
        warmup,
        measured,
    };
    mix::generate(
        "multi_symbol",
        format!(
            "10,000 symbols (Pareto(1.5) weights, 100,000 accounts, {} resting)",
            thousands(resting as u64)
        ),
        &config,
    )
}
