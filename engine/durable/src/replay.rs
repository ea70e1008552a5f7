//! Re-executing a journal: recovery's engine, the audit tool's `replay --verify`, and the source
//! of derived events (`replay --events`).

use crate::chain::{hex, Chain, Digest};
use crate::record::{self, KIND_COMMAND, KIND_GENESIS};
use crate::DurableError;
use std::path::Path;
use tradestream_engine::Engine;
use tradestream_journal::{
    load_snapshot_at_or_before, snapshot_hashes, JournalReader, SkippedSnapshot, Storage,
};
use tradestream_model::Event;

/// What to replay.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReplayOptions {
    /// Recompute every event digest and compare it, and every snapshot's state hash.
    pub verify: bool,
    /// First sequence number whose events are reported (earlier ones are applied silently,
    /// starting from a snapshot before it when one exists).
    pub from: u64,
    /// Last sequence number to apply.
    pub to: Option<u64>,
}

impl Default for ReplayOptions {
    fn default() -> Self {
        ReplayOptions {
            verify: false,
            from: 1,
            to: None,
        }
    }
}

/// What a replay did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplaySummary {
    /// Records applied (from the starting point on).
    pub records: u64,
    /// Events the reported records produced.
    pub events: u64,
    /// Sequence number the replay started after (0: genesis; otherwise a snapshot's).
    pub started_after: u64,
    /// Last sequence number applied.
    pub last_seq: u64,
    /// Engine state hash at the end.
    pub state_hash: [u8; 32],
    /// Chain value at the end.
    pub chain: Digest,
    /// Snapshots whose state hash was checked.
    pub snapshots_verified: u32,
    /// Bytes of a torn tail the journal ends with (left alone: replay never modifies).
    pub torn_bytes: u64,
}

/// An engine positioned after `seq`, with the chain value there.
pub(crate) struct Position {
    pub engine: Engine,
    pub chain: Chain,
    pub seq: u64,
}

/// The starting point: the newest valid snapshot at or before `limit` (if `use_snapshot`), or
/// the genesis record. Returns the corrupt snapshots it skipped.
pub(crate) fn start<S: Storage>(
    storage: &S,
    dir: &Path,
    reader: &JournalReader<S>,
    limit: u64,
    use_snapshot: bool,
) -> Result<(Position, Vec<SkippedSnapshot>), DurableError> {
    let mut skipped = Vec::new();
    if use_snapshot {
        let load = load_snapshot_at_or_before(storage, dir, limit.min(reader.last_seq()))?;
        skipped = load.skipped;
        if let Some(s) = load.snapshot {
            return Ok((from_snapshot(s.seq, &s.state_hash, &s.bytes)?, skipped));
        }
    }
    let mut cursor = reader.cursor(1);
    let genesis = cursor
        .next_record()?
        .ok_or(DurableError::NoGenesis(u8::MAX))?;
    if genesis.kind != KIND_GENESIS {
        return Err(DurableError::NoGenesis(genesis.kind));
    }
    let config = record::decode_genesis(genesis.payload)
        .map_err(|source| DurableError::Record { seq: 1, source })?;
    Ok((
        Position {
            engine: Engine::new(config),
            chain: Chain::default(),
            seq: 1,
        },
        skipped,
    ))
}

/// Snapshot bytes are `chain (32 bytes) | engine snapshot`.
pub(crate) fn from_snapshot(
    seq: u64,
    state_hash: &[u8; 32],
    bytes: &[u8],
) -> Result<Position, DurableError> {
    let bad = |reason: String| DurableError::Snapshot { seq, reason };
    if bytes.len() < 32 {
        return Err(bad("shorter than its chain value".into()));
    }
    let mut head = [0u8; 32];
    head.copy_from_slice(&bytes[..32]);
    let engine = Engine::from_snapshot(&bytes[32..]).map_err(|e| bad(e.to_string()))?;
    if engine.state_hash() != *state_hash {
        return Err(bad("restored state does not match its state hash".into()));
    }
    Ok(Position {
        engine,
        chain: Chain::from_head(head),
        seq,
    })
}

