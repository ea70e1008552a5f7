//! Channels: what a subscriber can ask for, and the errors of asking.

use thiserror::Error;
use tradestream_model::InstrumentId;

/// The deepest top-n book channel.
pub const MAX_TOP_DEPTH: u16 = 1000;

/// How much of a book a book channel shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Depth {
    /// Every level.
    Full,
    /// The best `n` levels of each side, `1 <= n <= MAX_TOP_DEPTH`.
    Top(u16),
}

impl Depth {
    /// A checked top-n depth.
    pub fn top(n: u16) -> Result<Depth, FeedError> {
        let d = Depth::Top(n);
        d.check()?;
        Ok(d)
    }

    /// Ok when the depth is in range.
    pub fn check(self) -> Result<(), FeedError> {
        match self {
            Depth::Top(n) if n == 0 || n > MAX_TOP_DEPTH => Err(FeedError::InvalidDepth(n)),
            _ => Ok(()),
        }
    }
}

/// A public market data channel. Each has its own sequence number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Channel {
    /// Level changes of an instrument's book, to the given depth.
    Book {
        /// Instrument.
        instrument: InstrumentId,
        /// Depth.
        depth: Depth,
    },
    /// Best bid and offer of an instrument.
    Bbo {
        /// Instrument.
        instrument: InstrumentId,
    },
    /// Trades of an instrument.
    Trades {
        /// Instrument.
        instrument: InstrumentId,
    },
}

impl Channel {
    /// The instrument the channel is about.
    pub fn instrument(&self) -> InstrumentId {
        match *self {
            Channel::Book { instrument, .. }
            | Channel::Bbo { instrument }
            | Channel::Trades { instrument } => instrument,
        }
    }
}

/// Why a channel request was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum FeedError {
    /// A top-n depth outside `1..=MAX_TOP_DEPTH`.
    #[error("book depth {0} is out of range; ask for 1 to 1000 levels, or the full book")]
    InvalidDepth(u16),
    /// The instrument is not known to the feed.
    #[error(
        "instrument {} is not known to the feed; call Feed::ensure_instruments after listing it",
        .0 .0
    )]
    UnknownInstrument(InstrumentId),
    /// The channel has no subscribers.
    #[error("channel {0:?} is not open; open it before taking a snapshot or closing it")]
    NotOpen(Channel),
}
