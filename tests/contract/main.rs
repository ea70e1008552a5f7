//! Contract tests: every rule of `shared/contracts/engine-jsonl.md`, plus the choices recorded in
//! `docs/simulate.md`, driven in process through `tradestream::simulate::run` over JSON Lines.
//! See `support.rs` for the conventions (setup, seq rebasing, wildcards).
//!
//! Where the contract and docs/simulate.md leave something open, the test that depends on it says
//! so in a comment starting `AMBIGUITY:`. In short, we assume:
//! - `order_id` and `trade_id` have no fixed format (matched as any non-empty string or number);
//! - withdraw's `id` is a string like a client order id (its type is not given);
//! - a buy's `held` is price x leaves of its open orders: a fill below the limit gives the rest
//!   back at once;
//! - for FOK with STP, "none of them is cancelled" belongs to the rejected case; a FOK that fills
//!   meets its own orders with the normal STP rule;
//! - a crossing amend matches with the order's own `stp`;
//! - a known field of the wrong type is an error even where it does not matter (`expire` on a
//!   non-gtd order; a market order's `price`, which must still be a decimal string);
//! - a `gtd` order without `expire` is an error (missing required field).
//!
//! Left untested because nothing says which way: a market order with `tif: gtd`, controls on
//! amends, a price band before any trade and with no `reference_price`, whether the band moves
//! while a market order trades, `controls` on an unknown symbol, and null optional fields.

// `ls![...]` builds a Vec so the same macro serves both inputs (`&ls![..]`) and expected groups.
#![allow(clippy::useless_vec)]

#[macro_use]
mod support;

mod amend;
mod balances;
mod cancel;
mod derivatives;
mod determinism;
mod duplicate_ids;
mod limits;
mod operator;
mod orders;
mod post_only;
mod products;
mod quotes;
mod reject_precedence;
mod stp;
mod tif;
mod validation;
