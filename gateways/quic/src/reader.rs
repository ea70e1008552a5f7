//! [`FrameReader`]: turns a byte stream into messages.

use crate::decode::decode;
use crate::error::DecodeError;
use crate::messages::Message;

/// Accumulates bytes read from a stream and yields the whole messages they contain.
///
/// Feed it with [`push`](Self::push) whatever the transport delivered, then call
/// [`next_message`](Self::next_message) until it returns `Ok(None)`. A decode error other than
/// [`DecodeError::Incomplete`] means the stream is corrupt and cannot be resynchronised: the
/// reader then keeps returning that error and ignores further input.
///
/// ```
/// use tradestream_quic::{encode, FrameReader, Heartbeat, Message};
///
/// let msg = Message::Heartbeat(Heartbeat { timestamp: 42 });
/// let mut bytes = Vec::new();
/// encode(&msg, &mut bytes);
///
/// let mut reader = FrameReader::new();
/// reader.push(&bytes[..5]);
/// assert_eq!(reader.next_message(), Ok(None));
/// reader.push(&bytes[5..]);
/// assert_eq!(reader.next_message(), Ok(Some(msg)));
/// assert_eq!(reader.next_message(), Ok(None));
/// ```
#[derive(Debug, Default)]
pub struct FrameReader {
    /// Received bytes; `buf[start..]` are not decoded yet.
    buf: Vec<u8>,
    /// Where the undecoded bytes start.
    start: usize,
    /// The sticky error of a corrupt stream.
    error: Option<DecodeError>,
}

impl FrameReader {
    /// An empty reader.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends bytes received from the stream (ignored once the stream is corrupt).
    pub fn push(&mut self, bytes: &[u8]) {
        if self.error.is_some() {
            return;
        }
        if self.start > 0 {
            self.buf.drain(..self.start);
            self.start = 0;
        }
        self.buf.extend_from_slice(bytes);
    }

    /// The next whole message, `Ok(None)` if more bytes are needed, or the error that made the
    /// stream corrupt.
    pub fn next_message(&mut self) -> Result<Option<Message>, DecodeError> {
        if let Some(e) = self.error {
            return Err(e);
        }
        let pending = self.buf.get(self.start..).unwrap_or_default();
        match decode(pending) {
            Ok((msg, used)) => {
                self.start += used;
                if self.start == self.buf.len() {
                    self.buf.clear();
                    self.start = 0;
                }
                Ok(Some(msg))
            }
            Err(DecodeError::Incomplete { .. }) => Ok(None),
            Err(e) => {
                self.error = Some(e);
                self.buf = Vec::new();
                self.start = 0;
                Err(e)
            }
        }
    }

    /// The number of received bytes not yet returned as messages.
    #[must_use]
    pub fn buffered(&self) -> usize {
        self.buf.len() - self.start
    }

    /// Whether a decode error made the stream corrupt.
    #[must_use]
    pub fn is_corrupt(&self) -> bool {
        self.error.is_some()
    }
}
