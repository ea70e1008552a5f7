//! The I/O layer: a thread with a single-threaded tokio runtime that accepts WebSocket
//! connections, feeds frames to the [`Gateway`] core and writes what it delivers.

mod conn;
mod pump;
mod stop;

use crate::core::Gateway;
use rustc_hash::FxHashMap as HashMap;
use std::cell::RefCell;
use std::net::{SocketAddr, TcpListener};
use std::rc::Rc;
use std::sync::Arc;
use std::thread::JoinHandle;
use tokio::sync::Notify;
use tradestream_runtime::Wake;

pub use conn::Outgoing;

/// Wakes the gateway thread when the engine released items (a [`Wake`] for the runtime).
#[derive(Debug, Default)]
pub struct EngineNotify(pub Notify);

impl Wake for EngineNotify {
    fn wake(&self) {
        self.0.notify_one();
    }
}

/// Shared between the gateway thread and whoever stops it.
#[derive(Debug, Default)]
pub struct Shutdown {
    flag: std::sync::atomic::AtomicBool,
    notify: Notify,
}

impl Shutdown {
    /// Asks the gateway to stop accepting connections, deliver what the engine still releases,
    /// then close every connection (1001 `shutdown`) and end its thread.
    pub fn trigger(&self) {
        self.flag.store(true, std::sync::atomic::Ordering::Release);
        self.notify.notify_one();
    }

    fn is_set(&self) -> bool {
        self.flag.load(std::sync::atomic::Ordering::Acquire)
    }
}

/// The running gateway thread.
pub struct WsServer {
    /// Where it listens.
    pub local_addr: SocketAddr,
    shutdown: Arc<Shutdown>,
    thread: JoinHandle<std::io::Result<()>>,
}

/// Live connections of the gateway thread.
pub(crate) type Conns = Rc<RefCell<HashMap<u32, conn::Conn>>>;

/// The core, shared by the tasks of the gateway thread (single-threaded: no locks).
pub(crate) type Core = Rc<RefCell<Gateway>>;

impl WsServer {
    /// Binds `gateway.config().listen` and starts the gateway thread. `notify` must be the
    /// waker given to the runtime for this gateway's port.
    pub fn start(gateway: Gateway, notify: Arc<EngineNotify>) -> std::io::Result<WsServer> {
        let listener = TcpListener::bind(gateway.config().listen)?;
        listener.set_nonblocking(true)?;
        let local_addr = listener.local_addr()?;
        let shutdown = Arc::new(Shutdown::default());
        let stop = shutdown.clone();
        let thread = std::thread::Builder::new()
            .name("ws-gateway".into())
            .spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()?;
                let local = tokio::task::LocalSet::new();
                local.block_on(&rt, pump::run(gateway, listener, notify, stop))
            })?;
        Ok(WsServer {
            local_addr,
            shutdown,
            thread,
        })
    }

    /// Stops the gateway (see [`Shutdown::trigger`]) and waits for its thread. Call after the
    /// engine runtime was told to stop, so the gateway can deliver the engine's last items.
    pub fn stop(self) -> std::io::Result<()> {
        self.shutdown.trigger();
        self.thread
            .join()
            .map_err(|_| std::io::Error::other("the ws gateway thread panicked"))?
    }

    /// The shutdown switch (to trigger from a signal handler before [`WsServer::stop`]).
    pub fn shutdown(&self) -> Arc<Shutdown> {
        self.shutdown.clone()
    }
}
