//! What the gateway core hands to the I/O layer: frames for sessions.

use tokio_tungstenite::tungstenite::Utf8Bytes;

/// A frame for one session.
#[derive(Debug, Clone)]
pub enum Frame {
    /// A JSON text message (shared bytes: the same message fans out without copies).
    Text(Utf8Bytes),
    /// Close the connection with this status code and reason after the frames before it.
    Close(u16, &'static str),
}

/// A frame and the session it is for.
#[derive(Debug, Clone)]
pub struct Delivery {
    /// Session number.
    pub session: u32,
    /// The frame.
    pub frame: Frame,
}
