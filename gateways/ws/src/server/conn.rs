//! One connection: the handshake, a reader task feeding the core, a writer task draining the
//! connection's bounded queue (a full queue cuts a slow consumer off), heartbeats.

use super::stop::Stop;
use super::{Conns, Core};
use crate::core::delivery::{Delivery, Frame};
use futures_util::{SinkExt, StreamExt};
use std::rc::Rc;
use std::time::{Duration, Instant};
use tokio::net::TcpStream;
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::handshake::server::{ErrorResponse, Request, Response};
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::{CloseFrame, WebSocketConfig};
use tokio_tungstenite::tungstenite::{Error as WsError, Message, Utf8Bytes};
use tradestream_runtime::{mono_ns, wall_ms};

/// A frame queued for a connection's writer.
#[derive(Debug)]
pub enum Outgoing {
    /// A text message.
    Text(Utf8Bytes),
    /// A close frame; the writer stops after it.
    Close(u16, &'static str),
    /// A heartbeat ping.
    Ping,
}

/// The gateway's handle on a connection.
pub struct Conn {
    tx: mpsc::Sender<Outgoing>,
    stop: Rc<Stop>,
}

/// Hands the core's deliveries to the connections' writers.
pub fn dispatch(core: &Core, conns: &Conns, buf: &mut Vec<Delivery>) {
    core.borrow_mut().take_deliveries(buf);
    deliver(conns, buf);
}

/// Queues each delivery on its connection. A connection whose queue is full is a slow
/// consumer: it is cut off with a reason (1008 `slow_consumer`), and no one else waits for it.
pub fn deliver(conns: &Conns, buf: &mut Vec<Delivery>) {
    if buf.is_empty() {
        return;
    }
    let map = conns.borrow();
    for d in buf.drain(..) {
        let Some(c) = map.get(&d.session) else {
            continue;
        };
        let item = match d.frame {
            Frame::Text(t) => Outgoing::Text(t),
            Frame::Close(code, reason) => Outgoing::Close(code, reason),
        };
        if c.tx.try_send(item).is_err() {
            c.stop.cut(1008, "slow_consumer");
        }
    }
}

/// Serves one accepted TCP connection until it ends.
pub async fn serve(stream: TcpStream, core: Core, conns: Conns) {
    let _ = stream.set_nodelay(true);
    let (max, heartbeat, queue) = {
        let c = core.borrow();
        let cfg = c.config();
        (
            cfg.max_message_bytes,
            cfg.heartbeat_ms,
            cfg.slow_consumer_messages,
        )
    };
    let config = WebSocketConfig::default()
        .max_message_size(Some(max))
        .max_frame_size(Some(max));
    #[allow(clippy::result_large_err)] // the signature tungstenite's handshake callback requires
    let check_path = |req: &Request, resp: Response| -> Result<Response, ErrorResponse> {
        if req.uri().path() == "/ws" || req.uri().path() == "/" {
            Ok(resp)
        } else {
            let mut e = ErrorResponse::new(Some("not found: the WebSocket endpoint is /ws".into()));
            *e.status_mut() = tokio_tungstenite::tungstenite::http::StatusCode::NOT_FOUND;
            Err(e)
        }
    };
    let Ok(ws) =
        tokio_tungstenite::accept_hdr_async_with_config(stream, check_path, Some(config)).await
    else {
        return;
    };
    let session = core.borrow_mut().open_session();
    let (tx, rx) = mpsc::channel(queue.max(16));
    let stop = Rc::new(Stop::default());
    conns.borrow_mut().insert(
        session,
        Conn {
            tx: tx.clone(),
            stop: stop.clone(),
        },
    );
    let (sink, mut stream) = ws.split();
    let mut writer = tokio::task::spawn_local(write_loop(sink, rx, stop.clone()));
    let beat = Duration::from_millis(heartbeat.max(100));
    let mut ticker = tokio::time::interval(beat);
    ticker.tick().await;
    let mut last_rx = Instant::now();
    let mut out = Vec::new();
    loop {
        tokio::select! {
            msg = stream.next() => {
                let received_ns = mono_ns();
                last_rx = Instant::now();
                match msg {
                    Some(Ok(Message::Text(t))) => core.borrow_mut().on_text(session, t.as_str(), received_ns, wall_ms()),
                    Some(Ok(Message::Binary(_))) => core.borrow_mut().on_binary(session),
                    Some(Ok(Message::Ping(_) | Message::Pong(_) | Message::Frame(_))) => {}
                    Some(Ok(Message::Close(_))) | None => break,
                    Some(Err(WsError::Capacity(_))) => {
                        core.borrow_mut().on_oversized(session);
                        dispatch(&core, &conns, &mut out);
                        break;
                    }
                    Some(Err(_)) => break,
                }
                dispatch(&core, &conns, &mut out);
            }
            _ = ticker.tick() => {
                if last_rx.elapsed() > beat * 3 {
                    stop.cut(1008, "heartbeat_timeout");
                    break;
                }
                if tx.try_send(Outgoing::Ping).is_err() {
                    stop.cut(1008, "slow_consumer");
                    break;
                }
            }
            _ = stop.reader.notified() => break,
        }
    }
    conns.borrow_mut().remove(&session);
    drop(tx);
    core.borrow_mut().on_closed(session);
    dispatch(&core, &conns, &mut out);
    // A writer stuck on a peer that does not read (a slow consumer) is dropped after a grace
    // period, which closes the socket.
    if tokio::time::timeout(Duration::from_secs(30), &mut writer)
        .await
        .is_err()
    {
        writer.abort();
    }
}

type Sink = futures_util::stream::SplitSink<tokio_tungstenite::WebSocketStream<TcpStream>, Message>;

fn close_frame(code: u16, reason: &'static str) -> Message {
    Message::Close(Some(CloseFrame {
        code: CloseCode::from(code),
        reason: reason.into(),
    }))
}

async fn write_loop(mut sink: Sink, mut rx: mpsc::Receiver<Outgoing>, stop: Rc<Stop>) {
    loop {
        tokio::select! {
            biased;
            _ = stop.writer.notified() => {
                if let Some((code, reason)) = stop.reason() {
                    let _ = sink.send(close_frame(code, reason)).await;
                }
                break;
            }
            item = rx.recv() => {
                let Some(mut item) = item else {
                    let _ = sink.close().await;
                    break;
                };
                // Write everything queued, then flush once.
                let mut closing = None;
                loop {
                    let r = match item {
                        Outgoing::Text(t) => sink.feed(Message::Text(t)).await,
                        Outgoing::Ping => sink.feed(Message::Ping(Default::default())).await,
                        Outgoing::Close(code, reason) => {
                            closing = Some((code, reason));
                            break;
                        }
                    };
                    if r.is_err() {
                        stop.cut(1011, "write_failed");
                        return;
                    }
                    if let Some(reason) = stop.reason() {
                        // Cut off while this writer was blocked on the socket.
                        closing = Some(reason);
                        break;
                    }
                    match rx.try_recv() {
                        Ok(next) => item = next,
                        Err(_) => break,
                    }
                }
                if let Some((code, reason)) = closing {
                    let _ = sink.send(close_frame(code, reason)).await;
                    stop.reader.notify_one();
                    break;
                }
                if sink.flush().await.is_err() {
                    stop.cut(1011, "write_failed");
                    break;
                }
            }
        }
    }
}

/// Cuts every connection off with `code` and `reason` (shutdown).
pub fn close_all(conns: &Conns, code: u16, reason: &'static str) {
    for c in conns.borrow().values() {
        if c.tx.try_send(Outgoing::Close(code, reason)).is_err() {
            c.stop.cut(code, reason);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rustc_hash::FxHashMap as HashMap;
    use std::cell::RefCell;

    fn text(s: &str) -> Frame {
        Frame::Text(Utf8Bytes::from(s.to_string()))
    }

    #[test]
    fn a_full_queue_cuts_only_that_connection_off() {
        let (slow_tx, _slow_rx) = mpsc::channel(2);
        let (fast_tx, mut fast_rx) = mpsc::channel(100);
        let slow = Rc::new(Stop::default());
        let fast = Rc::new(Stop::default());
        let conns: Conns = Rc::new(RefCell::new(HashMap::default()));
        conns.borrow_mut().insert(
            1,
            Conn {
                tx: slow_tx,
                stop: slow.clone(),
            },
        );
        conns.borrow_mut().insert(
            2,
            Conn {
                tx: fast_tx,
                stop: fast.clone(),
            },
        );
        let mut buf = Vec::new();
        for i in 0..5 {
            for session in [1, 2] {
                buf.push(Delivery {
                    session,
                    frame: text(&format!("m{i}")),
                });
            }
        }
        deliver(&conns, &mut buf);
        assert_eq!(slow.reason(), Some((1008, "slow_consumer")));
        assert_eq!(fast.reason(), None, "the other connection is not affected");
        let mut got = 0;
        while fast_rx.try_recv().is_ok() {
            got += 1;
        }
        assert_eq!(got, 5, "every message reached the fast connection");
        assert!(buf.is_empty());
    }
}
