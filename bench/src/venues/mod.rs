//! The venues the `engine` benchmark runs, baseline first.

pub mod tradestream;

use crate::engine::contender::{contender, Contender};
use crate::peers::{
    lobster::LobsterVenue, matchcore::MatchcoreVenue, orderbook_rs::OrderbookRsVenue,
    quantcup_winner::QuantcupWinner,
};

/// Every venue, in table order. The first one that can run a workload is the baseline of that
/// workload's ratios and the subject of its latency table: Tradestream.
pub fn contenders() -> Vec<Box<dyn Contender>> {
    vec![
        contender::<tradestream::TradestreamVenue>(),
        contender::<MatchcoreVenue>(),
        contender::<LobsterVenue>(),
        contender::<OrderbookRsVenue>(),
        contender::<QuantcupWinner>(),
    ]
}
