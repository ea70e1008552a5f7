//! `tradestream simulate`: the engine driven by JSON Lines.
//!
//! Each input line is parsed ([`parse`]) into an engine command or a read-only query, applied,
//! and its events printed ([`format`]) one JSON object a line. A line that cannot be parsed gives
//! one `error` event and changes nothing. The same input always gives byte-identical output.

mod fields;
pub mod format;
mod format_derivatives;
mod format_quotes;
mod host;
pub mod parse;
mod parse_derivatives;
mod parse_quotes;
mod run;

pub use run::{run, run_journaled, JournalOptions, Options, Summary};
