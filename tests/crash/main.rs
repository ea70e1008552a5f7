//! Process-level durability tests of the `tradestream` binary: real processes, real files.
//!
//! - [`kill`]: `simulate --journal` SIGKILLed at random points, recovered and continued, many
//!   times; every kill is checked against clean runs (printed output, `replay --verify
//!   --events`, state hash of the same prefix).
//! - [`cli`]: damaged journals at the command line (a flipped bit, a forged command record, a
//!   damaged snapshot) and determinism of `simulate`, `simulate --journal` and `replay`.
//!
//! Streams contain only lines that become journaled commands, so journal sequence number = line
//! number + 1 (sequence 1 is the genesis record). Temporary directories live under the system
//! temp dir with unique names and are removed afterwards.

mod cli;
mod kill;
mod support;
