//! The `tradestream` binary's library: command-line wiring around the engine.
//!
//! [`simulate`] runs the engine over JSON Lines with no network, exactly as
//! `../shared/contracts/engine-jsonl.md` specifies (choices and extensions in `docs/simulate.md`),
//! optionally journaled; [`replay`] re-executes and verifies a journal.

pub mod replay;
pub mod serve;
pub mod simulate;
