//! Snapshots: opaque engine state at a sequence number, written atomically, checksummed.
//!
//! File `snapshot-<seq, 20 digits>.snap`: a 64-byte header, then the state bytes.
//! Little-endian:
//!
//! | offset | size | field                                               |
//! |-------:|-----:|-----------------------------------------------------|
//! | 0      | 4    | magic `b"TSSN"`                                     |
//! | 4      | 2    | format version (1)                                  |
//! | 6      | 2    | flags (0)                                           |
//! | 8      | 8    | seq: the last journal record the state includes    |
//! | 16     | 32   | state hash (computed by the engine; opaque here)    |
//! | 48     | 8    | length of the state bytes                           |
//! | 56     | 4    | reserved, zero                                      |
//! | 60     | 4    | CRC32C over bytes 0..60 of the header, then the state |
//!
//! Writing: to `<name>.tmp`, sync, rename to `<name>`, sync the directory; then older
//! snapshots beyond the newest `keep` (and stray `.tmp` files) are removed and the directory
//! synced again. A crash at any point leaves either the new snapshot complete and named, or
//! no new snapshot (a `.tmp` file is never loaded).
//!
//! Loading: newest first; a snapshot that fails any check is skipped (and reported) and the
//! next older one tried. If none is valid, recovery starts from the beginning of the journal.

use std::path::{Path, PathBuf};

use crate::error::{JournalError, Result};
use crate::segment::{le_u32, le_u64};
use crate::storage::{Storage, StorageFile};

/// Snapshot header magic.
pub const SNAPSHOT_MAGIC: [u8; 4] = *b"TSSN";
/// Current snapshot format version.
pub const SNAPSHOT_VERSION: u16 = 1;
/// Encoded size of the snapshot header.
pub const SNAPSHOT_HEADER_LEN: usize = 64;
const PREFIX: &str = "snapshot-";
const EXT: &str = ".snap";
const TMP_EXT: &str = ".tmp";

/// A loaded, validated snapshot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snapshot {
    /// The last journal sequence number the state includes; replay continues at `seq + 1`.
    pub seq: u64,
    /// The engine's state hash at `seq`.
    pub state_hash: [u8; 32],
    /// The serialized state.
    pub bytes: Vec<u8>,
}

/// A snapshot file that was passed over, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkippedSnapshot {
    /// The file, relative to the storage root.
    pub path: PathBuf,
    /// What check failed.
    pub reason: String,
}

/// The result of [`load_newest_snapshot`].
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SnapshotLoad {
    /// The newest valid snapshot; `None` means replay the journal from the start.
    pub snapshot: Option<Snapshot>,
    /// Newer snapshots that were corrupt, newest first.
    pub skipped: Vec<SkippedSnapshot>,
}

/// The file name of the snapshot at `seq`.
pub fn snapshot_name(seq: u64) -> String {
    format!("{PREFIX}{seq:020}{EXT}")
}

