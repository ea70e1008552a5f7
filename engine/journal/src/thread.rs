//! The journal thread: drains the engine's ring, group-commits, publishes the durable watermark.
//!
//! The engine thread owns a [`JournalSender`] (the producer end of a bounded `rtrb` SPSC ring
//! of fixed-size [`Entry`] values, so pushing never allocates). When the ring is full
//! [`JournalSender::try_push`] hands the entry back: the engine stops taking new commands
//! (backpressure), nothing is dropped.
//!
//! The journal thread loops: take everything in the ring, encode it as one batch (or several
//! if it exceeds `max_batch_bytes`), write, and sync as the [`FsyncPolicy`] says: one write and
//! one sync for everything drained so far (group commit). Only after the sync returns does it
//! publish the durable sequence number in [`DurableWatermark`]. Under [`FsyncPolicy::Never`]
//! it publishes after the write instead (survives a process crash, not a power cut).
//!
//! On any write or sync error the thread records the error, raises the `failed` flag,
//! publishes nothing more and exits: an fsync error halts the engine. When the sender is
//! dropped the thread drains the ring, syncs (unless the policy is `Never`) and exits.
//!
//! Idle strategy, for machines with few cores: spin `idle_spins` empty polls, then park with
//! `park_timeout` (the sender unparks the thread when it pushes to a parked consumer).

use std::fmt;
use std::sync::atomic::{fence, AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::thread::{self, JoinHandle, Thread};
use std::time::{Duration, Instant};

use crate::batch::RecordRef;
use crate::config::{FsyncPolicy, JournalConfig};
use crate::error::{JournalError, Result};
use crate::storage::Storage;
use crate::writer::{JournalWriter, Staged, WriterCounters};

/// Largest payload an [`Entry`] carries. Engine commands and event digests are small fixed
/// layouts; 256 bytes leaves room for the largest command with its digest. A payload that
/// does not fit is refused by [`Entry::new`]: larger records are not supported on this path.
pub const ENTRY_MAX: usize = 256;

/// One journal record in the ring: a fixed-size `Copy` value, so the ring never allocates.
#[derive(Clone, Copy)]
pub struct Entry {
    seq: u64,
    kind: u8,
    len: u16,
    bytes: [u8; ENTRY_MAX],
}

/// The payload was larger than [`ENTRY_MAX`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error(
    "journal entry payload of {0} bytes exceeds ENTRY_MAX ({ENTRY_MAX}); encode the command \
     more compactly"
)]
pub struct EntryTooLarge(pub usize);

impl Entry {
    /// An entry for record `seq` of type `kind`.
    pub fn new(seq: u64, kind: u8, payload: &[u8]) -> Result<Entry, EntryTooLarge> {
        if payload.len() > ENTRY_MAX {
            return Err(EntryTooLarge(payload.len()));
        }
        let mut bytes = [0u8; ENTRY_MAX];
        bytes[..payload.len()].copy_from_slice(payload);
        Ok(Entry {
            seq,
            kind,
            len: payload.len() as u16,
            bytes,
        })
    }

    /// The record's sequence number.
    pub fn seq(&self) -> u64 {
        self.seq
    }

    /// The record's type.
    pub fn kind(&self) -> u8 {
        self.kind
    }

    /// The payload bytes.
    pub fn payload(&self) -> &[u8] {
        &self.bytes[..usize::from(self.len)]
    }

    fn as_record(&self) -> RecordRef<'_> {
        RecordRef {
            seq: self.seq,
            kind: self.kind,
            payload: self.payload(),
        }
    }
}

impl fmt::Debug for Entry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Entry")
            .field("seq", &self.seq)
            .field("kind", &self.kind)
            .field("len", &self.len)
            .finish()
    }
}

/// Why [`JournalSender::try_push`] gave the entry back.
#[derive(Debug, Clone, Copy)]
pub enum PushError {
    /// The ring is full: apply backpressure and push the same entry again later.
    Full(Entry),
    /// The journal thread failed; see [`DurableWatermark::failed`]. Halt the engine.
    Halted(Entry),
}

