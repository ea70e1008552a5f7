//! Stream channel names (docs/ws-api.md, "Streams"): parsing, canonical names, privacy.
//!
//! Public channels name a symbol: `book.<symbol>`, `book.<symbol>.<depth>` (depth 1 to
//! [`MAX_DEPTH`], written without leading zeros), `bbo.<symbol>`, `trades.<symbol>`,
//! `status.<symbol>`. Private channels carry the logged-on account's messages: `orders`,
//! `fills`, `balances`. A symbol is 1 to 16 bytes of ASCII letters, digits, `-`, `_` and `/`;
//! since it never contains `.`, the only `.` after the symbol introduces a book depth.
//! [`Channel::name`] gives back the canonical name, so `parse(name(c)) == c`.

use std::fmt;
use thiserror::Error;
use tradestream_model::ShortName;

/// The deepest top-n book channel (`book.<symbol>.1000`).
pub const MAX_DEPTH: u16 = 1000;

/// A stream channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Channel {
    /// Aggregated levels: the whole book (`depth: None`) or the best `depth` levels per side.
    Book {
        /// The instrument.
        symbol: ShortName,
        /// 1 to [`MAX_DEPTH`], or `None` for every level.
        depth: Option<u16>,
    },
    /// Best bid and offer.
    Bbo(ShortName),
    /// Every trade.
    Trades(ShortName),
    /// Halts and resumptions.
    Status(ShortName),
    /// The account's order updates (private).
    Orders,
    /// The account's fills (private).
    Fills,
    /// The account's balances (private).
    Balances,
}

/// Why a string is not a channel name; answered as `unknown_channel`.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("channel {name:?} does not exist: {reason}")]
pub struct ChannelError {
    /// The name as given.
    pub name: String,
    /// What is wrong with it.
    pub reason: &'static str,
}

impl Channel {
    /// Parses a channel name (see the module docs for the grammar).
    pub fn parse(name: &str) -> Result<Channel, ChannelError> {
        let fail = |reason| ChannelError {
            name: name.to_string(),
            reason,
        };
        match name {
            "orders" => return Ok(Channel::Orders),
            "fills" => return Ok(Channel::Fills),
            "balances" => return Ok(Channel::Balances),
            _ => {}
        }
        let Some((prefix, rest)) = name.split_once('.') else {
            return Err(fail(UNKNOWN));
        };
        let sym = |s: &str| symbol(s).ok_or_else(|| fail(BAD_SYMBOL));
        match prefix {
            "book" => match rest.rsplit_once('.') {
                None => Ok(Channel::Book {
                    symbol: sym(rest)?,
                    depth: None,
                }),
                Some((s, d)) => {
                    let depth = depth(d).ok_or_else(|| fail(BAD_DEPTH))?;
                    Ok(Channel::Book {
                        symbol: sym(s)?,
                        depth: Some(depth),
                    })
                }
            },
            "bbo" => Ok(Channel::Bbo(sym(rest)?)),
            "trades" => Ok(Channel::Trades(sym(rest)?)),
            "status" => Ok(Channel::Status(sym(rest)?)),
            _ => Err(fail(UNKNOWN)),
        }
    }

    /// The canonical name.
    pub fn name(&self) -> String {
        self.to_string()
    }

    /// True for the account channels (`orders`, `fills`, `balances`), which need a logon with
    /// the `read` scope.
    pub fn is_private(&self) -> bool {
        matches!(self, Channel::Orders | Channel::Fills | Channel::Balances)
    }

    /// The symbol of a public channel.
    pub fn symbol(&self) -> Option<&ShortName> {
        match self {
            Channel::Book { symbol, .. }
            | Channel::Bbo(symbol)
            | Channel::Trades(symbol)
            | Channel::Status(symbol) => Some(symbol),
            Channel::Orders | Channel::Fills | Channel::Balances => None,
        }
    }
}

