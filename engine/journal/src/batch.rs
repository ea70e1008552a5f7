//! Records and batches: the unit of writing and of checksumming.
//!
//! A batch is a 40-byte header followed by records packed back to back, then zero padding up
//! to the next multiple of [`BATCH_ALIGN`] (512 bytes, one sector). Little-endian throughout.
//!
//! Batch header:
//!
//! | offset | size | field                                                           |
//! |-------:|-----:|-----------------------------------------------------------------|
//! | 0      | 4    | magic `b"TSJB"`                                                 |
//! | 4      | 2    | format version (1)                                              |
//! | 6      | 2    | flags (0; reserved)                                             |
//! | 8      | 4    | payload_len: bytes of records after the header (no padding)     |
//! | 12     | 4    | count: number of records (at least 1)                           |
//! | 16     | 8    | first_seq: sequence number of the first record                  |
//! | 24     | 8    | durable_seq: highest seq the writer knew durable when it wrote  |
//! | 32     | 4    | reserved, zero                                                  |
//! | 36     | 4    | CRC32C over bytes 0..36 of the header, then all record bytes    |
//!
//! Record (13-byte header, then the payload): `len: u32` (payload bytes), `seq: u64`,
//! `kind: u8`, `payload: [u8; len]`. Record sequence numbers inside a batch are contiguous.
//!
//! Why 512-byte alignment: a new batch never shares a sector with an older one, so however a
//! write tears (any subset of its sectors), it can not damage a batch that was already
//! synced; and the zero padding makes every write whole sectors. The cost is up to 511 bytes
//! of padding per batch, small once group commit makes batches large.
//!
//! Why `durable_seq`: unsynced writes can reach the disk in any order, so after a power cut
//! a batch may be missing while a later one survived. `durable_seq` lets recovery tell that
//! apart from corruption: a bad batch is corruption only if some intact later batch (or a
//! later segment) was written after the bad one had been synced.

/// Batch header magic.
pub const BATCH_MAGIC: [u8; 4] = *b"TSJB";
/// Current batch format version.
pub const BATCH_VERSION: u16 = 1;
/// Encoded size of a batch header.
pub const BATCH_HEADER_LEN: usize = 40;
/// Encoded size of a record header (`len`, `seq`, `kind`).
pub const RECORD_HEADER_LEN: usize = 13;
/// Batches start at multiples of this many bytes.
pub const BATCH_ALIGN: u64 = 512;

/// A record to append, borrowing its payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecordRef<'a> {
    /// Sequence number; contiguous over the whole journal, starting at 1.
    pub seq: u64,
    /// Record type, chosen by the caller (the journal does not interpret it).
    pub kind: u8,
    /// The encoded command or digest bytes.
    pub payload: &'a [u8],
}

/// An owned record, as returned by convenience readers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// Sequence number.
    pub seq: u64,
    /// Record type.
    pub kind: u8,
    /// Payload bytes.
    pub payload: Vec<u8>,
}

impl RecordRef<'_> {
    /// Copies the record into an owned [`Record`].
    pub fn to_owned_record(&self) -> Record {
        Record {
            seq: self.seq,
            kind: self.kind,
            payload: self.payload.to_vec(),
        }
    }

    /// Encoded size of this record inside a batch.
    pub fn encoded_len(&self) -> usize {
        RECORD_HEADER_LEN + self.payload.len()
    }
}

/// Rounds `n` up to the batch alignment.
pub(crate) fn align_up(n: u64) -> u64 {
    n.div_ceil(BATCH_ALIGN) * BATCH_ALIGN
}

/// Builds one batch in a reusable buffer (no allocation once the buffer reached its size).
#[derive(Debug)]
pub(crate) struct BatchEncoder {
    buf: Vec<u8>,
    count: u32,
    first_seq: u64,
    /// Maximum encoded size (header + records, before padding).
    max_bytes: usize,
}

impl BatchEncoder {
    pub(crate) fn new(max_bytes: usize) -> Self {
        let mut buf = Vec::with_capacity(align_up(max_bytes as u64) as usize);
        buf.resize(BATCH_HEADER_LEN, 0);
        BatchEncoder {
            buf,
            count: 0,
            first_seq: 0,
            max_bytes,
        }
    }

