//! Contract tests: every rule of `shared/contracts/engine-jsonl.md`, plus the choices recorded in
//! `docs/simulate.md`, driven in process through `tradestream::simulate::run` over JSON Lines.
//! See `support.rs` for the conventions (setup, seq rebasing, wildcards).

#[macro_use]
mod support;

mod amend;
mod balances;
mod cancel;
mod determinism;
mod duplicate_ids;
mod limits;
mod orders;
mod post_only;
mod reject_precedence;
mod stp;
mod tif;
mod validation;