impl fmt::Display for Channel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Channel::Book {
                symbol,
                depth: None,
            } => write!(f, "book.{symbol}"),
            Channel::Book {
                symbol,
                depth: Some(d),
            } => write!(f, "book.{symbol}.{d}"),
            Channel::Bbo(s) => write!(f, "bbo.{s}"),
            Channel::Trades(s) => write!(f, "trades.{s}"),
            Channel::Status(s) => write!(f, "status.{s}"),
            Channel::Orders => f.write_str("orders"),
            Channel::Fills => f.write_str("fills"),
            Channel::Balances => f.write_str("balances"),
        }
    }
}

const UNKNOWN: &str = "channels are book.<symbol>[.<depth>], bbo.<symbol>, trades.<symbol>, \
                       status.<symbol>, orders, fills, balances";
const BAD_SYMBOL: &str = "a symbol is 1 to 16 characters of letters, digits, '-', '_', '/'";
const BAD_DEPTH: &str = "a book depth is an integer from 1 to 1000 without leading zeros";

fn symbol(s: &str) -> Option<ShortName> {
    let ok = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'/');
    if !s.bytes().all(ok) {
        return None;
    }
    ShortName::new(s).ok()
}

fn depth(d: &str) -> Option<u16> {
    if d.is_empty() || d.len() > 4 || d.starts_with('0') || !d.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    d.parse::<u16>()
        .ok()
        .filter(|n| (1..=MAX_DEPTH).contains(n))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sym(s: &str) -> ShortName {
        ShortName::new(s).unwrap()
    }

    #[test]
    fn parses_every_kind() {
        let cases = [
            (
                "book.BTC-USD",
                Channel::Book {
                    symbol: sym("BTC-USD"),
                    depth: None,
                },
            ),
            (
                "book.BTC-USD.10",
                Channel::Book {
                    symbol: sym("BTC-USD"),
                    depth: Some(10),
                },
            ),
            (
                "book.ETH/USD.1000",
                Channel::Book {
                    symbol: sym("ETH/USD"),
                    depth: Some(1000),
                },
            ),
            ("bbo.BTC_PERP", Channel::Bbo(sym("BTC_PERP"))),
            ("trades.X", Channel::Trades(sym("X"))),
            ("status.BTC-USD", Channel::Status(sym("BTC-USD"))),
            ("orders", Channel::Orders),
            ("fills", Channel::Fills),
            ("balances", Channel::Balances),
        ];
        for (name, ch) in cases {
            assert_eq!(Channel::parse(name), Ok(ch), "{name}");
            assert_eq!(ch.name(), name);
        }
    }

    #[test]
    fn refuses_malformed_names() {
        for bad in [
            "",
            "book",
            "book.",
            "book.BTC.",
            "book.BTC.0",
            "book.BTC.1001",
            "book.BTC.010",
            "book.BTC.+5",
            "book.BTC.USD.5",
            "book.BTC.USD",
            "bbo.BTC.5",
            "trades.",
            "Orders",
            "orders.BTC",
            "ticker.BTC",
            "book.ABCDEFGHIJKLMNOPQ",
            "bbo.BTC USD",
            "bbo.BTC\u{e9}",
        ] {
            assert!(Channel::parse(bad).is_err(), "{bad:?}");
        }
        let e = Channel::parse("ticker.BTC").unwrap_err();
        assert!(
            e.to_string()
                .starts_with("channel \"ticker.BTC\" does not exist"),
            "{e}"
        );
    }

    #[test]
    fn privacy() {
        assert!(Channel::Orders.is_private());
        assert!(!Channel::Bbo(sym("A")).is_private());
        assert_eq!(Channel::Fills.symbol(), None);
        assert_eq!(Channel::Trades(sym("A")).symbol(), Some(&sym("A")));
    }

    #[test]
    fn depth_bound_matches_the_feed() {
        assert_eq!(MAX_DEPTH, tradestream_marketdata::MAX_TOP_DEPTH);
    }
}