impl PushError {
    /// The entry that was not pushed.
    pub fn into_entry(self) -> Entry {
        match self {
            PushError::Full(e) | PushError::Halted(e) => e,
        }
    }
}

#[derive(Debug, Default)]
struct Shared {
    durable: AtomicU64,
    failed: AtomicBool,
    error: Mutex<Option<String>>,
    consumer_parked: AtomicBool,
    /// A thread to unpark whenever the watermark moves or the journal fails.
    waiter: OnceLock<Thread>,
}

impl Shared {
    fn fail(&self, err: &JournalError) {
        *self.error.lock().unwrap_or_else(|p| p.into_inner()) = Some(err.to_string());
        self.failed.store(true, Ordering::Release);
        self.wake();
    }

    fn wake(&self) {
        if let Some(t) = self.waiter.get() {
            t.unpark();
        }
    }
}

/// The engine's end of the journal ring.
pub struct JournalSender {
    producer: rtrb::Producer<Entry>,
    shared: Arc<Shared>,
    thread: Thread,
    next_seq: u64,
}

impl fmt::Debug for JournalSender {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JournalSender")
            .field("next_seq", &self.next_seq)
            .finish()
    }
}

impl JournalSender {
    /// Pushes an entry without blocking or allocating. On a full ring the entry comes back
    /// in [`PushError::Full`]; after a journal failure in [`PushError::Halted`].
    // Handing the entry back by value (as rtrb's own `push` does) is the point: no
    // allocation, and the engine retries the very same entry.
    #[allow(clippy::result_large_err)]
    pub fn try_push(&mut self, entry: Entry) -> Result<(), PushError> {
        self.try_push_quiet(entry)?;
        self.wake();
        Ok(())
    }

    /// As [`JournalSender::try_push`] without waking the journal thread: the caller calls
    /// [`JournalSender::wake`] after a batch of pushes (one wake-up per batch instead of one
    /// per entry; until then a parked journal thread sleeps at most its park timeout).
    #[allow(clippy::result_large_err)]
    pub fn try_push_quiet(&mut self, entry: Entry) -> Result<(), PushError> {
        if self.shared.failed.load(Ordering::Acquire) {
            return Err(PushError::Halted(entry));
        }
        match self.producer.push(entry) {
            Ok(()) => {
                self.next_seq = entry.seq + 1;
                Ok(())
            }
            Err(rtrb::PushError::Full(e)) => Err(PushError::Full(e)),
        }
    }

    /// Wakes the journal thread if it is parked.
    pub fn wake(&self) {
        // Pairs with the fence in the consumer: either it sees our entries before it parks,
        // or we see its parked flag and wake it.
        fence(Ordering::SeqCst);
        if self.shared.consumer_parked.load(Ordering::Relaxed) {
            self.thread.unpark();
        }
    }

    /// The sequence number the journal expects next (recovered `last_seq + 1` at spawn, then
    /// one past the last pushed entry).
    pub fn next_seq(&self) -> u64 {
        self.next_seq
    }

    /// Free slots in the ring.
    pub fn free_slots(&self) -> usize {
        self.producer.slots()
    }

    /// The journal thread's error, if it failed.
    pub fn failed(&self) -> Option<String> {
        failed(&self.shared)
    }
}

fn failed(shared: &Shared) -> Option<String> {
    if !shared.failed.load(Ordering::Acquire) {
        return None;
    }
    let msg = shared
        .error
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .clone();
    Some(msg.unwrap_or_else(|| "journal thread failed".into()))
}

