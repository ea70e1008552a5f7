//! Model-based property tests of `tradestream simulate` (integration test target `model_check`).
//!
//! - `reference`: an independent, naive implementation of the JSON Lines contract and of
//!   `docs/simulate.md` (plain vectors, `i128` amounts in 10^-18), written from those texts only.
//! - `generate`: proptest strategies for realistic command streams.
//! - `properties`: (1) each stream through `tradestream::simulate::run` and through the
//!   reference, every event compared (field order included; engine-assigned `order_id` and
//!   `trade_id` up to a consistent renaming); (2) after every command, queries interleaved into
//!   the engine's input and invariants checked on its answers alone: no crossed book, books equal
//!   to the open orders, every asset conserved, holds equal to what the open orders hold.
//!
//! 256 cases per property by default; `PROPTEST_CASES=N cargo test --test model_check` for soaks.
//! Failures are saved in `proptest-regressions/properties.txt` (commit it) and replayed first.
//! `cargo test --test model_check coverage_report -- --ignored --nocapture` prints what the
//! generated streams make the reference do.

mod generate;
mod properties;
mod reference;