/// Parses a snapshot file name; `None` for any other file (including `.tmp` files).
pub fn parse_snapshot_name(name: &str) -> Option<u64> {
    let digits = name.strip_prefix(PREFIX)?.strip_suffix(EXT)?;
    if digits.len() != 20 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// Snapshot files in `names` as `(seq, name)`, newest first.
pub(crate) fn snapshot_files(names: &[String]) -> Vec<(u64, String)> {
    let mut snaps: Vec<(u64, String)> = names
        .iter()
        .filter_map(|n| parse_snapshot_name(n).map(|s| (s, n.clone())))
        .collect();
    snaps.sort_by(|a, b| b.cmp(a));
    snaps
}

fn encode_header(seq: u64, state_hash: &[u8; 32], bytes: &[u8]) -> [u8; SNAPSHOT_HEADER_LEN] {
    let mut h = [0u8; SNAPSHOT_HEADER_LEN];
    h[0..4].copy_from_slice(&SNAPSHOT_MAGIC);
    h[4..6].copy_from_slice(&SNAPSHOT_VERSION.to_le_bytes());
    h[8..16].copy_from_slice(&seq.to_le_bytes());
    h[16..48].copy_from_slice(state_hash);
    h[48..56].copy_from_slice(&(bytes.len() as u64).to_le_bytes());
    let crc = crc32c::crc32c_append(crc32c::crc32c(&h[0..60]), bytes);
    h[60..64].copy_from_slice(&crc.to_le_bytes());
    h
}

/// Validates a snapshot file's contents; `name_seq` is the seq in its file name.
pub(crate) fn decode_snapshot(data: &[u8], name_seq: u64) -> Result<Snapshot, String> {
    let h = data.get(..SNAPSHOT_HEADER_LEN).ok_or_else(|| {
        format!(
            "file is {} bytes, shorter than the {SNAPSHOT_HEADER_LEN}-byte header",
            data.len()
        )
    })?;
    if h[0..4] != SNAPSHOT_MAGIC {
        return Err("bad snapshot magic".into());
    }
    let len = le_u64(&h[48..56]);
    let body = &data[SNAPSHOT_HEADER_LEN..];
    if len != body.len() as u64 {
        return Err(format!(
            "header says {len} bytes of state but the file holds {} (truncated or extended)",
            body.len()
        ));
    }
    let stored = le_u32(&h[60..64]);
    let computed = crc32c::crc32c_append(crc32c::crc32c(&h[0..60]), body);
    if stored != computed {
        return Err(format!(
            "snapshot CRC mismatch (stored {stored:#010x}, computed {computed:#010x})"
        ));
    }
    let version = u16::from_le_bytes([h[4], h[5]]);
    if version != SNAPSHOT_VERSION {
        return Err(format!(
            "snapshot format version {version} is not supported"
        ));
    }
    let seq = le_u64(&h[8..16]);
    if seq != name_seq {
        return Err(format!(
            "header says seq {seq} but the file is named for {name_seq}"
        ));
    }
    let mut state_hash = [0u8; 32];
    state_hash.copy_from_slice(&h[16..48]);
    Ok(Snapshot {
        seq,
        state_hash,
        bytes: body.to_vec(),
    })
}

/// Writes a snapshot of `bytes` at `seq` into `dir` atomically (temporary file, sync, rename,
/// directory sync), then removes all but the newest `keep` snapshots (at least one is kept)
/// and stray temporary files. Returns the snapshot's path.
pub fn write_snapshot<S: Storage>(
    storage: &S,
    dir: &Path,
    seq: u64,
    state_hash: [u8; 32],
    bytes: &[u8],
    keep: usize,
) -> Result<PathBuf> {
    storage
        .create_dir_all(dir)
        .map_err(|e| JournalError::io("create_dir", dir, e))?;
    let name = snapshot_name(seq);
    let path = dir.join(&name);
    let tmp = dir.join(format!("{name}{TMP_EXT}"));
    let header = encode_header(seq, &state_hash, bytes);
    {
        let io = |op, e| JournalError::io(op, &tmp, e);
        let mut f = storage.create(&tmp).map_err(|e| io("create", e))?;
        f.write_at(0, &header).map_err(|e| io("write", e))?;
        f.write_at(SNAPSHOT_HEADER_LEN as u64, bytes)
            .map_err(|e| io("write", e))?;
        f.sync().map_err(|e| io("sync", e))?;
    }
    storage
        .rename(&tmp, &path)
        .map_err(|e| JournalError::io("rename", &tmp, e))?;
    storage
        .sync_dir(dir)
        .map_err(|e| JournalError::io("sync_dir", dir, e))?;

    let names = storage
        .list(dir)
        .map_err(|e| JournalError::io("list", dir, e))?;
    let mut removed = false;
    for (_, old) in snapshot_files(&names).into_iter().skip(keep.max(1)) {
        let p = dir.join(old);
        storage
            .remove(&p)
            .map_err(|e| JournalError::io("remove", &p, e))?;
        removed = true;
    }
    for stray in names
        .iter()
        .filter(|n| n.starts_with(PREFIX) && n.ends_with(TMP_EXT))
    {
        let p = dir.join(stray);
        storage
            .remove(&p)
            .map_err(|e| JournalError::io("remove", &p, e))?;
        removed = true;
    }
    if removed {
        storage
            .sync_dir(dir)
            .map_err(|e| JournalError::io("sync_dir", dir, e))?;
    }
    Ok(path)
}

/// Loads the newest valid snapshot in `dir`, skipping (and reporting) corrupt ones. A missing
/// directory or no valid snapshot gives `snapshot: None`: replay from the journal's start.
pub fn load_newest_snapshot<S: Storage>(storage: &S, dir: &Path) -> Result<SnapshotLoad> {
    load_snapshot_at_or_before(storage, dir, u64::MAX)
}

/// Loads the newest valid snapshot whose sequence number is at most `limit`, skipping (and
/// reporting) corrupt ones on the way; newer snapshots are not read.
pub fn load_snapshot_at_or_before<S: Storage>(
    storage: &S,
    dir: &Path,
    limit: u64,
) -> Result<SnapshotLoad> {
    let names = match storage.list(dir) {
        Ok(n) => n,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(SnapshotLoad::default()),
        Err(e) => return Err(JournalError::io("list", dir, e)),
    };
    let mut load = SnapshotLoad::default();
    for (seq, name) in snapshot_files(&names)
        .into_iter()
        .filter(|(seq, _)| *seq <= limit)
    {
        let path = dir.join(name);
        let data = crate::recovery::read_file(storage, &path)?;
        match decode_snapshot(&data, seq) {
            Ok(s) => {
                load.snapshot = Some(s);
                break;
            }
            Err(reason) => load.skipped.push(SkippedSnapshot { path, reason }),
        }
    }
    Ok(load)
}

/// The sequence number and state hash of every valid snapshot in `dir`, newest first, reading
/// only the snapshot files (no journal segment).
pub fn snapshot_hashes<S: Storage>(storage: &S, dir: &Path) -> Result<Vec<(u64, [u8; 32])>> {
    let names = match storage.list(dir) {
        Ok(n) => n,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(JournalError::io("list", dir, e)),
    };
    let mut out = Vec::new();
    for (seq, name) in snapshot_files(&names) {
        let data = crate::recovery::read_file(storage, &dir.join(name))?;
        if let Ok(s) = decode_snapshot(&data, seq) {
            out.push((s.seq, s.state_hash));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(snapshot_name(42), "snapshot-00000000000000000042.snap");
        assert_eq!(
            parse_snapshot_name("snapshot-00000000000000000042.snap"),
            Some(42)
        );
        assert_eq!(
            parse_snapshot_name("snapshot-00000000000000000042.snap.tmp"),
            None
        );
        assert_eq!(parse_snapshot_name("00000000000000000042.seg"), None);
    }

    #[test]
    fn every_single_bit_flip_is_rejected() {
        let body = [5u8; 20];
        let h = encode_header(3, &[9; 32], &body);
        let mut file = h.to_vec();
        file.extend_from_slice(&body);
        assert!(decode_snapshot(&file, 3).is_ok());
        for bit in 0..file.len() * 8 {
            let mut f = file.clone();
            f[bit / 8] ^= 1 << (bit % 8);
            assert!(decode_snapshot(&f, 3).is_err(), "bit {bit}");
        }
        for cut in 0..file.len() {
            assert!(decode_snapshot(&file[..cut], 3).is_err(), "cut {cut}");
        }
    }
}
