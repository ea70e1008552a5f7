//! One connection: a reader that feeds the acceptor and a writer that sends what it hands
//! out (coalescing queued messages into one write), closing when told.

use super::{dispatch, Core, Writers};
use crate::acceptor::Output;
use crate::app::Application;
use crate::codec::time::now_ms;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::sync::mpsc;

/// Serves one accepted connection until either side closes it.
pub(super) async fn serve<A: Application + 'static, S: AsyncRead + AsyncWrite + Unpin + 'static>(
    stream: S,
    core: Core<A>,
    writers: Writers,
) {
    let id = core.borrow_mut().connect(now_ms());
    let (tx, rx) = mpsc::unbounded_channel();
    writers.borrow_mut().insert(id, tx);
    let (mut read, write) = tokio::io::split(stream);
    let mut writer = tokio::task::spawn_local(write_loop(write, rx));
    let mut buf = vec![0u8; 64 * 1024];
    let mut writer_done = false;
    loop {
        tokio::select! {
            r = read.read(&mut buf) => match r {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    core.borrow_mut().receive(id, &buf[..n], now_ms());
                    dispatch(&core, &writers);
                }
            },
            _ = &mut writer => {
                writer_done = true;
                break;
            }
        }
    }
    core.borrow_mut().disconnected(id, now_ms());
    dispatch(&core, &writers);
    if let Some(tx) = writers.borrow_mut().remove(&id) {
        let _ = tx.send(Output::Close);
    }
    if !writer_done {
        let _ = writer.await;
    }
}

async fn write_loop<W: AsyncWrite + Unpin>(mut write: W, mut rx: mpsc::UnboundedReceiver<Output>) {
    let mut batch = Vec::with_capacity(16 * 1024);
    while let Some(first) = rx.recv().await {
        let mut close = false;
        let mut next = Some(first);
        while let Some(out) = next {
            match out {
                Output::Write(b) => batch.extend_from_slice(&b),
                Output::Close => {
                    close = true;
                    break;
                }
            }
            next = rx.try_recv().ok();
        }
        if !batch.is_empty() {
            if write.write_all(&batch).await.is_err() {
                break;
            }
            batch.clear();
        }
        if close {
            let _ = write.shutdown().await;
            break;
        }
    }
    rx.close();
}
