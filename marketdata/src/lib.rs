//! Tradestream public market data: the engine's event stream turned into L2 books and
//! sequenced channels for the gateways.
//!
//! - [`Books`] rebuilds every instrument's book (aggregated price levels) from the engine's
//!   events, command by command, and reports each command's net changes as [`Updates`]: changed
//!   levels, trades and best-bid-and-offer changes, in a deterministic order.
//! - [`Feed`] puts numbered channels on top: a book to full depth or to the best `n` levels, the
//!   best bid and offer, the trades of an instrument. Each channel's messages carry consecutive
//!   sequence numbers, so a subscriber that starts from a [`Snapshot`] detects any gap.
//!
//! Both are pure state machines: no I/O, no clock (the caller passes the command's timestamp),
//! no threads, no hash-map iteration order in any output. Structures are sized up front and the
//! output buffers ([`Updates`], [`FeedOut`]) belong to the caller and are reused, so that after
//! warm-up a command allocates nothing.
//!
//! A gateway's call sequence:
//!
//! ```
//! use tradestream_marketdata::{Body, Channel, Depth, Feed, FeedOut, LevelChange};
//! use tradestream_model::{
//!     AccountId, ClientOrderId, Event, InstrumentId, OrderId, OrderType, Price, Qty, Side,
//!     Timestamp,
//! };
//!
//! // Start-up: sized for the engine's instruments, seeded with its resting orders
//! // (`feed.seed(..)` for each of `Engine::resting_orders`), before anyone subscribes.
//! let mut feed = Feed::new(1, 1 << 16);
//! let mut out = FeedOut::with_capacity(64, 256);
//!
//! // The first subscriber of a channel opens it; every subscriber gets a snapshot first.
//! let top5 = Channel::Book { instrument: InstrumentId(0), depth: Depth::Top(5) };
//! feed.open(top5)?;
//! let snapshot = feed.snapshot(top5)?;
//!
//! // Per engine command: its events, then the messages of every open channel.
//! let events = [Event::Accepted {
//!     account: AccountId(1),
//!     id: ClientOrderId::new("a1").unwrap(),
//!     order_id: OrderId(1),
//!     instrument: InstrumentId(0),
//!     side: Side::Sell,
//!     order_type: OrderType::Limit,
//!     price: Price(101),
//!     qty: Qty(5),
//!     ts: Timestamp(7),
//! }];
//! feed.command(&events, Timestamp(7), &mut out);
//! for m in out.iter() {
//!     // Encode once, send the bytes to every subscriber of `m.channel`.
//!     assert_eq!((m.channel, m.seq), (top5, snapshot.seq + 1));
//!     let level = LevelChange { side: Side::Sell, price: Price(101), qty: Qty(5) };
//!     assert_eq!(m.body, Body::Book(&[level]));
//! }
//!
//! // The last subscriber leaving closes the channel.
//! feed.close(top5)?;
//! # Ok::<(), tradestream_marketdata::FeedError>(())
//! ```

mod books;
mod channel;
mod feed;
mod level;
mod orders;
mod topn;
mod update;

pub use books::{Books, DEFAULT_LEVELS_PER_SIDE};
pub use channel::{Channel, Depth, FeedError, MAX_TOP_DEPTH};
pub use feed::{Body, Feed, FeedMessage, FeedOut, Snapshot};
pub use orders::SeedOrder;
pub use update::{Bbo, LevelChange, Trade, Update, Updates};
