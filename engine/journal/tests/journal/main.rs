//! Integration tests of the journal: one binary, one module per concern.

mod common;
mod corruption;
mod inspect;
mod power_cut;
mod roundtrip;
mod snapshot;
mod thread;
mod torn_tail;
