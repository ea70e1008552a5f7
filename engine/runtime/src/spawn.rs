//! Starting and stopping the engine thread.

use crate::balances::Touched;
use crate::port::GatewayPort;
use crate::release::ReleaseQueue;
use crate::sequencer::{EngineSide, Sequencer};
use crate::{Idle, Metrics, Wake};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use tradestream_durable::DurableEngine;

/// When answers and stream messages may leave the process.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AckMode {
    /// Once the journal's durable watermark covers the command (nothing seen can be undone).
    Durable,
    /// At once after the engine applied the command (a crash may lose what was acknowledged).
    Fast,
}

/// How the engine thread runs.
#[derive(Debug, Clone)]
pub struct RuntimeConfig {
    /// Idle strategy.
    pub idle: Idle,
    /// Core to pin the engine thread to (`None`: not pinned).
    pub core: Option<usize>,
    /// Durable or fast acknowledgements.
    pub ack: AckMode,
    /// Slots of each gateway's inbound ring.
    pub inbound_capacity: usize,
    /// Slots of each gateway's outbound ring.
    pub outbound_capacity: usize,
    /// Slots of the release queue (items waiting for durability).
    pub release_capacity: usize,
}

impl Default for RuntimeConfig {
    fn default() -> Self {
        RuntimeConfig {
            idle: Idle::for_cores(std::thread::available_parallelism().map_or(1, |n| n.get())),
            core: None,
            ack: AckMode::Durable,
            inbound_capacity: 16_384,
            outbound_capacity: 65_536,
            release_capacity: 131_072,
        }
    }
}

/// What the engine thread reports when it stops.
#[derive(Debug, Clone)]
pub struct StopReport {
    /// Sequence number of the last command.
    pub last_seq: u64,
    /// Whether a final snapshot was written.
    pub snapshot: bool,
}

/// Controls the running engine thread.
pub struct RuntimeHandle {
    stop: Arc<AtomicBool>,
    stopping: Arc<AtomicBool>,
    thread: JoinHandle<(DurableEngine, Option<String>)>,
    metrics: Arc<Metrics>,
    pinned: Option<usize>,
}

/// Starts the engine thread around a recovered engine with one port per gateway; `wakers[i]`
/// is called when gateway `i` has items to poll.
pub fn spawn(
    engine: DurableEngine,
    config: RuntimeConfig,
    wakers: Vec<Arc<dyn Wake>>,
) -> std::io::Result<(RuntimeHandle, Vec<GatewayPort>)> {
    let metrics = Arc::new(Metrics::new(wakers.len()));
    metrics.last_seq.store(engine.last_seq(), Ordering::Relaxed);
    let stop = Arc::new(AtomicBool::new(false));
    let stopping = Arc::new(AtomicBool::new(false));
    let watermark = engine.watermark();
    let mut sides = Vec::with_capacity(wakers.len());
    let mut ends = Vec::with_capacity(wakers.len());
    for waker in wakers {
        let (in_tx, in_rx) = rtrb::RingBuffer::new(config.inbound_capacity);
        let (out_tx, out_rx) = rtrb::RingBuffer::new(config.outbound_capacity);
        sides.push(EngineSide {
            inbound: in_rx,
            outbound: out_tx,
            waker,
        });
        ends.push((in_tx, out_rx));
    }
    let events = engine.engine().max_events_per_command().min(1 << 16);
    let pinned = config.core.and_then(|c| {
        let ids = core_affinity::get_core_ids().unwrap_or_default();
        ids.into_iter().find(|id| id.id == c).map(|id| id.id)
    });
    let woken = vec![false; sides.len()];
    let mut engine = engine;
    engine.set_deferred_wake(true);
    let seq = Sequencer {
        last_ts: engine.engine().clock().0,
        engine,
        sides,
        queue: ReleaseQueue::with_capacity(config.release_capacity),
        events: Vec::with_capacity(events),
        touched: Touched::with_capacity(256),
        ack: config.ack,
        idle: config.idle,
        metrics: metrics.clone(),
        stop: stop.clone(),
        watermark: watermark.clone(),
        halted: None,
        next_ring: 0,
        woken,
    };
    let thread = std::thread::Builder::new()
        .name("engine".into())
        .spawn(move || {
            if let Some(core) = pinned {
                core_affinity::set_for_current(core_affinity::CoreId { id: core });
            }
            seq.run()
        })?;
    watermark.wake_on_advance(thread.thread().clone());
    let ports = ends
        .into_iter()
        .enumerate()
        .map(|(i, (inbound, outbound))| GatewayPort {
            id: i as u16,
            inbound,
            outbound,
            engine: thread.thread().clone(),
            stopping: stopping.clone(),
            metrics: metrics.clone(),
        })
        .collect();
    let handle = RuntimeHandle {
        stop,
        stopping,
        thread,
        metrics,
        pinned,
    };
    Ok((handle, ports))
}

impl RuntimeHandle {
    /// The shared metrics.
    pub fn metrics(&self) -> &Arc<Metrics> {
        &self.metrics
    }

    /// The core the engine thread is pinned to, if pinning succeeded.
    pub fn pinned_core(&self) -> Option<usize> {
        self.pinned
    }

    /// From now on gateways' submits fail with [`crate::SubmitError::Stopped`].
    pub fn stop_accepting(&self) {
        self.stopping.store(true, Ordering::Release);
    }

    /// Stops the engine thread: it applies what is already in the rings, waits until all of it
    /// is durable and released to the gateways, then the journal is synced and closed and, with
    /// `snapshot`, a final snapshot is written so a restart replays nothing.
    pub fn stop(self, snapshot: bool) -> Result<StopReport, String> {
        self.stop_accepting();
        self.stop.store(true, Ordering::Release);
        self.thread.thread().unpark();
        let (engine, halted) = self
            .thread
            .join()
            .map_err(|_| "the engine thread panicked".to_string())?;
        let last_seq = engine.last_seq();
        if let Some(why) = halted {
            let _ = engine.close();
            return Err(format!("the engine had halted: {why}"));
        }
        let result = if snapshot {
            engine.close_with_snapshot()
        } else {
            engine.close()
        };
        result.map_err(|e| e.to_string())?;
        Ok(StopReport { last_seq, snapshot })
    }
}
