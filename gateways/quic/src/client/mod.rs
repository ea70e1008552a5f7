//! An async (tokio) client of the QUIC gateway, for market-making bots and benchmarks.
//!
//! ```no_run
//! # async fn demo(key: ed25519_dalek::SigningKey) -> Result<(), tradestream_quic::client::ClientError> {
//! use tradestream_quic::client::{Client, Trust};
//! use tradestream_quic::{Message, NewOrder, Side, TimeInForce};
//!
//! let trust = Trust::pinned_pem_file("data/quic/cert.pem".as_ref())?;
//! let mut client = Client::connect("127.0.0.1:9879".parse().unwrap(), "localhost", trust).await?;
//! client.logon_ed25519(1, "demo-1", &key).await?;
//! client.send(&Message::NewOrder(NewOrder {
//!     client_id: 1, instrument: 0, side: Side::Buy, tif: TimeInForce::Gtc, price: 100, qty: 1,
//! }));
//! client.flush().await?;
//! let ack = client.recv().await?;
//! # Ok(()) }
//! ```
//!
//! [`Client::split`] gives an [`OrderStream`] and a [`MarketData`] half, so a bot can
//! `select!` over both.

use crate::auth::key_id;
use crate::decode::decode_datagram;
use crate::encode::encode;
use crate::error::DecodeError;
use crate::messages::client::Logon;
use crate::messages::market::MdDelta;
use crate::messages::server::LogonAck;
use crate::messages::Message;
use crate::reader::FrameReader;
use crate::tls::{self, Identity, TlsError};
use crate::types::RejectCode;
use ed25519_dalek::{Signer, SigningKey};
use std::net::SocketAddr;
use std::time::{SystemTime, UNIX_EPOCH};

pub use crate::tls::Trust;

