//! A gateway's two ends of its rings to and from the engine thread.

use crate::{mono_ns, Inbound, Metrics, Origin, Out, Request};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::Thread;
use thiserror::Error;

/// How the engine thread tells a gateway that items are waiting in its outbound ring.
pub trait Wake: Send + Sync {
    /// Called by the engine thread after it pushed items (at most once per batch).
    fn wake(&self);
}

/// Why a request was not submitted. Nothing was queued.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum SubmitError {
    /// The inbound ring is full: backpressure. Answer `busy`.
    #[error("the engine is busy: its inbound ring is full; retry later")]
    Busy,
    /// The runtime is shutting down.
    #[error("the engine is shutting down")]
    Stopped,
}

/// The gateway's side: submit requests, poll released items. Owned by one gateway thread.
pub struct GatewayPort {
    pub(crate) id: u16,
    pub(crate) inbound: rtrb::Producer<Inbound>,
    pub(crate) outbound: rtrb::Consumer<Out>,
    pub(crate) engine: Thread,
    pub(crate) stopping: Arc<AtomicBool>,
    pub(crate) metrics: Arc<Metrics>,
}

impl GatewayPort {
    /// This gateway's number (the `gateway` of the [`Origin`]s it creates).
    pub fn id(&self) -> u16 {
        self.id
    }

    /// Queues a request for the engine thread and wakes it. Never blocks.
    pub fn submit(&mut self, session: u32, tag: u64, request: Request) -> Result<(), SubmitError> {
        self.submit_received(session, tag, request, mono_ns())
    }

    /// As [`GatewayPort::submit`], with the time the gateway received the request
    /// ([`crate::mono_ns`]) for the latency metrics.
    pub fn submit_received(
        &mut self,
        session: u32,
        tag: u64,
        request: Request,
        received_ns: u64,
    ) -> Result<(), SubmitError> {
        if self.stopping.load(Ordering::Acquire) {
            return Err(SubmitError::Stopped);
        }
        let origin = Origin {
            gateway: self.id,
            session,
            tag,
        };
        let item = Inbound {
            origin,
            request,
            received_ns,
        };
        match self.inbound.push(item) {
            Ok(()) => {
                self.engine.unpark();
                Ok(())
            }
            Err(rtrb::PushError::Full(_)) => {
                self.metrics.busy.fetch_add(1, Ordering::Relaxed);
                Err(SubmitError::Busy)
            }
        }
    }

    /// The next released item, if any.
    pub fn poll(&mut self) -> Option<Out> {
        self.outbound.pop().ok()
    }

    /// True when the engine thread has stopped and every item it released has been polled.
    pub fn finished(&self) -> bool {
        self.outbound.is_abandoned() && self.outbound.is_empty()
    }

    /// The runtime's metrics (gateways record their answer latency in `ack`).
    pub fn metrics(&self) -> &Arc<Metrics> {
        &self.metrics
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tradestream_model::AccountId;

    #[test]
    fn a_full_ring_is_busy_and_queues_nothing() {
        let (tx, mut rx) = rtrb::RingBuffer::new(2);
        let (_out_tx, out_rx) = rtrb::RingBuffer::new(2);
        let metrics = Arc::new(Metrics::new(1));
        let mut port = GatewayPort {
            id: 0,
            inbound: tx,
            outbound: out_rx,
            engine: std::thread::current(),
            stopping: Arc::new(AtomicBool::new(false)),
            metrics: metrics.clone(),
        };
        let req = Request::AccountSnapshot(AccountId(1));
        port.submit(1, 1, req).unwrap();
        port.submit(1, 2, req).unwrap();
        assert_eq!(port.submit(1, 3, req), Err(SubmitError::Busy));
        assert_eq!(metrics.busy.load(Ordering::Relaxed), 1);
        assert_eq!(rx.pop().unwrap().origin.tag, 1);
        assert_eq!(rx.pop().unwrap().origin.tag, 2);
        assert!(rx.pop().is_err(), "the refused request was not queued");
        port.submit(1, 4, req).unwrap();
        assert_eq!(rx.pop().unwrap().origin.tag, 4);
    }
}
