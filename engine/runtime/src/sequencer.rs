//! The engine thread's loop: drain inbound rings round-robin, stamp, apply, journal, queue what
//! each command caused, release it when durable, idle when there is nothing to do.

use crate::balances::Touched;
use crate::release::ReleaseQueue;
use crate::{
    mono_ns, wall_ms, AckMode, DoneKind, Idle, Inbound, Metrics, Origin, Out, Output, Request, Wake,
};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};
use tradestream_durable::{DurableEngine, DurableError};
use tradestream_journal::DurableWatermark;
use tradestream_model::{AccountId, Command, Event, TimeInForce, Timestamp};

/// Requests taken from one ring before moving to the next.
const BATCH: usize = 64;

/// The engine thread's end of one gateway.
pub(crate) struct EngineSide {
    pub inbound: rtrb::Consumer<Inbound>,
    pub outbound: rtrb::Producer<Out>,
    pub waker: Arc<dyn Wake>,
}

/// Everything the engine thread owns.
pub(crate) struct Sequencer {
    pub engine: DurableEngine,
    pub sides: Vec<EngineSide>,
    pub queue: ReleaseQueue,
    pub events: Vec<Event>,
    pub touched: Touched,
    pub ack: AckMode,
    pub idle: Idle,
    pub metrics: Arc<Metrics>,
    pub stop: Arc<AtomicBool>,
    pub watermark: DurableWatermark,
    pub halted: Option<String>,
    pub next_ring: usize,
    pub last_ts: i64,
    pub woken: Vec<bool>,
}

impl Sequencer {
    /// Runs until stopped; then drains every ring, waits until everything is durable and
    /// released, and returns the engine for closing.
    pub fn run(mut self) -> (DurableEngine, Option<String>) {
        let mut idle_since: Option<Instant> = None;
        loop {
            let mut busy = self.release();
            let now = self.now();
            busy |= self.expire(now);
            busy |= self.drain(now);
            if self.ack == AckMode::Fast {
                busy |= self.release();
            }
            self.wake_gateways();
            // One journal wake-up per batch, after the gateways were woken.
            self.engine.wake_journal();
            self.publish_gauges();
            if self.stop.load(Ordering::Acquire) && !busy && self.inbound_empty() {
                break;
            }
            if busy {
                idle_since = None;
            } else {
                self.idle(idle_since.get_or_insert_with(Instant::now));
            }
        }
        self.finish();
        (self.engine, self.halted)
    }

    /// The sequencer stamp: wall-clock milliseconds, never behind the previous stamp or the
    /// engine clock (a wall clock that steps back does not move engine time back).
    fn now(&mut self) -> i64 {
        let now = wall_ms()
            .max(self.last_ts)
            .max(self.engine.engine().clock().0);
        self.last_ts = now;
        now
    }

    /// Injects a `time` command when a GTD expiry is due.
    fn expire(&mut self, now: i64) -> bool {
        match self.engine.engine().next_expiry() {
            Some(t) if t.0 <= now && self.halted.is_none() && self.queue.has_room() => {
                self.apply(None, Command::Time { ts: Timestamp(now) }, now, mono_ns());
                true
            }
            _ => false,
        }
    }

    /// True when `cmd` is a GTD order and the engine clock (moved only by `time` commands) is
    /// behind the sequencer's stamp: a journaled `time` command goes first, so the expiry is
    /// checked against the current time, not the time of the last expiry.
    fn clock_behind(&self, cmd: &Command, now: i64) -> bool {
        matches!(cmd, Command::New(o) if matches!(o.tif, TimeInForce::Gtd(_)))
            && self.engine.engine().clock().0 < now
    }

    /// Takes up to [`BATCH`] requests from each ring in turn, while the release queue has room.
    fn drain(&mut self, now: i64) -> bool {
        let n = self.sides.len();
        let mut any = false;
        for k in 0..n {
            let i = (self.next_ring + k) % n;
            for _ in 0..BATCH {
                if !self.queue.has_room() {
                    return any;
                }
                let Ok(item) = self.sides[i].inbound.pop() else {
                    break;
                };
                any = true;
                match item.request {
                    Request::Command(cmd) => {
                        if self.clock_behind(&cmd, now) {
                            let time = Command::Time { ts: Timestamp(now) };
                            self.apply(None, time, now, item.received_ns);
                        }
                        self.apply(Some(item.origin), cmd, now, item.received_ns)
                    }
                    Request::AccountSnapshot(account) => {
                        self.snapshot(item.origin, account, item.received_ns)
                    }
                }
            }
        }
        self.next_ring = (self.next_ring + 1) % n.max(1);
        any
    }

    /// Applies and journals one command and queues its outputs.
    fn apply(&mut self, origin: Option<Origin>, cmd: Command, now: i64, received_ns: u64) {
        let ts = Timestamp(now);
        if self.halted.is_some() {
            self.refuse_halted(origin, ts, received_ns);
            return;
        }
        let start = mono_ns();
        self.metrics
            .queue_wait
            .record(start.saturating_sub(received_ns));
        self.events.clear();
        let seq = match self.engine.apply(&cmd, ts, &mut self.events) {
            Ok(seq) => seq,
            Err(e) => {
                self.halt(e);
                self.refuse_halted(origin, ts, received_ns);
                return;
            }
        };
        self.metrics.apply.record(mono_ns().saturating_sub(start));
        self.count_events();
        for ev in &self.events {
            self.queue.push(Out {
                seq,
                ts,
                origin,
                received_ns,
                output: Output::Event(*ev),
            });
        }
        let engine = self.engine.engine();
        for &(account, asset) in self.touched.collect(engine, &cmd, &self.events) {
            let name = engine.asset_names()[asset.0 as usize];
            let balance = engine.balance(account, asset);
            self.queue.push(Out {
                seq,
                ts,
                origin,
                received_ns,
                output: Output::Balance {
                    account,
                    asset: name,
                    balance,
                },
            });
        }
        self.queue.push(Out {
            seq,
            ts,
            origin,
            received_ns,
            output: Output::Done(DoneKind::Applied),
        });
        self.metrics.last_seq.store(seq, Ordering::Relaxed);
    }

