//! Tradestream's benchmark harness (see `/work/shared/BENCHMARKS.md` and `bench/README.md`).
//!
//! Reading order: [`ops`] is the venue-neutral command stream, [`venue`] the trait a matching
//! engine implements to be measured, [`workloads`] the seeded generators and file replays that
//! produce the streams, [`driver`] the open-loop and flat-out loops, [`peers`] and [`venues`] the
//! engines measured, and [`engine`] the `engine` subcommand that runs them and prints the tables.

pub mod derivatives;
pub mod driver;
pub mod engine;
pub mod machine;
pub mod noise;
pub mod ops;
pub mod peers;
pub mod report;
pub mod rng;
pub mod venue;
pub mod venues;
pub mod workloads;