/// Why [`DurableWatermark::wait_for`] returned without reaching the sequence number.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WaitError {
    /// The timeout passed first.
    #[error("timed out waiting for seq {wanted} to become durable (durable: {durable})")]
    Timeout {
        /// The sequence number waited for.
        wanted: u64,
        /// The watermark when the wait gave up.
        durable: u64,
    },
    /// The journal thread failed.
    #[error("the journal thread failed: {0}")]
    Failed(String),
}

/// The published durable sequence number: everything at or below it is durable (under
/// [`FsyncPolicy::Never`]: written). Cheap to clone and read from any thread.
#[derive(Debug, Clone)]
pub struct DurableWatermark {
    shared: Arc<Shared>,
}

impl DurableWatermark {
    /// The current watermark (0 before anything is durable in a new journal).
    pub fn get(&self) -> u64 {
        self.shared.durable.load(Ordering::Acquire)
    }

    /// The journal thread's error, if it failed. The watermark no longer moves after that.
    pub fn failed(&self) -> Option<String> {
        failed(&self.shared)
    }

    /// Registers the thread to unpark each time the watermark moves or the journal fails, so a
    /// thread that releases output can park instead of polling. One thread per journal; returns
    /// false if one was registered already.
    pub fn wake_on_advance(&self, thread: Thread) -> bool {
        self.shared.waiter.set(thread).is_ok()
    }

    /// Blocks until the watermark reaches `seq`, the thread fails, or `timeout` passes.
    /// Spins briefly, then parks in short naps (meant for tests and tools, not the engine).
    pub fn wait_for(&self, seq: u64, timeout: Duration) -> Result<u64, WaitError> {
        let start = Instant::now();
        let mut spins = 0u32;
        loop {
            let durable = self.get();
            if durable >= seq {
                return Ok(durable);
            }
            if let Some(msg) = self.failed() {
                return Err(WaitError::Failed(msg));
            }
            if start.elapsed() >= timeout {
                return Err(WaitError::Timeout {
                    wanted: seq,
                    durable,
                });
            }
            if spins < 100 {
                spins += 1;
                std::hint::spin_loop();
            } else {
                thread::park_timeout(Duration::from_micros(100));
            }
        }
    }
}

/// Spawns the journal thread.
#[derive(Debug)]
pub struct JournalThread;

/// What the journal thread's [`JoinHandle`] returns: its counters, or the error that stopped it.
pub type ThreadResult = Result<WriterCounters>;

impl JournalThread {
    /// Opens and recovers the journal on the calling thread, then starts the writer thread.
    /// The sender's [`JournalSender::next_seq`] tells the engine where the journal continues.
    pub fn spawn<S>(
        storage: S,
        config: JournalConfig,
        policy: FsyncPolicy,
    ) -> Result<(JournalSender, DurableWatermark, JoinHandle<ThreadResult>)>
    where
        S: Storage + Send + 'static,
        S::File: Send,
    {
        let (writer, _report) = JournalWriter::open(storage, config)?;
        Self::spawn_writer(writer, policy)
    }

    /// Starts the writer thread around an already opened writer (use this to keep the
    /// [`crate::RecoveryReport`] from [`JournalWriter::open`]).
    pub fn spawn_writer<S>(
        writer: JournalWriter<S>,
        policy: FsyncPolicy,
    ) -> Result<(JournalSender, DurableWatermark, JoinHandle<ThreadResult>)>
    where
        S: Storage + Send + 'static,
        S::File: Send,
    {
        if let Some(why) = writer.halted() {
            return Err(JournalError::Halted(why.to_owned()));
        }
        let (producer, consumer) = rtrb::RingBuffer::new(writer.config().ring_capacity);
        let shared = Arc::new(Shared::default());
        shared
            .durable
            .store(writer.durable_seq(), Ordering::Release);
        let next_seq = writer.next_seq();
        let worker = Worker {
            writer,
            consumer,
            shared: shared.clone(),
            policy,
        };
        let handle = thread::Builder::new()
            .name("journal".into())
            .spawn(move || worker.run())
            .map_err(|e| JournalError::io("spawn", "journal thread", e))?;
        let sender = JournalSender {
            producer,
            shared: shared.clone(),
            thread: handle.thread().clone(),
            next_seq,
        };
        Ok((sender, DurableWatermark { shared }, handle))
    }
}

