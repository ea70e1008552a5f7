//! Peer order books from crates.io, each behind the [`crate::venue::Venue`] trait, one file
//! each. They keep no accounts or balances; where a peer cannot express an op directly its
//! `NOTES` say how it is translated.

pub mod lobster;
pub mod matchcore;
pub mod orderbook_rs;
pub mod quantcup_winner;

use anyhow::{ensure, Result};

/// A price or quantity as the unsigned integer the peers take; the streams only hold positive
/// values, so a non-positive one is a generator bug reported as an error, not a panic.
pub fn unsigned(value: i64, what: &str) -> Result<u64> {
    ensure!(value > 0, "{what} must be positive, got {value}");
    Ok(value as u64)
}
