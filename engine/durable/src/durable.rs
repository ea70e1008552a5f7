//! The journaled engine: apply, journal, publish durability, snapshot from a replica, recover.

use crate::chain::Chain;
use crate::final_snapshot::{SnapshotStore, Store};
use crate::record::{self, KIND_COMMAND, KIND_GENESIS};
use crate::replay::{apply_records, start, Position};
use crate::snapshotter::{Feed, SnapshotPlan, Snapshotter};
use crate::DurableError;
use std::path::Path;
use std::thread::JoinHandle;
use std::time::Duration;
use tradestream_engine::{Engine, EngineConfig};
use tradestream_journal::snapshot::parse_snapshot_name;
use tradestream_journal::{
    DurableWatermark, Entry, FsyncPolicy, JournalConfig, JournalError, JournalReader,
    JournalSender, JournalThread, JournalWriter, PushError, RecordRef, SkippedSnapshot, Storage,
    ENTRY_MAX,
};
use tradestream_model::{Command, Event, Timestamp};

const _: () = assert!(
    record::MAX_PAYLOAD <= ENTRY_MAX,
    "a command record must fit a journal entry"
);

/// How the engine is journaled.
#[derive(Debug, Clone)]
pub struct DurableConfig {
    /// Limits of a new engine (a journal that exists keeps the limits of its genesis record).
    pub engine: EngineConfig,
    /// Journal location and sizes.
    pub journal: JournalConfig,
    /// When the journal syncs.
    pub fsync: FsyncPolicy,
    /// A snapshot every this many commands (0: none).
    pub snapshot_every: u64,
    /// Snapshots kept.
    pub keep_snapshots: usize,
    /// Touch the engine's pre-sized memory at start (servers: yes; short runs: no).
    pub prefault: bool,
}

/// What recovery found and did.
#[derive(Debug, Clone)]
pub struct Recovered {
    /// The snapshot recovery started from, if any.
    pub snapshot_seq: Option<u64>,
    /// Corrupt snapshots passed over.
    pub skipped_snapshots: Vec<SkippedSnapshot>,
    /// Journal records replayed after the starting point.
    pub replayed: u64,
    /// Bytes of a torn tail that were truncated.
    pub truncated_bytes: u64,
    /// Last sequence number in the journal.
    pub last_seq: u64,
    /// True when the journal was created now.
    pub created: bool,
}

/// The engine with every command journaled before anything it caused may leave the process.
pub struct DurableEngine {
    engine: Engine,
    chain: Chain,
    next_seq: u64,
    sender: Option<JournalSender>,
    watermark: DurableWatermark,
    thread: Option<JoinHandle<tradestream_journal::thread::ThreadResult>>,
    snapshots: Option<Snapshotter>,
    cmd: Vec<u8>,
    payload: Vec<u8>,
    scratch: Vec<u8>,
    /// Where [`DurableEngine::close_with_snapshot`] writes, and how many snapshots it keeps.
    store: Box<dyn SnapshotStore>,
    keep_snapshots: usize,
    /// Apply leaves waking the journal thread to the caller.
    deferred_wake: bool,
}

/// Removes, durably, the snapshots of records the journal no longer holds. Under
/// [`FsyncPolicy::Never`] a snapshot can reach the disk while the records it covers are lost in a
/// power cut; the journal then continues with different records under the same sequence
/// numbers, and a later recovery would start from that snapshot of a history that no longer
/// exists (and refuse to start, its chain not matching). This runs before anything new is
/// appended, so a cut in the middle just repeats it at the next open.
fn remove_snapshots_after<S: Storage>(
    storage: &S,
    dir: &Path,
    last_seq: u64,
) -> Result<(), DurableError> {
    let io = |op: &'static str, path: &Path, source: std::io::Error| {
        DurableError::Journal(JournalError::Io {
            op,
            path: path.to_path_buf(),
            source,
        })
    };
    let names = storage.list(dir).map_err(|e| io("list", dir, e))?;
    let mut removed = false;
    for name in names {
        if parse_snapshot_name(&name).is_some_and(|seq| seq > last_seq) {
            let path = dir.join(&name);
            storage.remove(&path).map_err(|e| io("remove", &path, e))?;
            removed = true;
        }
    }
    if removed {
        storage.sync_dir(dir).map_err(|e| io("sync_dir", dir, e))?;
    }
    Ok(())
}

