//! Segment files: names and the segment header.
//!
//! A segment is one pre-allocated, zero-filled file named by the sequence number of its first
//! record, zero-padded to 20 digits: `00000000000000000001.seg`. Its first sector holds the
//! segment header; batches follow from byte [`HEADER_SECTOR`] on.
//!
//! Segment header, little-endian, 32 bytes at offset 0 (the rest of sector 0 is zero):
//!
//! | offset | size | field                                         |
//! |-------:|-----:|-----------------------------------------------|
//! | 0      | 4    | magic `b"TSJS"`                               |
//! | 4      | 2    | format version (1)                            |
//! | 6      | 2    | header length (32)                            |
//! | 8      | 8    | first sequence number (equals the file name)  |
//! | 16     | 8    | capacity: the pre-allocated file size         |
//! | 24     | 4    | reserved, zero                                |
//! | 28     | 4    | CRC32C of bytes 0..28                         |
//!
//! The header is written and synced, and the directory synced, before any batch goes into
//! the segment, and a segment is only created after the previous one was synced: so the
//! existence of a valid segment header vouches for every record before its first sequence
//! number (recovery relies on this to tell a torn tail from corruption).

use std::path::{Path, PathBuf};

use crate::sim::SECTOR;

/// Segment header magic.
pub const SEGMENT_MAGIC: [u8; 4] = *b"TSJS";
/// Current segment format version.
pub const SEGMENT_VERSION: u16 = 1;
/// Encoded size of the segment header.
pub const SEGMENT_HEADER_LEN: usize = 32;
/// The header owns the whole first sector, so batch writes never touch it.
pub const HEADER_SECTOR: u64 = SECTOR;
/// File name extension of segments.
pub const SEGMENT_EXT: &str = ".seg";

/// The decoded segment header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SegmentHeader {
    /// Sequence number of the first record in the segment.
    pub first_seq: u64,
    /// Pre-allocated size of the segment file in bytes.
    pub capacity: u64,
}

impl SegmentHeader {
    /// Encodes the header (32 bytes).
    pub fn encode(&self) -> [u8; SEGMENT_HEADER_LEN] {
        let mut b = [0u8; SEGMENT_HEADER_LEN];
        b[0..4].copy_from_slice(&SEGMENT_MAGIC);
        b[4..6].copy_from_slice(&SEGMENT_VERSION.to_le_bytes());
        b[6..8].copy_from_slice(&(SEGMENT_HEADER_LEN as u16).to_le_bytes());
        b[8..16].copy_from_slice(&self.first_seq.to_le_bytes());
        b[16..24].copy_from_slice(&self.capacity.to_le_bytes());
        let crc = crc32c::crc32c(&b[0..28]);
        b[28..32].copy_from_slice(&crc.to_le_bytes());
        b
    }

    /// Decodes and validates a header from the start of a segment file.
    pub fn decode(bytes: &[u8]) -> Result<SegmentHeader, String> {
        let b = bytes.get(..SEGMENT_HEADER_LEN).ok_or_else(|| {
            format!(
                "file is {} bytes, shorter than a segment header",
                bytes.len()
            )
        })?;
        if b.iter().all(|&x| x == 0) {
            return Err("segment header is all zeros (never written)".into());
        }
        if b[0..4] != SEGMENT_MAGIC {
            return Err("bad segment magic".into());
        }
        let stored = u32::from_le_bytes([b[28], b[29], b[30], b[31]]);
        let computed = crc32c::crc32c(&b[0..28]);
        if stored != computed {
            return Err(format!(
                "segment header CRC mismatch (stored {stored:#010x}, computed {computed:#010x})"
            ));
        }
        let version = u16::from_le_bytes([b[4], b[5]]);
        if version != SEGMENT_VERSION {
            return Err(format!(
                "segment format version {version} is not supported (this build reads \
                 {SEGMENT_VERSION}); use a matching tradestream build"
            ));
        }
        let first_seq = le_u64(&b[8..16]);
        let capacity = le_u64(&b[16..24]);
        if first_seq == 0 {
            return Err("segment header names sequence 0 (sequences start at 1)".into());
        }
        if capacity % SECTOR != 0 || capacity < 2 * SECTOR {
            return Err(format!("impossible segment capacity {capacity}"));
        }
        Ok(SegmentHeader {
            first_seq,
            capacity,
        })
    }
}

pub(crate) fn le_u64(b: &[u8]) -> u64 {
    let mut a = [0u8; 8];
    a.copy_from_slice(&b[..8]);
    u64::from_le_bytes(a)
}

pub(crate) fn le_u32(b: &[u8]) -> u32 {
    let mut a = [0u8; 4];
    a.copy_from_slice(&b[..4]);
    u32::from_le_bytes(a)
}

/// The file name of the segment whose first record is `first_seq`.
pub fn segment_name(first_seq: u64) -> String {
    format!("{first_seq:020}{SEGMENT_EXT}")
}

/// Parses a segment file name; `None` for any other file (sequence numbers start at 1, so
/// `00000000000000000000.seg` is not a segment name either).
pub fn parse_segment_name(name: &str) -> Option<u64> {
    let digits = name.strip_suffix(SEGMENT_EXT)?;
    if digits.len() != 20 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok().filter(|&seq| seq > 0)
}

/// Segment files in `names` as `(first_seq, name)`, sorted by sequence number.
pub(crate) fn segment_files(names: &[String]) -> Vec<(u64, String)> {
    let mut segs: Vec<(u64, String)> = names
        .iter()
        .filter_map(|n| parse_segment_name(n).map(|s| (s, n.clone())))
        .collect();
    segs.sort();
    segs
}

pub(crate) fn segment_path(dir: &Path, first_seq: u64) -> PathBuf {
    dir.join(segment_name(first_seq))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn golden_header_bytes() {
        let h = SegmentHeader {
            first_seq: 1,
            capacity: 4096,
        };
        let bytes = h.encode();
        let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(hex, GOLDEN_HEADER);
        assert_eq!(SegmentHeader::decode(&bytes), Ok(h));
    }

    const GOLDEN_HEADER: &str = concat!(
        "54534a53",
        "0100",
        "2000",
        "0100000000000000", // magic version header_len first_seq
        "0010000000000000",
        "00000000",
        "083cd381", // capacity reserved crc
    );

    #[test]
    fn every_single_bit_flip_is_rejected() {
        let bytes = SegmentHeader {
            first_seq: 77,
            capacity: 1 << 26,
        }
        .encode();
        for bit in 0..bytes.len() * 8 {
            let mut b = bytes;
            b[bit / 8] ^= 1 << (bit % 8);
            assert!(SegmentHeader::decode(&b).is_err(), "bit {bit}");
        }
    }

    #[test]
    fn names() {
        assert_eq!(segment_name(1), "00000000000000000001.seg");
        assert_eq!(parse_segment_name("00000000000000000001.seg"), Some(1));
        assert_eq!(parse_segment_name("1.seg"), None);
        assert_eq!(parse_segment_name("00000000000000000000.seg"), None);
        assert_eq!(
            parse_segment_name("snapshot-00000000000000000001.snap"),
            None
        );
        assert_eq!(parse_segment_name(&segment_name(u64::MAX)), Some(u64::MAX));
    }
}
