//! The `tradestream` binary's library: command-line wiring around the engine.
//!
//! [`simulate`] runs the engine over JSON Lines with no network, exactly as
//! `../shared/contracts/engine-jsonl.md` specifies (choices and extensions in `docs/simulate.md`),
//! optionally journaled; [`replay`] re-executes and verifies a journal. [`serve`] runs the
//! exchange; [`mm`] is the reference market-maker bot over QUIC and [`demo`] runs it (with a
//! taker) beside the server for `serve --demo`.

pub mod demo;
pub mod mm;
pub mod replay;
pub mod serve;
pub mod simulate;