    pub(crate) fn clear(&mut self) {
        self.buf.clear();
        self.buf.resize(BATCH_HEADER_LEN, 0);
        self.count = 0;
        self.first_seq = 0;
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// Current size (header and records, no padding).
    pub(crate) fn len(&self) -> usize {
        self.buf.len()
    }

    pub(crate) fn count(&self) -> u32 {
        self.count
    }

    pub(crate) fn max_bytes(&self) -> usize {
        self.max_bytes
    }

    /// Size the batch would have with `record` added (header included, no padding).
    pub(crate) fn len_with(&self, record: &RecordRef<'_>) -> usize {
        self.buf.len() + record.encoded_len()
    }

    /// Appends a record; the caller checked sequence and size.
    pub(crate) fn push(&mut self, record: &RecordRef<'_>) {
        if self.count == 0 {
            self.first_seq = record.seq;
        }
        self.buf
            .extend_from_slice(&(record.payload.len() as u32).to_le_bytes());
        self.buf.extend_from_slice(&record.seq.to_le_bytes());
        self.buf.push(record.kind);
        self.buf.extend_from_slice(record.payload);
        self.count += 1;
    }

    /// Aligned size of the finished batch.
    pub(crate) fn aligned_len(&self) -> u64 {
        align_up(self.buf.len() as u64)
    }

    /// Writes the header (with `durable_seq` and the CRC) and the padding; returns the bytes
    /// to write, a multiple of [`BATCH_ALIGN`] long.
    pub(crate) fn finish(&mut self, durable_seq: u64) -> &[u8] {
        let payload_len = (self.buf.len() - BATCH_HEADER_LEN) as u32;
        let unpadded = self.buf.len();
        let h = &mut self.buf[..BATCH_HEADER_LEN];
        h[0..4].copy_from_slice(&BATCH_MAGIC);
        h[4..6].copy_from_slice(&BATCH_VERSION.to_le_bytes());
        h[6..8].copy_from_slice(&0u16.to_le_bytes());
        h[8..12].copy_from_slice(&payload_len.to_le_bytes());
        h[12..16].copy_from_slice(&self.count.to_le_bytes());
        h[16..24].copy_from_slice(&self.first_seq.to_le_bytes());
        h[24..32].copy_from_slice(&durable_seq.to_le_bytes());
        h[32..36].copy_from_slice(&0u32.to_le_bytes());
        let crc = crc32c::crc32c_append(
            crc32c::crc32c(&self.buf[0..36]),
            &self.buf[BATCH_HEADER_LEN..unpadded],
        );
        self.buf[36..40].copy_from_slice(&crc.to_le_bytes());
        self.buf.resize(align_up(unpadded as u64) as usize, 0);
        &self.buf
    }
}

/// A validated batch inside a buffer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct BatchView<'a> {
    pub(crate) first_seq: u64,
    pub(crate) count: u32,
    pub(crate) durable_seq: u64,
    /// Header plus records, without padding.
    pub(crate) len: u64,
    pub(crate) records: &'a [u8],
}

impl<'a> BatchView<'a> {
    pub(crate) fn last_seq(&self) -> u64 {
        self.first_seq + u64::from(self.count) - 1
    }

    pub(crate) fn aligned_len(&self) -> u64 {
        align_up(self.len)
    }

    #[cfg(test)]
    pub(crate) fn records(&self) -> RecordIter<'a> {
        RecordIter { rest: self.records }
    }
}

/// True if the 40 bytes at the start of `bytes` are all zero (or fewer than 40 remain and
/// they are all zero): no batch was ever written here.
pub(crate) fn is_zero_header(bytes: &[u8]) -> bool {
    bytes.iter().take(BATCH_HEADER_LEN).all(|&b| b == 0)
}

/// Validates the batch starting at `bytes[0]` (`bytes` runs to the end of the file).
/// The error says what is wrong with it.
pub(crate) fn decode_batch(bytes: &[u8]) -> Result<BatchView<'_>, String> {
    let h = bytes.get(..BATCH_HEADER_LEN).ok_or_else(|| {
        format!(
            "only {} bytes left in the file, less than a batch header",
            bytes.len()
        )
    })?;
    if h[0..4] != BATCH_MAGIC {
        return Err("bad batch magic".into());
    }
    let payload_len = crate::segment::le_u32(&h[8..12]) as usize;
    if payload_len > bytes.len() - BATCH_HEADER_LEN {
        return Err(format!(
            "impossible batch length {payload_len}: only {} bytes left in the file",
            bytes.len() - BATCH_HEADER_LEN
        ));
    }
    let records = &bytes[BATCH_HEADER_LEN..BATCH_HEADER_LEN + payload_len];
    let stored = crate::segment::le_u32(&h[36..40]);
    let computed = crc32c::crc32c_append(crc32c::crc32c(&h[0..36]), records);
    if stored != computed {
        return Err(format!(
            "batch CRC mismatch (stored {stored:#010x}, computed {computed:#010x})"
        ));
    }
    // The CRC matched: from here on a failure means a writer bug or a different format, not
    // a torn write.
    let version = u16::from_le_bytes([h[4], h[5]]);
    if version != BATCH_VERSION {
        return Err(format!(
            "batch format version {version} is not supported (this build reads {BATCH_VERSION})"
        ));
    }
    let flags = u16::from_le_bytes([h[6], h[7]]);
    let reserved = crate::segment::le_u32(&h[32..36]);
    if flags != 0 || reserved != 0 {
        return Err(format!(
            "unknown batch flags {flags:#x} / reserved {reserved:#x}"
        ));
    }
    let count = crate::segment::le_u32(&h[12..16]);
    let first_seq = crate::segment::le_u64(&h[16..24]);
    let durable_seq = crate::segment::le_u64(&h[24..32]);
    if count == 0 || first_seq == 0 || first_seq.checked_add(u64::from(count)).is_none() {
        return Err(format!(
            "impossible batch range: first_seq {first_seq}, count {count}"
        ));
    }
    if durable_seq >= first_seq {
        return Err(format!(
            "durable_seq {durable_seq} is not below first_seq {first_seq}"
        ));
    }
    let mut iter = RecordIter { rest: records };
    let mut expected = first_seq;
    let mut n = 0u32;
    loop {
        match iter.try_next()? {
            None => break,
            Some(r) => {
                if r.seq != expected {
                    return Err(format!(
                        "record {n} of the batch has seq {} but {expected} was expected",
                        r.seq
                    ));
                }
                expected += 1;
                n += 1;
            }
        }
    }
    if n != count {
        return Err(format!("batch header says {count} records but holds {n}"));
    }
    Ok(BatchView {
        first_seq,
        count,
        durable_seq,
        len: (BATCH_HEADER_LEN + payload_len) as u64,
        records,
    })
}