impl DurableEngine {
    /// Opens (creating if needed) the journal in `config.journal.dir`, recovers the engine from
    /// the newest valid snapshot and the journal after it (verifying every digest), and starts
    /// the journal and snapshot threads.
    pub fn open<S>(
        storage: S,
        config: DurableConfig,
    ) -> Result<(DurableEngine, Recovered), DurableError>
    where
        S: Storage + Clone + Send + 'static,
        S::File: Send,
    {
        let dir = config.journal.dir.clone();
        let (mut writer, report) = JournalWriter::open(storage.clone(), config.journal.clone())?;
        remove_snapshots_after(&storage, &dir, writer.last_seq())?;
        let created = writer.last_seq() == 0;
        let (mut pos, skipped, replayed, snapshot_seq) = if created {
            let genesis = record::encode_genesis(&config.engine);
            writer.append_batch(&[RecordRef {
                seq: 1,
                kind: KIND_GENESIS,
                payload: &genesis,
            }])?;
            writer.sync()?;
            let pos = Position {
                engine: Engine::new(config.engine),
                chain: Chain::default(),
                seq: 1,
            };
            (pos, Vec::new(), 0, None)
        } else {
            let reader = JournalReader::open(storage.clone(), dir.clone())?;
            let (mut pos, skipped) = start(&storage, &dir, &reader, u64::MAX, true)?;
            let from = (pos.seq > 1).then_some(pos.seq);
            let replayed = apply_records(
                &reader,
                &mut pos,
                u64::MAX,
                true,
                |_, _, _| {},
                |_, _| Ok(()),
            )?;
            (pos, skipped, replayed, from)
        };
        let recovered = Recovered {
            snapshot_seq,
            skipped_snapshots: skipped,
            replayed,
            truncated_bytes: report.truncated_bytes,
            last_seq: pos.seq,
            created,
        };
        let (sender, watermark, thread) = JournalThread::spawn_writer(writer, config.fsync)?;
        debug_assert_eq!(sender.next_seq(), pos.seq + 1);
        let store: Box<dyn SnapshotStore> = Box::new(Store {
            storage: storage.clone(),
            dir: dir.clone(),
        });
        let snapshots = (config.snapshot_every > 0).then(|| {
            let mut bytes = Vec::new();
            pos.engine.write_snapshot(&mut bytes);
            let replica = Engine::from_snapshot(&bytes).expect("an engine's own snapshot decodes");
            let plan = SnapshotPlan {
                storage,
                dir,
                every: config.snapshot_every,
                keep: config.keep_snapshots,
            };
            Snapshotter::spawn(replica, plan, watermark.clone())
        });
        if config.prefault {
            pos.engine.prefault();
        }
        let engine = DurableEngine {
            engine: pos.engine,
            chain: pos.chain,
            next_seq: pos.seq + 1,
            sender: Some(sender),
            watermark,
            thread: Some(thread),
            snapshots,
            cmd: Vec::with_capacity(256),
            payload: Vec::with_capacity(ENTRY_MAX),
            scratch: Vec::with_capacity(4096),
            store,
            keep_snapshots: config.keep_snapshots,
            deferred_wake: false,
        };
        Ok((engine, recovered))
    }

    /// The engine (read-only: every change goes through [`DurableEngine::apply`]).
    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// Applies a command stamped `ts`, appending its events to `sink`, and journals it. Returns
    /// its sequence number; its events may leave the process once [`DurableEngine::durable_seq`]
    /// reaches it. Waits (never drops) while the journal ring is full. After a journal failure
    /// every call fails: the engine has halted.
    pub fn apply(
        &mut self,
        cmd: &Command,
        ts: Timestamp,
        sink: &mut Vec<Event>,
    ) -> Result<u64, DurableError> {
        if let Some(why) = self.watermark.failed() {
            return Err(DurableError::Halted(why));
        }
        let seq = self.next_seq;
        record::command_bytes(cmd, &mut self.cmd);
        let first = sink.len();
        self.engine.apply(cmd, ts, sink);
        let chain = self
            .chain
            .advance(seq, ts.0, &self.cmd, &sink[first..], &mut self.scratch);
        record::encode(ts, &chain, &self.cmd, &mut self.payload);
        let mut entry = Entry::new(seq, KIND_COMMAND, &self.payload)
            .map_err(|e| DurableError::Halted(e.to_string()))?;
        let sender = self
            .sender
            .as_mut()
            .ok_or_else(|| DurableError::Halted("closed".into()))?;
        loop {
            let pushed = if self.deferred_wake {
                sender.try_push_quiet(entry)
            } else {
                sender.try_push(entry)
            };
            match pushed {
                Ok(()) => break,
                Err(PushError::Full(e)) => {
                    entry = e;
                    sender.wake();
                    std::thread::yield_now();
                }
                Err(PushError::Halted(_)) => {
                    return Err(DurableError::Halted(
                        self.watermark
                            .failed()
                            .unwrap_or_else(|| "journal stopped".into()),
                    ))
                }
            }
        }
        if let Some(s) = self.snapshots.as_mut() {
            s.push(Feed {
                seq,
                ts,
                chain,
                command: *cmd,
            });
        }
        self.next_seq += 1;
        Ok(seq)
    }

