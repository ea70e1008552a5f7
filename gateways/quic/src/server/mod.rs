//! The I/O glue: a thread with a single-threaded tokio runtime running the quinn endpoint.
//! Each connection is served by [`conn`]; a pump lets the [`Gateway`] poll the engine when
//! woken and hands its output to the connections (stream messages through each connection's
//! writer, market-data datagrams straight to quinn, which drops what it cannot send).
//!
//! Application close codes: [`CLOSE_SHUTDOWN`], [`CLOSE_LOGON_REJECTED`],
//! [`CLOSE_PROTOCOL`], [`CLOSE_LOGON_TIMEOUT`], [`CLOSE_SLOW_CONSUMER`].

mod conn;

use crate::gateway::{Gateway, Outgoing, SessionId};
use crate::messages::Message;
use rustc_hash::FxHashMap;
use std::cell::RefCell;
use std::net::{SocketAddr, UdpSocket};
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;
use tokio::sync::{mpsc, Notify};

/// Close code: the server is shutting down.
pub const CLOSE_SHUTDOWN: u32 = 0;
/// Close code: the logon was refused (after a LogonReject).
pub const CLOSE_LOGON_REJECTED: u32 = 1;
/// Close code: the client broke the protocol (undecodable bytes, unexpected message).
pub const CLOSE_PROTOCOL: u32 = 2;
/// Close code: no order-entry stream or Logon within [`LOGON_TIMEOUT`].
pub const CLOSE_LOGON_TIMEOUT: u32 = 3;

/// Close code: the client did not read its stream: [`STREAM_BACKLOG`] messages were waiting.
pub const CLOSE_SLOW_CONSUMER: u32 = 4;

/// The most stream messages waiting for one connection before it is closed as a slow
/// consumer (the gateway thread never waits for a client).
pub const STREAM_BACKLOG: usize = 65_536;

/// How long a connection may go without opening its stream and sending its Logon.
pub const LOGON_TIMEOUT: Duration = Duration::from_secs(5);

/// Wakes the gateway thread when the engine released items (give it to the runtime as the
/// gateway's waker).
#[derive(Debug, Default)]
pub struct Wakeup(Notify);

impl tradestream_runtime::Wake for Wakeup {
    fn wake(&self) {
        self.0.notify_one();
    }
}

#[derive(Debug, Default)]
struct Shutdown {
    flag: AtomicBool,
    notify: Notify,
}

/// A logged-on connection as the pump sees it.
struct Link {
    conn: quinn::Connection,
    tx: mpsc::Sender<Message>,
}

type Core = Rc<RefCell<Gateway>>;
type Links = Rc<RefCell<FxHashMap<SessionId, Link>>>;

/// The running QUIC gateway thread.
pub struct QuicServer {
    /// Where it listens.
    pub local_addr: SocketAddr,
    shutdown: Arc<Shutdown>,
    thread: JoinHandle<std::io::Result<()>>,
}

impl QuicServer {
    /// Binds `listen` (UDP) and starts the gateway thread serving `gateway` with `config`.
    /// `wakeup` must be the waker the engine runtime was given for the gateway's port.
    pub fn start(
        listen: SocketAddr,
        config: quinn::ServerConfig,
        gateway: Gateway,
        wakeup: Arc<Wakeup>,
    ) -> std::io::Result<QuicServer> {
        let socket = UdpSocket::bind(listen)?;
        let local_addr = socket.local_addr()?;
        let shutdown = Arc::new(Shutdown::default());
        let stop = shutdown.clone();
        let thread = std::thread::Builder::new()
            .name("quic-gateway".into())
            .spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()?;
                let local = tokio::task::LocalSet::new();
                local.block_on(&rt, async move {
                    let endpoint = quinn::Endpoint::new(
                        quinn::EndpointConfig::default(),
                        Some(config),
                        socket,
                        Arc::new(quinn::TokioRuntime),
                    )?;
                    run(endpoint, gateway, wakeup, stop).await
                })
            })?;
        Ok(QuicServer {
            local_addr,
            shutdown,
            thread,
        })
    }

    /// Stops accepting, delivers what the gateway still has (the engine's last items), closes
    /// every connection and ends the thread.
    pub fn stop(self) -> std::io::Result<()> {
        self.shutdown.flag.store(true, Ordering::Release);
        self.shutdown.notify.notify_one();
        self.thread
            .join()
            .map_err(|_| std::io::Error::other("the quic gateway thread panicked"))?
    }
}

async fn run(
    endpoint: quinn::Endpoint,
    gateway: Gateway,
    wakeup: Arc<Wakeup>,
    shutdown: Arc<Shutdown>,
) -> std::io::Result<()> {
    let core: Core = Rc::new(RefCell::new(gateway));
    let links: Links = Rc::default();
    let pump =
        tokio::task::spawn_local(pump(core.clone(), links.clone(), wakeup, shutdown.clone()));
    loop {
        tokio::select! {
            incoming = endpoint.accept() => match incoming {
                Some(incoming) => {
                    tokio::task::spawn_local(conn::serve(incoming, core.clone(), links.clone()));
                }
                None => break,
            },
            _ = shutdown.notify.notified() => {}
        }
        if shutdown.flag.load(Ordering::Acquire) {
            break;
        }
    }
    endpoint.set_server_config(None);
    let _ = pump.await;
    dispatch(&core, &links);
    // Dropping the writers' senders makes each connection deliver what it has, then close.
    links.borrow_mut().clear();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(2);
    while endpoint.open_connections() > 0 && tokio::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    endpoint.close(CLOSE_SHUTDOWN.into(), b"shutdown");
    let _ = tokio::time::timeout(Duration::from_secs(2), endpoint.wait_idle()).await;
    Ok(())
}

/// Lets the gateway poll the engine whenever woken (and every 100 ms), until shutdown was
/// asked and the engine has finished.
async fn pump(core: Core, links: Links, wakeup: Arc<Wakeup>, shutdown: Arc<Shutdown>) {
    loop {
        let more = {
            let mut c = core.borrow_mut();
            c.retry_deferred();
            c.poll(256)
        };
        dispatch(&core, &links);
        if more {
            tokio::task::yield_now().await;
            continue;
        }
        if shutdown.flag.load(Ordering::Acquire) && core.borrow().finished() {
            break;
        }
        let _ = tokio::time::timeout(Duration::from_millis(100), wakeup.0.notified()).await;
    }
}

/// Hands the gateway's output to the connections: stream messages to their writers,
/// datagrams to quinn (dropped when a connection cannot take them).
fn dispatch(core: &Core, links: &Links) {
    let mut core = core.borrow_mut();
    let links = links.borrow();
    for o in core.drain_outputs() {
        match o {
            Outgoing::Send(session, msg) => {
                if let Some(l) = links.get(&session) {
                    if let Err(mpsc::error::TrySendError::Full(_)) = l.tx.try_send(msg) {
                        l.conn.close(CLOSE_SLOW_CONSUMER.into(), b"slow consumer");
                    }
                }
            }
            Outgoing::Market(bytes) => {
                for l in links.values() {
                    let _ = l.conn.send_datagram(bytes.clone());
                }
            }
        }
    }
}
