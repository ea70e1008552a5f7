//! Little-endian field writer and bounds-checked reader, shared by the command encoding and
//! engine snapshots.

use crate::name::FixedStr;
use crate::ProtectionLimits;
use thiserror::Error;

/// Why bytes do not decode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum CodecError {
    /// The input ended inside a field.
    #[error("record ends early: {0} bytes needed at offset {1}")]
    Truncated(usize, usize),
    /// Bytes left over after the command.
    #[error("{0} bytes left over after the command")]
    Trailing(usize),
    /// The layout version is not one this build reads.
    #[error("unsupported command format version {0}; this build reads version 1")]
    Version(u8),
    /// An engine snapshot written in a layout this build does not read.
    #[error("engine snapshot layout version {found} is not supported; this build reads version {supported}. Recover from the journal without this snapshot (move the snapshot file away) or use the build that wrote it")]
    SnapshotVersion {
        /// The version found.
        found: u8,
        /// The version this build reads and writes.
        supported: u8,
    },
    /// An unknown tag or enumeration value.
    #[error("invalid value {value} for {field}")]
    Invalid {
        /// Field name.
        field: &'static str,
        /// The value found.
        value: u64,
    },
}

/// Appends fields to a caller-owned buffer.
pub struct Writer<'a> {
    out: &'a mut Vec<u8>,
}

impl<'a> Writer<'a> {
    /// A writer appending to `out`.
    pub fn new(out: &'a mut Vec<u8>) -> Writer<'a> {
        Writer { out }
    }
    /// One byte.
    pub fn u8(&mut self, v: u8) -> &mut Self {
        self.out.push(v);
        self
    }
    /// A little-endian u32.
    pub fn u32(&mut self, v: u32) -> &mut Self {
        self.out.extend_from_slice(&v.to_le_bytes());
        self
    }
    /// A little-endian i32.
    pub fn i32(&mut self, v: i32) -> &mut Self {
        self.out.extend_from_slice(&v.to_le_bytes());
        self
    }
    /// A little-endian u64.
    pub fn u64(&mut self, v: u64) -> &mut Self {
        self.out.extend_from_slice(&v.to_le_bytes());
        self
    }
    /// A little-endian i64.
    pub fn i64(&mut self, v: i64) -> &mut Self {
        self.out.extend_from_slice(&v.to_le_bytes());
        self
    }
    /// A little-endian i128.
    pub fn i128(&mut self, v: i128) -> &mut Self {
        self.out.extend_from_slice(&v.to_le_bytes());
        self
    }
    /// A length byte and the string's bytes.
    pub fn str<const N: usize>(&mut self, s: &FixedStr<N>) -> &mut Self {
        let b = s.as_bytes();
        self.out.push(b.len() as u8);
        self.out.extend_from_slice(b);
        self
    }
    /// An optional value: a presence byte, then the value.
    pub fn opt<T>(&mut self, v: Option<T>, f: impl FnOnce(&mut Self, T)) -> &mut Self {
        match v {
            None => {
                self.out.push(0);
            }
            Some(v) => {
                self.out.push(1);
                f(self, v);
            }
        }
        self
    }
    /// Market-maker protection limits: window, max filled, max delta, freeze.
    pub fn limits(&mut self, l: &ProtectionLimits) -> &mut Self {
        self.u64(l.window_ms)
            .i64(l.max_filled)
            .i64(l.max_delta)
            .u64(l.freeze_ms)
    }
}

/// Reads fields, failing cleanly at the end of the input.
pub struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    /// A reader over `buf`.
    pub fn new(buf: &'a [u8]) -> Reader<'a> {
        Reader { buf, pos: 0 }
    }
    fn take<const N: usize>(&mut self) -> Result<[u8; N], CodecError> {
        let end = self.pos + N;
        let bytes = self
            .buf
            .get(self.pos..end)
            .ok_or(CodecError::Truncated(N, self.pos))?;
        self.pos = end;
        let mut a = [0u8; N];
        a.copy_from_slice(bytes);
        Ok(a)
    }
    /// One byte.
    pub fn u8(&mut self) -> Result<u8, CodecError> {
        Ok(self.take::<1>()?[0])
    }
    /// A little-endian u32.
    pub fn u32(&mut self) -> Result<u32, CodecError> {
        Ok(u32::from_le_bytes(self.take()?))
    }
    /// A little-endian i32.
    pub fn i32(&mut self) -> Result<i32, CodecError> {
        Ok(i32::from_le_bytes(self.take()?))
    }
    /// A little-endian u64.
    pub fn u64(&mut self) -> Result<u64, CodecError> {
        Ok(u64::from_le_bytes(self.take()?))
    }
    /// A little-endian i64.
    pub fn i64(&mut self) -> Result<i64, CodecError> {
        Ok(i64::from_le_bytes(self.take()?))
    }
    /// A little-endian i128.
    pub fn i128(&mut self) -> Result<i128, CodecError> {
        Ok(i128::from_le_bytes(self.take()?))
    }
    /// A length byte and a UTF-8 string of at most `N` bytes.
    pub fn str<const N: usize>(&mut self, field: &'static str) -> Result<FixedStr<N>, CodecError> {
        let len = self.u8()? as usize;
        let bytes = self
            .buf
            .get(self.pos..self.pos + len)
            .ok_or(CodecError::Truncated(len, self.pos))?;
        self.pos += len;
        let s = std::str::from_utf8(bytes).map_err(|_| CodecError::Invalid {
            field,
            value: len as u64,
        })?;
        FixedStr::new(s).map_err(|_| CodecError::Invalid {
            field,
            value: len as u64,
        })
    }
    /// A presence byte (0 or 1) and, if present, the value.
    pub fn opt<T>(
        &mut self,
        field: &'static str,
        f: impl FnOnce(&mut Self) -> Result<T, CodecError>,
    ) -> Result<Option<T>, CodecError> {
        match self.u8()? {
            0 => Ok(None),
            1 => f(self).map(Some),
            v => Err(CodecError::Invalid {
                field,
                value: v as u64,
            }),
        }
    }
    /// Market-maker protection limits, as [`Writer::limits`] writes them.
    pub fn limits(&mut self) -> Result<ProtectionLimits, CodecError> {
        Ok(ProtectionLimits {
            window_ms: self.u64()?,
            max_filled: self.i64()?,
            max_delta: self.i64()?,
            freeze_ms: self.u64()?,
        })
    }
    /// True when every byte has been read (for trailing optional fields).
    pub fn at_end(&self) -> bool {
        self.pos == self.buf.len()
    }
    /// Fails if bytes are left over.
    pub fn finish(&self) -> Result<(), CodecError> {
        match self.buf.len() - self.pos {
            0 => Ok(()),
            n => Err(CodecError::Trailing(n)),
        }
    }
}