/// Applies the records after `pos.seq` up to `to`, calling `each` with every applied record's
/// sequence number and events. With `verify`, every chain link is recomputed and compared, and
/// `check_hash(seq, engine)` runs after each record.
pub(crate) fn apply_records<S: Storage>(
    reader: &JournalReader<S>,
    pos: &mut Position,
    to: u64,
    verify: bool,
    mut each: impl FnMut(u64, &Engine, &[Event]),
    mut check_hash: impl FnMut(u64, &Engine) -> Result<(), DurableError>,
) -> Result<u64, DurableError> {
    let mut events = Vec::new();
    let mut scratch = Vec::new();
    let mut records = 0;
    let mut cursor = reader.cursor(pos.seq + 1);
    while let Some(r) = cursor.next_record()? {
        if r.seq > to {
            break;
        }
        if r.kind != KIND_COMMAND {
            return Err(DurableError::UnexpectedKind {
                seq: r.seq,
                kind: r.kind,
            });
        }
        let rec = record::decode(r.payload)
            .map_err(|source| DurableError::Record { seq: r.seq, source })?;
        events.clear();
        pos.engine.apply(&rec.command, rec.ts, &mut events);
        if verify {
            let cmd = &r.payload[record::HEADER_LEN..];
            if pos
                .chain
                .advance(r.seq, rec.ts.0, cmd, &events, &mut scratch)
                != rec.chain
            {
                return Err(DurableError::Diverged { seq: r.seq });
            }
            check_hash(r.seq, &pos.engine)?;
        } else {
            pos.chain = Chain::from_head(rec.chain);
        }
        pos.seq = r.seq;
        records += 1;
        each(r.seq, &pos.engine, &events);
    }
    Ok(records)
}

/// Replays the journal in `dir` read-only. `each` receives the sequence number, the engine and
/// the events of every record from `opts.from` on; `progress(done, total)` is called now and
/// then. A corrupt journal, a record that does not decode, or (with `verify`) a diverging digest
/// or snapshot hash is an error naming the sequence number.
pub fn replay<S: Storage + Clone>(
    storage: &S,
    dir: &Path,
    opts: &ReplayOptions,
    mut each: impl FnMut(u64, &Engine, &[Event]),
    mut progress: impl FnMut(u64, u64),
) -> Result<ReplaySummary, DurableError> {
    let reader = JournalReader::open(storage.clone(), dir)?;
    let to = opts.to.unwrap_or(u64::MAX).min(reader.last_seq());
    // Without --from, start at genesis so that every record is re-executed.
    let (mut pos, _) = start(
        storage,
        dir,
        &reader,
        opts.from.saturating_sub(1),
        opts.from > 1,
    )?;
    let started_after = if pos.seq == 1 { 0 } else { pos.seq };
    let hashes: Vec<(u64, String)> = if opts.verify {
        snapshot_hashes(storage, dir)?
            .into_iter()
            .map(|(seq, h)| (seq, hex(&h)))
            .collect()
    } else {
        Vec::new()
    };
    let total = to.saturating_sub(pos.seq);
    let first = pos.seq;
    let mut verified = 0u32;
    let mut events = 0u64;
    let records = apply_records(
        &reader,
        &mut pos,
        to,
        opts.verify,
        |seq, engine, evs| {
            if seq >= opts.from {
                events += evs.len() as u64;
                each(seq, engine, evs);
            }
            if (seq - first) % 65_536 == 0 {
                progress(seq - first, total);
            }
        },
        |seq, engine| {
            if let Some((_, expected)) = hashes.iter().find(|(s, _)| *s == seq) {
                let actual = hex(&engine.state_hash());
                if actual != *expected {
                    return Err(DurableError::SnapshotMismatch {
                        seq,
                        expected: expected.clone(),
                        actual,
                    });
                }
                verified += 1;
            }
            Ok(())
        },
    )?;
    progress(total, total);
    Ok(ReplaySummary {
        records,
        events,
        started_after,
        last_seq: pos.seq,
        state_hash: pos.engine.state_hash(),
        chain: pos.chain.head(),
        snapshots_verified: verified,
        torn_bytes: reader.report().truncated_bytes,
    })
}