/// Why a client call failed.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// The TLS configuration could not be built.
    #[error(transparent)]
    Tls(#[from] TlsError),
    /// The local UDP endpoint could not be opened.
    #[error("endpoint: {0}")]
    Endpoint(#[from] std::io::Error),
    /// The connection could not be started.
    #[error("connect: {0}")]
    Connect(#[from] quinn::ConnectError),
    /// The connection failed or was closed.
    #[error("connection: {0}")]
    Connection(#[from] quinn::ConnectionError),
    /// Writing to the order-entry stream failed.
    #[error("write: {0}")]
    Write(#[from] quinn::WriteError),
    /// Reading from the order-entry stream failed.
    #[error("read: {0}")]
    Read(#[from] quinn::ReadError),
    /// The server finished the order-entry stream.
    #[error("the server closed the order-entry stream")]
    StreamClosed,
    /// The server sent bytes that do not decode.
    #[error("bad frame from the server: {0}")]
    Decode(#[from] DecodeError),
    /// The logon was refused.
    #[error("logon rejected: {0:?}")]
    LogonRejected(RejectCode),
    /// The server answered the Logon with something else.
    #[error("unexpected answer to the logon: {0:?}")]
    Unexpected(Box<Message>),
    /// The API key's name does not fit the 16-byte key id.
    #[error("api key {0:?} is empty or longer than 16 bytes")]
    KeyTooLong(String),
}

/// The order-entry half: the bidirectional stream.
#[derive(Debug)]
pub struct OrderStream {
    send: quinn::SendStream,
    recv: quinn::RecvStream,
    reader: FrameReader,
    out: Vec<u8>,
    buf: Vec<u8>,
}

impl OrderStream {
    /// Buffers `msg`; [`OrderStream::flush`] sends it.
    pub fn send(&mut self, msg: &Message) {
        encode(msg, &mut self.out);
    }

    /// Buffers raw bytes, sent as they are (for testing a server's handling of bad input).
    pub fn send_raw(&mut self, bytes: &[u8]) {
        self.out.extend_from_slice(bytes);
    }

    /// Writes the buffered messages.
    pub async fn flush(&mut self) -> Result<(), ClientError> {
        if !self.out.is_empty() {
            self.send.write_all(&self.out).await?;
            self.out.clear();
        }
        Ok(())
    }

    /// The next message from the server.
    pub async fn recv(&mut self) -> Result<Message, ClientError> {
        loop {
            if let Some(msg) = self.reader.next_message()? {
                return Ok(msg);
            }
            match self.recv.read(&mut self.buf).await? {
                Some(n) => self.reader.push(&self.buf[..n]),
                None => return Err(ClientError::StreamClosed),
            }
        }
    }
}

/// The market-data half: the connection's datagrams.
#[derive(Debug, Clone)]
pub struct MarketData {
    conn: quinn::Connection,
}

impl MarketData {
    /// The next MdDelta datagram (datagrams that are not an MdDelta frame are skipped).
    pub async fn recv(&self) -> Result<MdDelta, ClientError> {
        loop {
            let bytes = self.conn.read_datagram().await?;
            if let Ok(Message::MdDelta(d)) = decode_datagram(&bytes) {
                return Ok(d);
            }
        }
    }
}

/// A connection to the gateway.
#[derive(Debug)]
pub struct Client {
    endpoint: quinn::Endpoint,
    conn: quinn::Connection,
    orders: OrderStream,
}

impl Client {
    /// Connects to `addr`, checking the server's certificate for `server_name` against
    /// `trust`, and opens the order-entry stream.
    pub async fn connect(
        addr: SocketAddr,
        server_name: &str,
        trust: Trust,
    ) -> Result<Client, ClientError> {
        Client::connect_with(addr, server_name, &trust, None).await
    }

    /// As [`Client::connect`], presenting `identity` as a client certificate (for
    /// [`Client::logon_cert`]).
    pub async fn connect_with(
        addr: SocketAddr,
        server_name: &str,
        trust: &Trust,
        identity: Option<Identity>,
    ) -> Result<Client, ClientError> {
        let config = tls::client_config(tls::client_crypto(trust, identity)?)?;
        let bind: SocketAddr = if addr.is_ipv4() {
            ([0, 0, 0, 0], 0).into()
        } else {
            ([0u16; 8], 0).into()
        };
        let mut endpoint = quinn::Endpoint::client(bind)?;
        endpoint.set_default_client_config(config);
        let conn = endpoint.connect(addr, server_name)?.await?;
        let (send, recv) = conn.open_bi().await?;
        Ok(Client {
            endpoint,
            conn,
            orders: OrderStream {
                send,
                recv,
                reader: FrameReader::new(),
                out: Vec::with_capacity(4096),
                buf: vec![0; 64 * 1024],
            },
        })
    }

    /// Logs on with an Ed25519 key: `api_key` is the configured key name (at most 16 bytes),
    /// signed with `signing_key`, timestamp now and a random-enough nonce.
    pub async fn logon_ed25519(
        &mut self,
        account: u64,
        api_key: &str,
        signing_key: &SigningKey,
    ) -> Result<LogonAck, ClientError> {
        let key_id = key_id(api_key).ok_or_else(|| ClientError::KeyTooLong(api_key.into()))?;
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX));
        let mut logon = Logon {
            account,
            key_id,
            timestamp: now,
            // Distinct per logon of this process; the server refuses a reused one.
            nonce: now ^ u64::from(std::process::id()).rotate_left(40),
            signature: [0; 64],
        };
        logon.signature = signing_key.sign(&logon.signed_bytes()).to_bytes();
        self.logon(logon).await
    }

    /// Logs on as the account of the client certificate given to [`Client::connect_with`].
    pub async fn logon_cert(&mut self, account: u64) -> Result<LogonAck, ClientError> {
        let logon = Logon {
            account,
            key_id: [0; 16],
            timestamp: 0,
            nonce: 0,
            signature: [0; 64],
        };
        self.logon(logon).await
    }

    /// Sends `logon` as is and waits for the answer.
    pub async fn logon(&mut self, logon: Logon) -> Result<LogonAck, ClientError> {
        self.send(&Message::Logon(logon));
        self.flush().await?;
        match self.recv().await? {
            Message::LogonAck(ack) => Ok(ack),
            Message::LogonReject(r) => Err(ClientError::LogonRejected(r.reason)),
            other => Err(ClientError::Unexpected(Box::new(other))),
        }
    }

    /// Buffers `msg` for the order-entry stream; [`Client::flush`] sends it.
    pub fn send(&mut self, msg: &Message) {
        self.orders.send(msg);
    }

    /// Writes the buffered messages.
    pub async fn flush(&mut self) -> Result<(), ClientError> {
        self.orders.flush().await
    }

    /// The next message on the order-entry stream.
    pub async fn recv(&mut self) -> Result<Message, ClientError> {
        self.orders.recv().await
    }

    /// The next market-data datagram.
    pub async fn recv_datagram(&self) -> Result<MdDelta, ClientError> {
        self.market_data().recv().await
    }

    /// A market-data handle (clonable) on this connection.
    #[must_use]
    pub fn market_data(&self) -> MarketData {
        MarketData {
            conn: self.conn.clone(),
        }
    }

    /// The QUIC connection (for its stats, or to close it).
    #[must_use]
    pub fn connection(&self) -> &quinn::Connection {
        &self.conn
    }

    /// Splits into the order-entry half and the market-data half; the endpoint lives as long
    /// as the returned [`quinn::Endpoint`].
    #[must_use]
    pub fn split(self) -> (OrderStream, MarketData, quinn::Endpoint) {
        let md = self.market_data();
        (self.orders, md, self.endpoint)
    }

    /// Closes the connection and waits (up to a second) for the server to learn it.
    pub async fn close(self) {
        self.conn.close(0u32.into(), b"bye");
        let _ = tokio::time::timeout(std::time::Duration::from_secs(1), self.endpoint.wait_idle())
            .await;
    }
}
