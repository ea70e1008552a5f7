//! Model-based property tests of `tradestream simulate` (integration test target `model_check`).
//!
//! `reference` is an independent, naive implementation of the JSON Lines contract and of
//! `docs/simulate.md`; `generate` produces realistic random command streams; `properties` runs
//! each stream through `tradestream::simulate::run` and through the reference, compares every
//! event, and checks invariants on the engine's own answers after every command.
//!
//! `PROPTEST_CASES=N cargo test --test model_check` runs longer soaks (default 256 cases per
//! property).

mod generate;
mod properties;
mod reference;
