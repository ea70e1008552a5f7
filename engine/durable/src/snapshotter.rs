//! Snapshots without stalling matching: a replica engine on its own thread receives every
//! journaled command through a lock-free ring, applies it, and every `every` commands writes a
//! snapshot of its own state, once the journal's durable watermark covers that sequence number
//! (a snapshot is never ahead of the durable journal). The engine thread only copies each command
//! into the ring; the replica pays for serialising and writing. Chosen over copy-on-write because
//! the engine's arena and books stay plain vectors, and over tailing the journal files because
//! the ring needs no file reads.

use crate::chain::Digest;
use std::path::PathBuf;
use std::thread::JoinHandle;
use std::time::Duration;
use tradestream_engine::Engine;
use tradestream_journal::{write_snapshot, DurableWatermark, Storage};
use tradestream_model::{Command, Event, Timestamp};

/// One journaled command, as the replica receives it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Feed {
    pub seq: u64,
    pub ts: Timestamp,
    pub chain: Digest,
    pub command: Command,
}

/// The engine thread's end: pushes every journaled command.
pub(crate) struct Snapshotter {
    producer: rtrb::Producer<Feed>,
    thread: Option<JoinHandle<Result<(), String>>>,
}

/// Where and how often snapshots are written.
#[derive(Debug, Clone)]
pub(crate) struct SnapshotPlan<S> {
    pub storage: S,
    pub dir: PathBuf,
    pub every: u64,
    pub keep: usize,
}

impl Snapshotter {
    /// Starts the replica from `replica` (a copy of the engine at its current sequence number).
    pub fn spawn<S>(
        replica: Engine,
        plan: SnapshotPlan<S>,
        watermark: DurableWatermark,
    ) -> Snapshotter
    where
        S: Storage + Send + 'static,
    {
        let (producer, consumer) = rtrb::RingBuffer::new(1 << 14);
        let thread = std::thread::Builder::new()
            .name("snapshotter".into())
            .spawn(move || run(replica, consumer, plan, watermark))
            .ok();
        Snapshotter { producer, thread }
    }

    /// Hands one journaled command to the replica, waiting while its ring is full.
    pub fn push(&mut self, mut feed: Feed) {
        loop {
            match self.producer.push(feed) {
                Ok(()) => return,
                Err(rtrb::PushError::Full(f)) => {
                    if self.producer.is_abandoned() {
                        return;
                    }
                    feed = f;
                    std::thread::yield_now();
                }
            }
        }
    }

    /// Stops the replica after it has applied everything pushed (and written any snapshot due).
    pub fn finish(mut self) -> Result<(), String> {
        let thread = self.thread.take();
        drop(self);
        match thread {
            Some(t) => t
                .join()
                .map_err(|_| "the snapshot thread panicked".to_string())?,
            None => Err("the snapshot thread could not be started".into()),
        }
    }
}

fn run<S: Storage>(
    mut replica: Engine,
    mut consumer: rtrb::Consumer<Feed>,
    plan: SnapshotPlan<S>,
    watermark: DurableWatermark,
) -> Result<(), String> {
    let mut events: Vec<Event> = Vec::new();
    let mut bytes = Vec::new();
    loop {
        let feed = match consumer.pop() {
            Ok(f) => f,
            Err(_) if consumer.is_abandoned() => return Ok(()),
            Err(_) => {
                // The replica may lag: it only has to keep up on average (the ring holds 16,384
                // commands), and waking often would take CPU from the engine on small machines.
                std::thread::sleep(Duration::from_millis(2));
                continue;
            }
        };
        events.clear();
        replica.apply(&feed.command, feed.ts, &mut events);
        if plan.every > 0 && feed.seq % plan.every == 0 {
            // Never ahead of the durable journal.
            loop {
                match watermark.wait_for(feed.seq, Duration::from_millis(100)) {
                    Ok(_) => break,
                    Err(tradestream_journal::WaitError::Failed(why)) => return Err(why),
                    Err(_) if consumer.is_abandoned() && watermark.get() < feed.seq => {
                        // Shutting down with this sequence not durable: no snapshot.
                        return Ok(());
                    }
                    Err(_) => {}
                }
            }
            bytes.clear();
            bytes.extend_from_slice(&feed.chain);
            replica.write_snapshot(&mut bytes);
            write_snapshot(
                &plan.storage,
                &plan.dir,
                feed.seq,
                replica.state_hash(),
                &bytes,
                plan.keep,
            )
            .map_err(|e| e.to_string())?;
        }
    }
}