/// Iterates the records of a batch.
#[derive(Debug, Clone)]
pub(crate) struct RecordIter<'a> {
    rest: &'a [u8],
}

impl<'a> RecordIter<'a> {
    fn try_next(&mut self) -> Result<Option<RecordRef<'a>>, String> {
        if self.rest.is_empty() {
            return Ok(None);
        }
        let h = self
            .rest
            .get(..RECORD_HEADER_LEN)
            .ok_or("record header cut short")?;
        let len = crate::segment::le_u32(&h[0..4]) as usize;
        let seq = crate::segment::le_u64(&h[4..12]);
        let kind = h[12];
        let payload = self
            .rest
            .get(RECORD_HEADER_LEN..RECORD_HEADER_LEN + len)
            .ok_or_else(|| format!("record payload of {len} bytes runs past the batch"))?;
        self.rest = &self.rest[RECORD_HEADER_LEN + len..];
        Ok(Some(RecordRef { seq, kind, payload }))
    }
}

impl<'a> Iterator for RecordIter<'a> {
    type Item = RecordRef<'a>;

    /// Records of an already validated batch (stops at the first malformed one).
    fn next(&mut self) -> Option<RecordRef<'a>> {
        self.try_next().ok().flatten()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encode(records: &[RecordRef<'_>], durable: u64) -> Vec<u8> {
        let mut e = BatchEncoder::new(1 << 16);
        for r in records {
            e.push(r);
        }
        e.finish(durable).to_vec()
    }

    #[test]
    fn golden_batch_bytes() {
        let bytes = encode(
            &[
                RecordRef {
                    seq: 5,
                    kind: 1,
                    payload: b"abc",
                },
                RecordRef {
                    seq: 6,
                    kind: 2,
                    payload: b"",
                },
            ],
            4,
        );
        assert_eq!(bytes.len(), 512);
        let hex: String = bytes[..BATCH_HEADER_LEN + 29]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(hex, GOLDEN_BATCH);
        assert!(bytes[BATCH_HEADER_LEN + 29..].iter().all(|&b| b == 0));
        let v = decode_batch(&bytes).unwrap();
        assert_eq!((v.first_seq, v.count, v.durable_seq, v.len), (5, 2, 4, 69));
        let recs: Vec<_> = v.records().collect();
        assert_eq!(
            recs[0],
            RecordRef {
                seq: 5,
                kind: 1,
                payload: b"abc"
            }
        );
        assert_eq!(
            recs[1],
            RecordRef {
                seq: 6,
                kind: 2,
                payload: b""
            }
        );
    }

    const GOLDEN_BATCH: &str = concat!(
        "54534a42",
        "0100",
        "0000",
        "1d000000",
        "02000000", // magic version flags len count
        "0500000000000000",
        "0400000000000000",
        "00000000",
        "745bca53", // first durable rsv crc
        "03000000",
        "0500000000000000",
        "01",
        "616263", // record: len seq kind "abc"
        "00000000",
        "0600000000000000",
        "02", // record: len seq kind, empty payload
    );

    #[test]
    fn every_single_bit_flip_is_rejected() {
        let bytes = encode(
            &[RecordRef {
                seq: 9,
                kind: 3,
                payload: &[0xAB; 40],
            }],
            8,
        );
        let covered = BATCH_HEADER_LEN + RECORD_HEADER_LEN + 40;
        for bit in 0..covered * 8 {
            let mut b = bytes.clone();
            b[bit / 8] ^= 1 << (bit % 8);
            assert!(decode_batch(&b).is_err(), "bit {bit}");
        }
    }

    #[test]
    fn truncated_input_is_rejected_without_panic() {
        let bytes = encode(
            &[RecordRef {
                seq: 1,
                kind: 0,
                payload: &[1; 100],
            }],
            0,
        );
        for cut in 0..153 {
            assert!(decode_batch(&bytes[..cut]).is_err(), "cut {cut}");
        }
        assert!(decode_batch(&bytes[..153]).is_ok());
    }
}
