//! A blocking face over the QUIC gateway's own async client (`tradestream_quic::client`): the
//! connection lives on a current-thread tokio runtime owned by the measuring thread, which
//! drives it only inside each call. A send hands the frame to quinn and lets the connection
//! task put the packet on the socket; a poll lets the runtime read the socket (an epoll with
//! no wait), then decodes whatever frames and datagrams are there, without waiting.

use std::future::Future;
use std::net::SocketAddr;
use std::path::Path;
use std::pin::pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context as TaskContext, Poll, Waker};
use std::time::Duration;

use anyhow::{anyhow, Context, Result};
use tokio::runtime::Runtime;
use tradestream_quic::client::{Client, Trust};
use tradestream_quic::{MdDelta, Message};

use crate::fix::tradestream::{QUIC_ACCOUNT, QUIC_API_KEY};
use crate::ws::server::signing_key;

/// Longest wait for the handshake and the logon.
const SETUP_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a closing connection is driven so its close reaches the server.
const CLOSE_WAIT: Duration = Duration::from_millis(20);
/// The name the gateway's self-signed certificate is made for.
const SERVER_NAME: &str = "localhost";

/// Measurements made by this process; each gets its own range of client order ids, since the
/// gateway refuses an id its account has used before.
static MEASUREMENTS: AtomicU64 = AtomicU64::new(0);

/// The first client order id of a new measurement (ranges of 2^40 ids).
pub fn fresh_client_ids() -> u64 {
    MEASUREMENTS.fetch_add(1, Ordering::Relaxed) << 40
}

/// One logged-on connection to the QUIC gateway.
pub struct QuicConn {
    runtime: Runtime,
    client: Client,
}

impl QuicConn {
    /// Connects to `addr`, trusting only the certificate in `cert`, and logs on as the
    /// benchmark's QUIC account with its key.
    pub fn connect(addr: SocketAddr, cert: &Path) -> Result<QuicConn> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            // Look at the sockets on every scheduler tick: the caller spins, never parks.
            .event_interval(1)
            .build()
            .context("building the QUIC client's runtime")?;
        let trust = Trust::pinned_pem_file(cert)
            .with_context(|| format!("reading the gateway's certificate {}", cert.display()))?;
        let client = runtime.block_on(async {
            let setup = async {
                let mut client = Client::connect(addr, SERVER_NAME, trust).await?;
                let key = signing_key();
                client
                    .logon_ed25519(QUIC_ACCOUNT as u64, QUIC_API_KEY, &key)
                    .await?;
                Ok::<_, tradestream_quic::client::ClientError>(client)
            };
            tokio::time::timeout(SETUP_TIMEOUT, setup)
                .await
                .map_err(|_| anyhow!("no logon within {} s", SETUP_TIMEOUT.as_secs()))?
                .with_context(|| format!("connecting and logging on to {addr}"))
        })?;
        Ok(QuicConn { runtime, client })
    }

    /// Buffers `message`; [`QuicConn::flush`] hands it to quinn with the others buffered.
    pub fn queue(&mut self, message: &Message) {
        self.client.send(message);
    }

    /// Hands the buffered messages to quinn in one write (the moment the caller's timestamp
    /// stands for), then lets the connection task send the packets.
    pub fn flush(&mut self) -> Result<()> {
        let QuicConn { runtime, client } = self;
        runtime.block_on(async {
            client
                .flush()
                .await
                .context("writing to the order-entry stream")?;
            tokio::task::yield_now().await;
            Ok(())
        })
    }

    /// Lets the runtime read the socket, then hands every message already on the order-entry
    /// stream to `on`, without waiting.
    pub fn poll(&mut self, mut on: impl FnMut(Message)) -> Result<()> {
        let QuicConn { runtime, client } = self;
        runtime.block_on(async {
            settle().await;
            while let Some(message) = ready(client.recv()) {
                on(message.context("reading the order-entry stream")?);
            }
            Ok(())
        })
    }

    /// Lets the runtime read the socket, then hands every MdDelta datagram already received to
    /// `on`, without waiting.
    pub fn poll_datagrams(&mut self, mut on: impl FnMut(MdDelta)) -> Result<()> {
        let QuicConn { runtime, client } = self;
        runtime.block_on(async {
            settle().await;
            while let Some(delta) = ready(client.recv_datagram()) {
                on(delta.context("reading market-data datagrams")?);
            }
            Ok(())
        })
    }
}

impl Drop for QuicConn {
    /// Closes the connection and lets the runtime send the close, so the server ends the
    /// session now rather than at its idle timeout.
    fn drop(&mut self) {
        let QuicConn { runtime, client } = self;
        runtime.block_on(async {
            client.connection().close(0u32.into(), b"done");
            tokio::time::sleep(CLOSE_WAIT).await;
        });
    }
}

/// Lets the runtime read the socket and pass what came through quinn: the first yield polls
/// the sockets (no wait) and runs the endpoint task on a datagram that arrived, the second runs
/// the connection task it woke, which hands the stream data or the datagram to the client.
async fn settle() {
    tokio::task::yield_now().await;
    tokio::task::yield_now().await;
}

/// Polls `future` once: its output if it is ready now. Only for futures that may be dropped
/// unfinished without losing anything (the client's `recv` and `recv_datagram` are: quinn's
/// reads are cancel-safe and a frame is taken off the reader only when it is whole).
fn ready<F: Future>(future: F) -> Option<F::Output> {
    match pin!(future).poll(&mut TaskContext::from_waker(Waker::noop())) {
        Poll::Ready(output) => Some(output),
        Poll::Pending => None,
    }
}