    /// Counts the command's events in the metrics.
    fn count_events(&self) {
        let m = &self.metrics;
        m.commands.fetch_add(1, Ordering::Relaxed);
        m.events
            .fetch_add(self.events.len() as u64, Ordering::Relaxed);
        for ev in &self.events {
            match ev {
                Event::Rejected { reason, .. } => m.reject(*reason),
                Event::Trade { .. } => {
                    m.trades.fetch_add(1, Ordering::Relaxed);
                }
                _ => {}
            }
        }
    }

    /// Answers a request `halted`: the engine stopped after a journal failure.
    fn refuse_halted(&mut self, origin: Option<Origin>, ts: Timestamp, received_ns: u64) {
        self.queue.push(Out {
            seq: 0,
            ts,
            origin,
            received_ns,
            output: Output::Done(DoneKind::Halted),
        });
    }

    /// Queues an account's open orders and balances as of the last applied command.
    fn snapshot(&mut self, origin: Origin, account: AccountId, received_ns: u64) {
        let seq = self.engine.last_seq();
        let ts = Timestamp(self.last_ts);
        let origin = Some(origin);
        if self.halted.is_some() {
            self.refuse_halted(origin, ts, received_ns);
            return;
        }
        let engine = self.engine.engine();
        for order in engine.account_orders(account) {
            self.queue.push(Out {
                seq,
                ts,
                origin,
                received_ns,
                output: Output::Order(order),
            });
        }
        for (asset, balance) in engine.account_balances(account) {
            self.queue.push(Out {
                seq,
                ts,
                origin,
                received_ns,
                output: Output::Balance {
                    account,
                    asset,
                    balance,
                },
            });
        }
        self.queue.push(Out {
            seq,
            ts,
            origin,
            received_ns,
            output: Output::Done(DoneKind::Snapshot),
        });
        self.metrics.snapshots.fetch_add(1, Ordering::Relaxed);
    }

    fn halt(&mut self, e: DurableError) {
        let why = e.to_string();
        self.metrics.halted.store(true, Ordering::Relaxed);
        self.queue.halt(self.watermark.get());
        self.halted = Some(why);
    }

    /// Moves releasable items to every gateway's outbound ring.
    fn release(&mut self) -> bool {
        if self.queue.is_empty() {
            return false;
        }
        if self.halted.is_none() {
            if let Some(why) = self.watermark.failed() {
                self.halt(DurableError::Halted(why));
            }
        }
        let durable = match self.ack {
            AckMode::Fast => u64::MAX,
            AckMode::Durable => self.watermark.get(),
        };
        let room = self
            .sides
            .iter()
            .map(|s| s.outbound.slots())
            .min()
            .unwrap_or(usize::MAX);
        let sides = &mut self.sides;
        let woken = &mut self.woken;
        let metrics = &self.metrics;
        let n = self.queue.release(durable, room, |out| {
            if matches!(out.output, Output::Done(DoneKind::Applied)) && out.origin.is_some() {
                metrics
                    .release
                    .record(mono_ns().saturating_sub(out.received_ns));
            }
            for (i, side) in sides.iter_mut().enumerate() {
                // Room was checked above: every ring has at least `room` free slots.
                let _ = side.outbound.push(out);
                woken[i] = true;
            }
        });
        n > 0
    }

    fn wake_gateways(&mut self) {
        for (side, woken) in self.sides.iter().zip(self.woken.iter_mut()) {
            if *woken {
                side.waker.wake();
                *woken = false;
            }
        }
    }

    fn publish_gauges(&self) {
        let m = &self.metrics;
        m.durable_seq.store(self.watermark.get(), Ordering::Relaxed);
        m.release_queue
            .store(self.queue.len() as u64, Ordering::Relaxed);
        for (i, side) in self.sides.iter().enumerate() {
            m.inbound_depth[i].store(side.inbound.slots() as u64, Ordering::Relaxed);
            m.outbound_depth[i].store(
                (side.outbound.buffer().capacity() - side.outbound.slots()) as u64,
                Ordering::Relaxed,
            );
        }
    }

    fn inbound_empty(&self) -> bool {
        self.sides.iter().all(|s| s.inbound.is_empty())
    }

    /// Nothing to do: spin, then park until a gateway or the journal wakes this thread.
    fn idle(&self, since: &Instant) {
        match self.idle {
            Idle::Spin => std::hint::spin_loop(),
            Idle::SpinPark { spin, park } => {
                if since.elapsed() < spin {
                    std::hint::spin_loop();
                } else {
                    thread::park_timeout(park);
                }
            }
            Idle::Park { park } => thread::park_timeout(park),
        }
    }

    /// After stop: everything queued becomes durable (or, if the journal fails, is answered
    /// `halted`) and is released, as long as the gateways keep polling (bounded wait).
    fn finish(&mut self) {
        let deadline = Instant::now() + Duration::from_secs(30);
        while !self.queue.is_empty() && Instant::now() < deadline {
            if !self.release() {
                thread::park_timeout(Duration::from_micros(200));
            }
            self.wake_gateways();
        }
        self.publish_gauges();
    }
}