struct Worker<S: Storage> {
    writer: JournalWriter<S>,
    consumer: rtrb::Consumer<Entry>,
    shared: Arc<Shared>,
    policy: FsyncPolicy,
}

impl<S: Storage> Worker<S> {
    fn run(mut self) -> ThreadResult {
        match self.run_loop() {
            Ok(()) => Ok(self.writer.counters()),
            Err(e) => {
                self.shared.fail(&e);
                Err(e)
            }
        }
    }

    fn run_loop(&mut self) -> Result<()> {
        let mut unsynced_records = 0usize;
        let mut oldest_unsynced: Option<Instant> = None;
        let mut idle = 0u32;
        loop {
            let drained = self.drain()?;
            if drained > 0 {
                idle = 0;
                unsynced_records += drained;
                oldest_unsynced.get_or_insert_with(Instant::now);
            }
            let due = match self.policy {
                FsyncPolicy::Always => unsynced_records > 0,
                FsyncPolicy::Batch { records, micros } => {
                    unsynced_records > 0
                        && (unsynced_records >= records
                            || oldest_unsynced
                                .is_some_and(|t| t.elapsed() >= Duration::from_micros(micros)))
                }
                FsyncPolicy::Never => {
                    if drained > 0 {
                        self.publish(self.writer.last_seq());
                    }
                    false
                }
            };
            if due {
                let durable = self.writer.sync()?;
                self.publish(durable);
                unsynced_records = 0;
                oldest_unsynced = None;
            }
            if drained > 0 {
                continue;
            }
            if self.consumer.is_abandoned() && self.consumer.is_empty() {
                if self.policy != FsyncPolicy::Never {
                    let durable = self.writer.sync()?;
                    self.publish(durable);
                }
                return Ok(());
            }
            self.idle(&mut idle, oldest_unsynced);
        }
    }

    /// Moves everything in the ring into batches and writes them. Returns the record count.
    fn drain(&mut self) -> Result<usize> {
        let n = self.consumer.slots();
        if n == 0 {
            return Ok(0);
        }
        let chunk = match self.consumer.read_chunk(n) {
            Ok(c) => c,
            Err(_) => return Ok(0),
        };
        let (a, b) = chunk.as_slices();
        for entry in a.iter().chain(b) {
            if self.writer.stage(entry.as_record())? == Staged::BatchFull {
                self.writer.write_staged()?;
                if self.writer.stage(entry.as_record())? == Staged::BatchFull {
                    return Err(JournalError::BatchTooLarge {
                        bytes: entry.payload().len() as u64,
                        max: self.writer.config().max_batch_bytes as u64,
                    });
                }
            }
        }
        chunk.commit_all();
        self.writer.write_staged()?;
        Ok(n)
    }

    fn publish(&self, seq: u64) {
        self.shared.durable.store(seq, Ordering::Release);
        self.shared.wake();
    }

    fn idle(&self, idle: &mut u32, oldest_unsynced: Option<Instant>) {
        let config = self.writer.config();
        if *idle < config.idle_spins {
            *idle += 1;
            std::hint::spin_loop();
            return;
        }
        let mut nap = config.park_timeout;
        if let (FsyncPolicy::Batch { micros, .. }, Some(t)) = (self.policy, oldest_unsynced) {
            let left = Duration::from_micros(micros).saturating_sub(t.elapsed());
            nap = nap.min(left);
        }
        self.shared.consumer_parked.store(true, Ordering::Relaxed);
        fence(Ordering::SeqCst);
        if self.consumer.is_empty() && !nap.is_zero() {
            thread::park_timeout(nap);
        }
        self.shared.consumer_parked.store(false, Ordering::Relaxed);
    }
}
