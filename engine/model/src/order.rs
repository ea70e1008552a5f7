//! Order attributes.

/// Buy or sell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Side {
    /// Bid.
    Buy,
    /// Ask.
    Sell,
}

impl Side {
    /// The other side.
    pub fn opposite(self) -> Side {
        match self {
            Side::Buy => Side::Sell,
            Side::Sell => Side::Buy,
        }
    }

    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Side::Buy => "buy",
            Side::Sell => "sell",
        }
    }
}

/// Limit or market.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OrderType {
    /// Trades at its price or better; may rest.
    Limit,
    /// Trades at any price the account can pay; never rests.
    Market,
}

/// Time in force.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TimeInForce {
    /// Good till cancelled.
    Gtc,
    /// Immediate or cancel.
    Ioc,
    /// Fill or kill: all at once or nothing.
    Fok,
    /// Good till the engine clock reaches the given time.
    Gtd(crate::Timestamp),
}

/// Self-trade prevention, decided by the arriving order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SelfTradePrevention {
    /// An account may trade with itself.
    None,
    /// Cancel the arriving order's remainder.
    CancelTaker,
    /// Cancel the resting order and go on matching.
    CancelMaker,
    /// Cancel both, the resting order first.
    CancelBoth,
}
