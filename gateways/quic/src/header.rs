//! The 8-byte frame header.
//!
//! | offset | size | type     | field                         |
//! |-------:|-----:|----------|-------------------------------|
//! | 0      | 2    | `[u8;2]` | magic `b"TS"`                 |
//! | 2      | 1    | `u8`     | schema version (1)            |
//! | 3      | 1    | `u8`     | message type                  |
//! | 4      | 2    | `u16` LE | body length (≤ 4096)          |
//! | 6      | 2    | `u16` LE | reserved, must be 0           |

use crate::error::DecodeError;
use crate::messages::MessageType;

/// The two magic bytes every frame starts with.
pub const MAGIC: [u8; 2] = *b"TS";
/// The schema version this crate encodes and decodes.
pub const SCHEMA_VERSION: u8 = 1;
/// The length of the frame header in bytes.
pub const HEADER_LEN: usize = 8;
/// The maximum body length in bytes.
pub const MAX_BODY_LEN: usize = 4096;

/// A validated frame header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Header {
    /// The message type.
    pub msg_type: MessageType,
    /// The body length in bytes (the frame is `HEADER_LEN + body_len` bytes long).
    pub body_len: u16,
}

impl Header {
    /// The header's wire bytes (version [`SCHEMA_VERSION`], reserved 0).
    #[must_use]
    pub fn to_bytes(self) -> [u8; HEADER_LEN] {
        let len = self.body_len.to_le_bytes();
        [
            MAGIC[0],
            MAGIC[1],
            SCHEMA_VERSION,
            self.msg_type.code(),
            len[0],
            len[1],
            0,
            0,
        ]
    }

    /// Parses and validates the header at the start of `buf`.
    ///
    /// A partial header is validated as far as it goes, so garbage is rejected as early as
    /// possible; a valid but short prefix gives [`DecodeError::Incomplete`]. A complete header
    /// is checked in order for magic, version, message type, reserved field, maximum body
    /// length and, for fixed-size messages, the exact body length.
    pub fn parse(buf: &[u8]) -> Result<Self, DecodeError> {
        for (i, &b) in buf.iter().take(MAGIC.len()).enumerate() {
            if b != MAGIC[i] {
                return Err(DecodeError::BadMagic);
            }
        }
        if let Some(&version) = buf.get(2) {
            if version != SCHEMA_VERSION {
                return Err(DecodeError::UnsupportedVersion(version));
            }
        }
        let msg_type = match buf.get(3) {
            Some(&code) => {
                Some(MessageType::from_code(code).ok_or(DecodeError::UnknownMessageType(code))?)
            }
            None => None,
        };
        let (Some(msg_type), Some(bytes)) = (msg_type, buf.first_chunk::<HEADER_LEN>()) else {
            return Err(DecodeError::Incomplete {
                needed: HEADER_LEN - buf.len(),
            });
        };
        let body_len = u16::from_le_bytes([bytes[4], bytes[5]]);
        let reserved = u16::from_le_bytes([bytes[6], bytes[7]]);
        if reserved != 0 {
            return Err(DecodeError::NonZeroReserved(reserved));
        }
        if usize::from(body_len) > MAX_BODY_LEN {
            return Err(DecodeError::BodyTooLarge(body_len));
        }
        let ok = match msg_type.fixed_body_len() {
            Some(fixed) => usize::from(body_len) == fixed,
            None => usize::from(body_len) >= msg_type.min_body_len(),
        };
        if !ok {
            return Err(DecodeError::BadBodyLength {
                msg_type: msg_type.code(),
                len: body_len,
            });
        }
        Ok(Self { msg_type, body_len })
    }

    /// The whole frame's length: header plus body.
    #[must_use]
    pub const fn frame_len(self) -> usize {
        HEADER_LEN + self.body_len as usize
    }
}
