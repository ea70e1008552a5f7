//! Little-endian primitives shared by the encoder and decoder (crate-private).

use crate::error::DecodeError;

/// Appends little-endian scalars to a byte vector.
pub(crate) trait Put {
    fn put_u8(&mut self, v: u8);
    fn put_u16(&mut self, v: u16);
    fn put_u32(&mut self, v: u32);
    fn put_u64(&mut self, v: u64);
    fn put_i64(&mut self, v: i64);
    fn put_zeros(&mut self, n: usize);
}

impl Put for Vec<u8> {
    fn put_u8(&mut self, v: u8) {
        self.push(v);
    }
    fn put_u16(&mut self, v: u16) {
        self.extend_from_slice(&v.to_le_bytes());
    }
    fn put_u32(&mut self, v: u32) {
        self.extend_from_slice(&v.to_le_bytes());
    }
    fn put_u64(&mut self, v: u64) {
        self.extend_from_slice(&v.to_le_bytes());
    }
    fn put_i64(&mut self, v: i64) {
        self.extend_from_slice(&v.to_le_bytes());
    }
    fn put_zeros(&mut self, n: usize) {
        self.resize(self.len() + n, 0);
    }
}

/// Reads little-endian scalars from a body whose length was already validated.
///
/// Reading past the end cannot happen for a validated body; it still returns
/// [`DecodeError::BadBodyLength`] rather than panicking.
pub(crate) struct Cursor<'a> {
    buf: &'a [u8],
    msg_type: u8,
    body_len: u16,
}

impl<'a> Cursor<'a> {
    pub(crate) fn new(buf: &'a [u8], msg_type: u8, body_len: u16) -> Self {
        Self {
            buf,
            msg_type,
            body_len,
        }
    }

    pub(crate) fn array<const N: usize>(&mut self) -> Result<[u8; N], DecodeError> {
        let (head, rest) = self
            .buf
            .split_first_chunk::<N>()
            .ok_or(DecodeError::BadBodyLength {
                msg_type: self.msg_type,
                len: self.body_len,
            })?;
        self.buf = rest;
        Ok(*head)
    }

    pub(crate) fn u8(&mut self) -> Result<u8, DecodeError> {
        self.array::<1>().map(|[b]| b)
    }
    pub(crate) fn u16(&mut self) -> Result<u16, DecodeError> {
        self.array().map(u16::from_le_bytes)
    }
    pub(crate) fn u32(&mut self) -> Result<u32, DecodeError> {
        self.array().map(u32::from_le_bytes)
    }
    pub(crate) fn u64(&mut self) -> Result<u64, DecodeError> {
        self.array().map(u64::from_le_bytes)
    }
    pub(crate) fn i64(&mut self) -> Result<i64, DecodeError> {
        self.array().map(i64::from_le_bytes)
    }

    /// Consumes `N` padding bytes, which must be zero.
    pub(crate) fn padding<const N: usize>(&mut self) -> Result<(), DecodeError> {
        if self.array::<N>()? == [0; N] {
            Ok(())
        } else {
            Err(DecodeError::NonZeroPadding {
                msg_type: self.msg_type,
            })
        }
    }

    /// The number of unread bytes.
    pub(crate) fn remaining(&self) -> usize {
        self.buf.len()
    }
}
