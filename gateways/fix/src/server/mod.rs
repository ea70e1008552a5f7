//! The I/O glue: a thread with a single-threaded tokio runtime that accepts TCP (optionally
//! TLS) connections,
//! feeds their bytes to the [`Acceptor`], runs its timer, lets the application poll the engine
//! when woken, and writes what the acceptor hands out.

mod conn;
pub mod tls;

use crate::acceptor::{Acceptor, ConnId, Output};
use crate::app::Application;
use crate::codec::time::now_ms;
use rustc_hash::FxHashMap;
use std::cell::RefCell;
use std::net::{SocketAddr, TcpListener};
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;
use tokio::sync::{mpsc, Notify};
use tokio_rustls::TlsAcceptor;

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

/// The running FIX gateway thread.
pub struct FixServer {
    /// Where it listens.
    pub local_addr: SocketAddr,
    shutdown: Arc<Shutdown>,
    thread: JoinHandle<std::io::Result<()>>,
}

type Core<A> = Rc<RefCell<Acceptor<A>>>;
type Writers = Rc<RefCell<FxHashMap<ConnId, mpsc::UnboundedSender<Output>>>>;

impl FixServer {
    /// Binds `listen` and starts the gateway thread over `acceptor`, with TLS when `tls` is
    /// given. `wakeup` must be the waker the engine runtime was given for the application's
    /// port (any one otherwise).
    pub fn start<A: Application + Send + 'static>(
        listen: SocketAddr,
        acceptor: Acceptor<A>,
        wakeup: Arc<Wakeup>,
        tls: Option<TlsAcceptor>,
    ) -> std::io::Result<FixServer> {
        let listener = TcpListener::bind(listen)?;
        listener.set_nonblocking(true)?;
        let local_addr = listener.local_addr()?;
        let shutdown = Arc::new(Shutdown::default());
        let stop = shutdown.clone();
        let thread = std::thread::Builder::new()
            .name("fix-gateway".into())
            .spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()?;
                let local = tokio::task::LocalSet::new();
                local.block_on(&rt, run(acceptor, listener, wakeup, stop, tls))
            })?;
        Ok(FixServer {
            local_addr,
            shutdown,
            thread,
        })
    }

    /// Stops accepting, delivers what the application still has (e.g. the engine's last
    /// items), closes every connection and ends the thread.
    pub fn stop(self) -> std::io::Result<()> {
        self.shutdown.flag.store(true, Ordering::Release);
        self.shutdown.notify.notify_one();
        self.thread
            .join()
            .map_err(|_| std::io::Error::other("the fix gateway thread panicked"))?
    }
}

async fn run<A: Application + 'static>(
    acceptor: Acceptor<A>,
    listener: TcpListener,
    wakeup: Arc<Wakeup>,
    shutdown: Arc<Shutdown>,
    tls: Option<TlsAcceptor>,
) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::from_std(listener)?;
    let core: Core<A> = Rc::new(RefCell::new(acceptor));
    let writers: Writers = Rc::default();
    let pump = tokio::task::spawn_local(pump(
        core.clone(),
        writers.clone(),
        wakeup,
        shutdown.clone(),
    ));
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                if let Ok((stream, _)) = accepted {
                    let _ = stream.set_nodelay(true);
                    let (core, writers) = (core.clone(), writers.clone());
                    match tls.clone() {
                        None => {
                            tokio::task::spawn_local(conn::serve(stream, core, writers));
                        }
                        Some(tls) => {
                            tokio::task::spawn_local(async move {
                                let handshake = tls.accept(stream);
                                let limit = Duration::from_secs(10);
                                if let Ok(Ok(s)) = tokio::time::timeout(limit, handshake).await {
                                    conn::serve(s, core, writers).await;
                                }
                            });
                        }
                    }
                }
            }
            _ = shutdown.notify.notified() => {}
        }
        if shutdown.flag.load(Ordering::Acquire) {
            break;
        }
    }
    drop(listener);
    let _ = pump.await;
    core.borrow_mut().close_all();
    dispatch(&core, &writers);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(2);
    while !writers.borrow().is_empty() && tokio::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    Ok(())
}

/// The timer (every 100 ms) and the application's polling (whenever the engine wakes this
/// thread), until shutdown was asked and the application has finished.
async fn pump<A: Application + 'static>(
    core: Core<A>,
    writers: Writers,
    wakeup: Arc<Wakeup>,
    shutdown: Arc<Shutdown>,
) {
    let mut last_tick = 0;
    loop {
        let now = now_ms();
        let more = {
            let mut c = core.borrow_mut();
            if now - last_tick >= 100 {
                last_tick = now;
                c.tick(now);
            }
            c.poll_app(256, now)
        };
        dispatch(&core, &writers);
        if more {
            tokio::task::yield_now().await;
            continue;
        }
        if shutdown.flag.load(Ordering::Acquire) && core.borrow().app_finished() {
            break;
        }
        let _ = tokio::time::timeout(Duration::from_millis(100), wakeup.0.notified()).await;
    }
}

/// Hands the acceptor's outputs to the connections' writers.
fn dispatch<A: Application>(core: &Core<A>, writers: &Writers) {
    let outputs = core.borrow_mut().take_outputs();
    if outputs.is_empty() {
        return;
    }
    let w = writers.borrow();
    for (conn, out) in outputs {
        if let Some(tx) = w.get(&conn) {
            let _ = tx.send(out);
        }
    }
}