    /// With `true`, [`DurableEngine::apply`] does not wake the journal thread for each command;
    /// the caller calls [`DurableEngine::wake_journal`] after each batch of commands (a runtime
    /// that first releases its outputs, then wakes the journal once).
    pub fn set_deferred_wake(&mut self, deferred: bool) {
        self.deferred_wake = deferred;
    }

    /// Wakes the journal thread if it is parked (see [`DurableEngine::set_deferred_wake`]).
    pub fn wake_journal(&self) {
        if let Some(s) = self.sender.as_ref() {
            s.wake();
        }
    }

    /// Sequence number of the last applied command.
    pub fn last_seq(&self) -> u64 {
        self.next_seq - 1
    }

    /// Everything at or below this sequence number is durable (per the fsync policy).
    pub fn durable_seq(&self) -> u64 {
        self.watermark.get()
    }

    /// Waits until `seq` is durable; fails if the journal failed (the engine has halted).
    pub fn wait_durable(&self, seq: u64) -> Result<(), DurableError> {
        loop {
            match self.watermark.wait_for(seq, Duration::from_secs(1)) {
                Ok(_) => return Ok(()),
                Err(tradestream_journal::WaitError::Failed(why)) => {
                    return Err(DurableError::Halted(why))
                }
                Err(_) => continue,
            }
        }
    }

    /// The watermark, for threads that release output.
    pub fn watermark(&self) -> DurableWatermark {
        self.watermark.clone()
    }

    /// Stops the threads after the journal has written (and, unless fsync is `never`, synced)
    /// everything, and the replica has written any snapshot that was due.
    pub fn close(mut self) -> Result<(), DurableError> {
        self.stop()
    }

    /// Closes as [`DurableEngine::close`] does, then writes a snapshot of the engine at the last
    /// sequence number ([`DurableEngine::last_seq`]) with the same file format, naming, chain
    /// prefix and retention (`keep_snapshots`) as the periodic snapshots, so the next open
    /// replays nothing. A journal that holds no command yet gets no snapshot (there is nothing to
    /// replay). Nothing is written if the journal failed: that error is returned instead.
    pub fn close_with_snapshot(mut self) -> Result<(), DurableError> {
        self.stop()?;
        if let Some(why) = self.watermark.failed() {
            return Err(DurableError::Halted(why));
        }
        let seq = self.last_seq();
        if seq <= 1 {
            return Ok(());
        }
        let mut bytes = Vec::with_capacity(1 << 16);
        bytes.extend_from_slice(&self.chain.head());
        self.engine.write_snapshot(&mut bytes);
        self.store
            .write(seq, self.engine.state_hash(), &bytes, self.keep_snapshots)?;
        Ok(())
    }

    /// Stops the journal thread (after it wrote and synced everything) and the replica.
    fn stop(&mut self) -> Result<(), DurableError> {
        drop(self.sender.take());
        let journal = match self.thread.take().map(|t| t.join()) {
            Some(Ok(Ok(_))) | None => Ok(()),
            Some(Ok(Err(e))) => Err(DurableError::Journal(e)),
            Some(Err(_)) => Err(DurableError::Halted("the journal thread panicked".into())),
        };
        let snaps = match self.snapshots.take() {
            Some(s) => s.finish().map_err(DurableError::Halted),
            None => Ok(()),
        };
        journal.and(snaps)
    }
}
