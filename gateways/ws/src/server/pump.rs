//! The gateway thread's main task: accepts connections and moves engine items to the core.

use super::conn::{self, dispatch};
use super::{Conns, Core, EngineNotify, Shutdown};
use crate::core::Gateway;
use rustc_hash::FxHashMap as HashMap;
use std::cell::RefCell;
use std::rc::Rc;
use std::sync::Arc;
use std::time::Duration;

/// Runs the gateway until shut down and the engine has finished.
pub async fn run(
    gateway: Gateway,
    listener: std::net::TcpListener,
    notify: Arc<EngineNotify>,
    shutdown: Arc<Shutdown>,
) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::from_std(listener)?;
    let core: Core = Rc::new(RefCell::new(gateway));
    let conns: Conns = Rc::new(RefCell::new(HashMap::default()));
    let pump =
        tokio::task::spawn_local(pump(core.clone(), conns.clone(), notify, shutdown.clone()));
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                if let Ok((stream, _)) = accepted {
                    tokio::task::spawn_local(conn::serve(stream, core.clone(), conns.clone()));
                }
            }
            _ = shutdown.notify.notified() => break,
        }
        if shutdown.is_set() {
            break;
        }
    }
    drop(listener);
    let _ = pump.await;
    conn::close_all(&conns, 1001, "shutdown");
    // Give the writers a moment to send their close frames.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(2);
    while !conns.borrow().is_empty() && tokio::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    Ok(())
}

/// Moves released engine items into the core whenever the engine wakes this thread (and every
/// 50 ms regardless), until shutdown was asked and the engine has finished.
async fn pump(core: Core, conns: Conns, notify: Arc<EngineNotify>, shutdown: Arc<Shutdown>) {
    let mut out = Vec::new();
    loop {
        let more = {
            let mut c = core.borrow_mut();
            c.retry_deferred();
            c.poll_engine(256)
        };
        dispatch(&core, &conns, &mut out);
        if more {
            // Let the connection writers run before the next chunk.
            tokio::task::yield_now().await;
            continue;
        }
        if shutdown.is_set() && core.borrow().engine_finished() {
            break;
        }
        let _ = tokio::time::timeout(Duration::from_millis(50), notify.0.notified()).await;
    }
}
