//! Settings of the WebSocket gateway.

use std::net::SocketAddr;

/// WebSocket gateway settings (the `[ws]` table of the server config).
#[derive(Debug, Clone)]
pub struct WsConfig {
    /// Listening address.
    pub listen: SocketAddr,
    /// Largest accepted frame in bytes; larger ones get `message_too_large` and a 1009 close.
    pub max_message_bytes: usize,
    /// Interval of server pings; three silent intervals close the connection.
    pub heartbeat_ms: u64,
    /// Receive window of logon timestamps, each way.
    pub recv_window_ms: i64,
    /// Order-entry requests per account per window.
    pub rate_limit: u32,
    /// Rate-limit window.
    pub rate_window_ms: i64,
    /// Messages queued for one connection before it is cut off as a slow consumer.
    pub slow_consumer_messages: usize,
    /// True when answers leave before the journal made them durable (reported at logon).
    pub fast_ack: bool,
}
