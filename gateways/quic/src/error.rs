//! Typed codec errors.

/// Why bytes could not be decoded into a [`Message`](crate::Message).
///
/// Every variant except [`DecodeError::Incomplete`] means the input is not a valid frame and,
/// on a stream, that the connection cannot be resynchronised.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    /// The input is a valid prefix of a frame but the frame is not complete yet; on a stream,
    /// read at least `needed` more bytes and try again.
    #[error("incomplete frame: at least {needed} more byte(s) needed")]
    Incomplete {
        /// The minimum number of additional bytes required.
        needed: usize,
    },
    /// The first two bytes are not `b"TS"`.
    #[error("bad magic: frame does not start with \"TS\"")]
    BadMagic,
    /// The schema version byte is not a supported version.
    #[error("unsupported schema version {0}")]
    UnsupportedVersion(u8),
    /// The message type byte is not a known message type.
    #[error("unknown message type 0x{0:02x}")]
    UnknownMessageType(u8),
    /// The reserved header field is not zero.
    #[error("reserved header field is 0x{0:04x}, must be 0")]
    NonZeroReserved(u16),
    /// The declared body length exceeds [`MAX_BODY_LEN`](crate::MAX_BODY_LEN).
    #[error("body length {0} exceeds the maximum of 4096")]
    BodyTooLarge(u16),
    /// The declared body length is not valid for the message type (wrong size for a
    /// fixed-size message, or shorter than the fixed part of a variable-length one).
    #[error("body length {len} is invalid for message type 0x{msg_type:02x}")]
    BadBodyLength {
        /// The message type code.
        msg_type: u8,
        /// The declared body length.
        len: u16,
    },
    /// A variable-length message's entry count does not match its body length.
    #[error(
        "entry count {count} does not match body length {len} of message type 0x{msg_type:02x}"
    )]
    CountMismatch {
        /// The message type code.
        msg_type: u8,
        /// The declared entry count.
        count: u16,
        /// The declared body length.
        len: u16,
    },
    /// An enum field holds a value with no meaning in this schema version.
    #[error("invalid value {value} for field `{field}`")]
    InvalidEnum {
        /// The field's name.
        field: &'static str,
        /// The value found.
        value: u8,
    },
    /// A padding byte inside an entry is not zero.
    #[error("non-zero padding in message type 0x{msg_type:02x}")]
    NonZeroPadding {
        /// The message type code.
        msg_type: u8,
    },
    /// A datagram holds bytes after its single frame.
    #[error("{0} trailing byte(s) after the frame")]
    TrailingBytes(usize),
}

impl DecodeError {
    /// Whether this is [`DecodeError::Incomplete`] (more stream bytes may fix it).
    #[must_use]
    pub const fn is_incomplete(&self) -> bool {
        matches!(self, Self::Incomplete { .. })
    }
}

/// Why a [`Message`](crate::Message) could not be encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum EncodeError {
    /// A variable-length message has more entries than fit in
    /// [`MAX_BODY_LEN`](crate::MAX_BODY_LEN).
    #[error("{count} entries exceed the maximum of {max} for message type 0x{msg_type:02x}")]
    TooManyEntries {
        /// The message type code.
        msg_type: u8,
        /// The number of entries in the message.
        count: usize,
        /// The maximum number of entries.
        max: usize,
    },
}
