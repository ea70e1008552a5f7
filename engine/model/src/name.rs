//! Fixed-size strings: symbols, asset names and client order ids without heap data.

use thiserror::Error;

/// Why a string cannot become a fixed-size name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum NameError {
    /// The string is empty.
    #[error("must not be empty")]
    Empty,
    /// The string is longer than the type holds.
    #[error("is longer than {0} bytes")]
    TooLong(usize),
}

/// A UTF-8 string of at most `N` bytes stored inline; unused bytes are zero, so the derived
/// equality and hashing are those of the string.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FixedStr<const N: usize> {
    len: u8,
    bytes: [u8; N],
}

/// A symbol or asset name: at most 16 bytes.
pub type ShortName = FixedStr<16>;
/// A client order id (or a withdrawal request id): at most 36 bytes, a UUID fits.
pub type ClientOrderId = FixedStr<36>;

impl<const N: usize> FixedStr<N> {
    /// Copies a non-empty string of at most `N` bytes.
    pub fn new(s: &str) -> Result<Self, NameError> {
        if s.is_empty() {
            return Err(NameError::Empty);
        }
        if s.len() > N {
            return Err(NameError::TooLong(N));
        }
        let mut bytes = [0u8; N];
        bytes[..s.len()].copy_from_slice(s.as_bytes());
        Ok(FixedStr {
            len: s.len() as u8,
            bytes,
        })
    }

    /// The string.
    pub fn as_str(&self) -> &str {
        // The bytes were copied from a &str and never modified.
        std::str::from_utf8(&self.bytes[..self.len as usize]).unwrap_or_default()
    }

    /// The raw bytes, for digests.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes[..self.len as usize]
    }
}

impl<const N: usize> std::fmt::Debug for FixedStr<N> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}", self.as_str())
    }
}

impl<const N: usize> std::fmt::Display for FixedStr<N> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds_are_enforced() {
        assert_eq!(ShortName::new(""), Err(NameError::Empty));
        assert_eq!(
            ShortName::new("ABCDEFGHIJKLMNOPQ"),
            Err(NameError::TooLong(16))
        );
        let s = ShortName::new("BTC-USD").unwrap();
        assert_eq!(s.as_str(), "BTC-USD");
        assert_eq!(s, ShortName::new("BTC-USD").unwrap());
        assert_ne!(s, ShortName::new("BTC-USDT").unwrap());
        let id = ClientOrderId::new("9b2f0c1e-3d4a-4b5c-8d6e-7f8091a2b3c4").unwrap();
        assert_eq!(id.as_str().len(), 36);
    }
}
