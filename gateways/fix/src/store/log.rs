//! The store's append-only log file: framed, checksummed records.

use std::fs::{File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::Path;

/// One record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Record {
    /// A message sent under `seq`.
    Sent {
        /// Its MsgSeqNum.
        seq: u64,
        /// Its bytes.
        bytes: Vec<u8>,
    },
    /// The next expected inbound sequence number.
    Target(u64),
    /// The next outbound sequence number.
    Sender(u64),
    /// Everything before is void.
    Reset,
}

/// Frames the record body `write` appends: its length before, its CRC32C after.
fn framed(out: &mut Vec<u8>, write: impl FnOnce(&mut Vec<u8>)) {
    let start = out.len();
    out.extend_from_slice(&[0; 4]);
    write(out);
    let len = (out.len() - start - 4) as u32;
    out[start..start + 4].copy_from_slice(&len.to_le_bytes());
    let crc = crc32c::crc32c(&out[start + 4..]);
    out.extend_from_slice(&crc.to_le_bytes());
}

fn encode_sent(out: &mut Vec<u8>, seq: u64, bytes: &[u8]) {
    out.push(1);
    out.extend_from_slice(&seq.to_le_bytes());
    out.extend_from_slice(bytes);
}

impl Record {
    fn encode(&self, out: &mut Vec<u8>) {
        framed(out, |out| match self {
            Record::Sent { seq, bytes } => encode_sent(out, *seq, bytes),
            Record::Target(n) => {
                out.push(2);
                out.extend_from_slice(&n.to_le_bytes());
            }
            Record::Sender(n) => {
                out.push(3);
                out.extend_from_slice(&n.to_le_bytes());
            }
            Record::Reset => out.push(4),
        });
    }

    fn decode(body: &[u8]) -> Option<Record> {
        let (kind, rest) = body.split_first()?;
        let num = || {
            rest.get(..8)
                .map(|b| u64::from_le_bytes(b.try_into().expect("8 bytes")))
        };
        Some(match kind {
            1 => Record::Sent {
                seq: num()?,
                bytes: rest.get(8..)?.to_vec(),
            },
            2 => Record::Target(num()?),
            3 => Record::Sender(num()?),
            4 => Record::Reset,
            _ => return None,
        })
    }
}

/// The open log. Appends collect in memory and reach the file in one write at
/// [`Log::flush`] (the acceptor flushes before any output leaves).
#[derive(Debug)]
pub struct Log {
    file: File,
    pending: Vec<u8>,
}

impl Log {
    /// Opens `path`, passing every valid record to `apply`; truncates a torn or corrupt tail.
    pub fn open(path: &Path, mut apply: impl FnMut(Record)) -> io::Result<Log> {
        let mut file = OpenOptions::new()
            .read(true)
            .append(true)
            .create(true)
            .open(path)?;
        let mut bytes = Vec::new();
        file.read_to_end(&mut bytes)?;
        let mut pos = 0;
        while pos + 4 <= bytes.len() {
            let len = u32::from_le_bytes(bytes[pos..pos + 4].try_into().expect("4 bytes")) as usize;
            let end = pos + 4 + len + 4;
            if end > bytes.len() {
                break;
            }
            let body = &bytes[pos + 4..pos + 4 + len];
            let crc = u32::from_le_bytes(bytes[end - 4..end].try_into().expect("4 bytes"));
            if crc != crc32c::crc32c(body) {
                break;
            }
            let Some(rec) = Record::decode(body) else {
                break;
            };
            apply(rec);
            pos = end;
        }
        if pos < bytes.len() {
            file.set_len(pos as u64)?;
            file.sync_data()?;
        }
        file.seek(SeekFrom::End(0))?;
        Ok(Log {
            file,
            pending: Vec::with_capacity(16 * 1024),
        })
    }

    /// Appends one record (in memory until [`Log::flush`]).
    pub fn append(&mut self, rec: &Record) {
        rec.encode(&mut self.pending);
    }

    /// Appends a sent message without copying it into a [`Record`] first.
    pub fn append_sent(&mut self, seq: u64, bytes: &[u8]) {
        framed(&mut self.pending, |out| encode_sent(out, seq, bytes));
    }

    /// True when appended records have not reached the file yet.
    pub fn is_dirty(&self) -> bool {
        !self.pending.is_empty()
    }

    /// Writes the appended records to the file (one write).
    pub fn flush(&mut self) -> io::Result<()> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let r = self.file.write_all(&self.pending);
        self.pending.clear();
        r
    }

    /// Empties the file and records a reset, durably.
    pub fn reset(&mut self) -> io::Result<()> {
        self.pending.clear();
        self.file.set_len(0)?;
        self.append(&Record::Reset);
        self.flush()?;
        self.file.sync_data()
    }

    /// Writes what was appended, then fdatasync.
    pub fn sync(&mut self) -> io::Result<()> {
        self.flush()?;
        self.file.sync_data()
    }
}

impl Drop for Log {
    fn drop(&mut self) {
        let _ = self.flush();
    }
}
