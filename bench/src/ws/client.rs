//! A WebSocket client that shares no code with the server: synchronous `tungstenite` over a
//! std `TcpStream` with `TCP_NODELAY`. Set-up (handshake, logon, subscribe) is blocking with a
//! timeout; measurements switch the socket to non-blocking and spin on reads.

use std::io::ErrorKind;
use std::net::{SocketAddr, TcpStream};
use std::os::fd::{AsRawFd, RawFd};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::{anyhow, bail, Context, Result};
use tungstenite::protocol::WebSocketConfig;
use tungstenite::{Message, WebSocket};

use super::frames;
use super::server;

/// Longest wait for an answer during set-up.
const SETUP_TIMEOUT: Duration = Duration::from_secs(10);
/// Logon nonces made by this process (each must be new for the key).
static NONCES: AtomicU64 = AtomicU64::new(0);

/// One connection to the gateway.
pub struct Client {
    ws: WebSocket<TcpStream>,
    /// A flush that hit a full socket buffer and must be retried.
    unflushed: bool,
}

impl Client {
    /// Connects and does the WebSocket handshake (blocking). `read_buffer` is tungstenite's
    /// read buffer (128 KiB by default; the fan-out's thousand subscribers take less).
    pub fn connect(addr: SocketAddr, url: &str, read_buffer: usize) -> Result<Client> {
        let stream = TcpStream::connect(addr).with_context(|| format!("connecting to {addr}"))?;
        stream.set_nodelay(true).context("setting TCP_NODELAY")?;
        stream
            .set_read_timeout(Some(SETUP_TIMEOUT))
            .context("setting a read timeout")?;
        let config = WebSocketConfig::default()
            .read_buffer_size(read_buffer)
            .write_buffer_size(0);
        let (ws, _) = tungstenite::client::client_with_config(url, stream, Some(config))
            .map_err(|e| anyhow!("WebSocket handshake with {url}: {e}"))?;
        Ok(Client {
            ws,
            unflushed: false,
        })
    }

    /// Signed logon with the benchmark's key (blocking); returns the answer.
    pub fn logon(&mut self, id: u64) -> Result<String> {
        let timestamp = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .context("the system clock is before 1970")?
            .as_millis() as u64;
        let nonce = format!(
            "bench-{}-{}-{timestamp}",
            std::process::id(),
            NONCES.fetch_add(1, Ordering::Relaxed)
        );
        let message = frames::logon_message(server::API_KEY, timestamp, &nonce);
        let request = frames::logon(
            id,
            server::API_KEY,
            timestamp,
            &nonce,
            &server::sign(&message),
        );
        self.request(id, &request)
    }

    /// Sends `text` and waits (blocking) for the answer carrying `id`, which must not be an
    /// error. Pushes read meanwhile are handed to `push`.
    pub fn request_with(
        &mut self,
        id: u64,
        text: &str,
        mut push: impl FnMut(&str),
    ) -> Result<String> {
        self.ws
            .send(Message::text(text))
            .with_context(|| format!("sending {text}"))?;
        loop {
            let message = self
                .ws
                .read()
                .with_context(|| format!("waiting for the answer to {text}"))?;
            let Message::Text(answer) = message else {
                continue;
            };
            let answer = answer.as_str();
            if frames::number(answer, "id") != Some(id) {
                push(answer);
                continue;
            }
            if frames::has(answer, "error") {
                bail!("the server refused {text}: {answer}");
            }
            return Ok(answer.to_string());
        }
    }

    /// [`Client::request_with`] ignoring pushes.
    pub fn request(&mut self, id: u64, text: &str) -> Result<String> {
        self.request_with(id, text, |_| {})
    }

    /// Waits (blocking, during set-up) for the next text message.
    pub fn next_text(&mut self) -> Result<String> {
        loop {
            if let Message::Text(text) = self.ws.read().context("waiting for a message")? {
                return Ok(text.as_str().to_string());
            }
        }
    }

    /// Switches to non-blocking reads and writes for the measurement.
    pub fn set_nonblocking(&mut self) -> Result<()> {
        let s = self.ws.get_mut();
        s.set_read_timeout(None)
            .and_then(|()| s.set_nonblocking(true))
            .context("making the socket non-blocking")
    }

    /// Queues `text` and flushes what the socket takes; the rest goes out on later calls.
    pub fn send(&mut self, text: &str) -> Result<()> {
        match self.ws.write(Message::text(text)) {
            Ok(()) => self.flush(),
            // The frame is queued; a full socket only delays it.
            Err(tungstenite::Error::Io(e)) if e.kind() == ErrorKind::WouldBlock => {
                self.unflushed = true;
                Ok(())
            }
            Err(e) => Err(anyhow!("queueing a frame: {e}")),
        }
    }

    /// Flushes queued frames as far as the socket takes them.
    fn flush(&mut self) -> Result<()> {
        match self.ws.flush() {
            Ok(()) => {
                self.unflushed = false;
                Ok(())
            }
            Err(tungstenite::Error::Io(e)) if e.kind() == ErrorKind::WouldBlock => {
                self.unflushed = true;
                Ok(())
            }
            Err(e) => Err(anyhow!("writing to the socket: {e}")),
        }
    }

    /// Reads every text message available now (non-blocking), handing each to `f`; returns
    /// how many were read. A close or a socket error is an error.
    pub fn poll(&mut self, mut f: impl FnMut(&str)) -> Result<usize> {
        if self.unflushed {
            self.flush()?;
        }
        let mut n = 0;
        loop {
            match self.ws.read() {
                Ok(Message::Text(text)) => {
                    n += 1;
                    f(text.as_str());
                }
                Ok(Message::Close(frame)) => {
                    bail!("the server closed the connection: {frame:?}")
                }
                Ok(_) => {}
                Err(tungstenite::Error::Io(e)) if e.kind() == ErrorKind::WouldBlock => {
                    return Ok(n)
                }
                Err(e) => bail!("reading from the socket: {e}"),
            }
        }
    }

    /// The socket's file descriptor (to register it with a poller).
    pub fn raw_fd(&self) -> RawFd {
        self.ws.get_ref().as_raw_fd()
    }
}
