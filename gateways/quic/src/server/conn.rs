//! One connection: the full TLS handshake (no 0-RTT), the order-entry stream and its Logon
//! within [`LOGON_TIMEOUT`], then frames in both directions until either side closes.

use super::{
    dispatch, Core, Link, Links, CLOSE_LOGON_REJECTED, CLOSE_LOGON_TIMEOUT, CLOSE_PROTOCOL,
    CLOSE_SHUTDOWN, LOGON_TIMEOUT, STREAM_BACKLOG,
};
use crate::encode::encode;
use crate::gateway::{now_ns, SessionId};
use crate::messages::server::LogonReject;
use crate::messages::Message;
use crate::reader::FrameReader;
use crate::tls::peer_common_name;
use crate::types::RejectCode;
use std::time::Duration;
use tokio::sync::mpsc;

/// How long a closing connection waits for the peer to acknowledge its last frames.
const LINGER: Duration = Duration::from_secs(1);

/// Why reading the next frame stopped.
enum ReadEnd {
    /// The peer finished or reset the stream, or the connection was lost.
    Closed,
    /// Bytes that do not decode.
    Garbage,
}

/// A connection's order-entry stream and what reads it.
struct OrderStream {
    send: quinn::SendStream,
    recv: quinn::RecvStream,
    reader: FrameReader,
    buf: Vec<u8>,
}

impl OrderStream {
    /// Reads until the reader yields a message.
    async fn next_message(&mut self) -> Result<Message, ReadEnd> {
        loop {
            match self.reader.next_message() {
                Ok(Some(msg)) => return Ok(msg),
                Ok(None) => {}
                Err(_) => return Err(ReadEnd::Garbage),
            }
            match self.recv.read(&mut self.buf).await {
                Ok(Some(n)) => self.reader.push(&self.buf[..n]),
                Ok(None) | Err(_) => return Err(ReadEnd::Closed),
            }
        }
    }
}

/// Writes `msg`, finishes the stream, waits (briefly) for the peer to receive it, closes.
async fn refuse(
    conn: &quinn::Connection,
    send: &mut quinn::SendStream,
    reason: RejectCode,
    code: u32,
) {
    let mut bytes = Vec::new();
    encode(&Message::LogonReject(LogonReject { reason }), &mut bytes);
    if send.write_all(&bytes).await.is_ok() && send.finish().is_ok() {
        let _ = tokio::time::timeout(LINGER, send.stopped()).await;
    }
    conn.close(code.into(), b"logon rejected");
}

/// Serves one incoming connection to its end.
pub(super) async fn serve(incoming: quinn::Incoming, core: Core, links: Links) {
    // Awaiting the connection completes the whole handshake: no stream is accepted before.
    let Ok(conn) = incoming.await else {
        return;
    };
    let peer_cn = peer_common_name(&conn);
    let Ok(Ok((send, recv))) = tokio::time::timeout(LOGON_TIMEOUT, conn.accept_bi()).await else {
        conn.close(CLOSE_LOGON_TIMEOUT.into(), b"no order-entry stream");
        return;
    };
    let mut stream = OrderStream {
        send,
        recv,
        reader: FrameReader::new(),
        buf: vec![0u8; 64 * 1024],
    };
    let first = tokio::time::timeout(LOGON_TIMEOUT, stream.next_message()).await;
    let logon = match first {
        Ok(Ok(Message::Logon(l))) => l,
        Ok(Ok(_)) => {
            return refuse(
                &conn,
                &mut stream.send,
                RejectCode::NOT_LOGGED_IN,
                CLOSE_PROTOCOL,
            )
            .await;
        }
        Ok(Err(ReadEnd::Garbage)) => return conn.close(CLOSE_PROTOCOL.into(), b"bad frame"),
        Ok(Err(ReadEnd::Closed)) => return,
        Err(_) => {
            let code = CLOSE_LOGON_TIMEOUT;
            return refuse(&conn, &mut stream.send, RejectCode::LOGON_TIMEOUT, code).await;
        }
    };
    let result = core
        .borrow_mut()
        .logon(&logon, peer_cn.as_deref(), now_ns());
    let ack = match result {
        Ok(ack) => ack,
        Err(reason) => return refuse(&conn, &mut stream.send, reason, CLOSE_LOGON_REJECTED).await,
    };
    let session = ack.session as SessionId;
    let (tx, rx) = mpsc::channel(STREAM_BACKLOG);
    let _ = tx.try_send(Message::LogonAck(ack));
    links.borrow_mut().insert(
        session,
        Link {
            conn: conn.clone(),
            tx,
        },
    );
    let code = run(session, &core, &links, &mut stream, rx).await;
    links.borrow_mut().remove(&session);
    core.borrow_mut().disconnect(session);
    dispatch(&core, &links);
    if code == CLOSE_SHUTDOWN && stream.send.finish().is_ok() {
        let _ = tokio::time::timeout(LINGER, stream.send.stopped()).await;
    }
    conn.close(code.into(), b"");
}

/// Frames in both directions; returns the close code.
async fn run(
    session: SessionId,
    core: &Core,
    links: &Links,
    stream: &mut OrderStream,
    mut rx: mpsc::Receiver<Message>,
) -> u32 {
    let mut out = Vec::with_capacity(4096);
    loop {
        // Messages that arrived with the Logon (or the last read) first.
        loop {
            match stream.reader.next_message() {
                Ok(Some(msg)) => {
                    let r = core.borrow_mut().on_message(session, &msg, now_ns());
                    dispatch(core, links);
                    if r.is_err() {
                        return CLOSE_PROTOCOL;
                    }
                }
                Ok(None) => break,
                Err(_) => return CLOSE_PROTOCOL,
            }
        }
        tokio::select! {
            read = stream.recv.read(&mut stream.buf) => match read {
                Ok(Some(n)) => stream.reader.push(&stream.buf[..n]),
                Ok(None) | Err(_) => return CLOSE_SHUTDOWN,
            },
            msg = rx.recv() => {
                let Some(msg) = msg else {
                    return CLOSE_SHUTDOWN;
                };
                out.clear();
                encode(&msg, &mut out);
                while let Ok(more) = rx.try_recv() {
                    encode(&more, &mut out);
                }
                if stream.send.write_all(&out).await.is_err() {
                    return CLOSE_SHUTDOWN;
                }
            }
        }
    }
}
