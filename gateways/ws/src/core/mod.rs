//! The gateway's state machine, free of I/O: frames and engine items in, [`Delivery`]s out.
//!
//! One [`Gateway`] serves every WebSocket connection of its thread. Requests become engine
//! requests on the [`GatewayPort`]; the engine's released items come back in order through
//! [`Gateway::poll_engine`] and turn into answers, private stream messages and public market
//! data.

pub mod accounts;
mod answers;
mod closed;
pub mod delivery;
mod market;
mod outputs;
pub mod pending;
mod private;
mod protection;
mod requests;
pub mod session;

use crate::auth::Authenticator;
use crate::catalog::Catalog;
use crate::config::WsConfig;
use crate::rate::RateLimiter;
use accounts::AccountState;
use delivery::{Delivery, Frame};
use market::Market;
use pending::Pending;
use rustc_hash::FxHashMap as HashMap;
use session::Session;
use std::collections::VecDeque;
use tokio_tungstenite::tungstenite::Utf8Bytes;
use tradestream_marketdata::SeedOrder;
use tradestream_model::AccountId;
use tradestream_runtime::{GatewayPort, Out, Request};

/// The gateway core.
pub struct Gateway {
    config: WsConfig,
    port: GatewayPort,
    catalog: Catalog,
    auth: Authenticator,
    rate: RateLimiter,
    sessions: HashMap<u32, Session>,
    next_session: u32,
    pending: HashMap<u64, Pending>,
    next_tag: u64,
    accounts: HashMap<AccountId, AccountState>,
    market: Market,
    batch: Vec<Out>,
    deferred: VecDeque<Request>,
    deliveries: Vec<Delivery>,
    buf: Vec<u8>,
    generated_ids: u64,
}

impl Gateway {
    /// A gateway over `port`, trading the `catalog`'s instruments, its books seeded with the
    /// engine's resting orders.
    pub fn new(
        config: WsConfig,
        port: GatewayPort,
        catalog: Catalog,
        auth: Authenticator,
        seed: impl IntoIterator<Item = SeedOrder>,
    ) -> Gateway {
        let market = Market::new(&catalog, seed);
        Gateway {
            rate: RateLimiter::new(config.rate_limit, config.rate_window_ms),
            config,
            port,
            catalog,
            auth,
            sessions: HashMap::default(),
            next_session: 1,
            pending: HashMap::default(),
            next_tag: 1,
            accounts: HashMap::default(),
            market,
            batch: Vec::with_capacity(1024),
            deferred: VecDeque::new(),
            deliveries: Vec::with_capacity(1024),
            buf: Vec::with_capacity(4096),
            generated_ids: 0,
        }
    }

    /// The settings.
    pub fn config(&self) -> &WsConfig {
        &self.config
    }

    /// A new connection; returns its session number.
    pub fn open_session(&mut self) -> u32 {
        let id = self.next_session;
        self.next_session = self.next_session.wrapping_add(1).max(1);
        self.sessions.insert(id, Session::new(id));
        id
    }

    /// Frames waiting for the I/O layer, in order.
    pub fn take_deliveries(&mut self, into: &mut Vec<Delivery>) {
        into.append(&mut self.deliveries);
    }

    /// True when the engine has stopped and everything it released was processed.
    pub fn engine_finished(&self) -> bool {
        self.port.finished()
    }

    /// Retries engine requests that found the ring full (cancel-on-disconnect must not be lost).
    pub fn retry_deferred(&mut self) {
        while let Some(req) = self.deferred.front().copied() {
            match self.port.submit(0, 0, req) {
                Ok(()) => {
                    self.deferred.pop_front();
                }
                Err(_) => break,
            }
        }
    }

    fn tag(&mut self) -> u64 {
        let t = self.next_tag;
        self.next_tag += 1;
        t
    }

    /// Queues the message in `self.buf` for `session`.
    fn send_buf(&mut self, session: u32) {
        let text = Utf8Bytes::from(
            String::from_utf8(std::mem::take(&mut self.buf)).expect("encoders write UTF-8"),
        );
        self.buf = Vec::with_capacity(512);
        self.deliveries.push(Delivery {
            session,
            frame: Frame::Text(text),
        });
    }

    /// Takes the message in `self.buf` as shared bytes (for fan-out).
    fn take_buf(&mut self) -> Utf8Bytes {
        let text = Utf8Bytes::from(
            String::from_utf8(std::mem::take(&mut self.buf)).expect("encoders write UTF-8"),
        );
        self.buf = Vec::with_capacity(512);
        text
    }

    fn close(&mut self, session: u32, code: u16, reason: &'static str) {
        self.deliveries.push(Delivery {
            session,
            frame: Frame::Close(code, reason),
        });
    }
}
