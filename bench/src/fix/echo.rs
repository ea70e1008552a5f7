//! The floor: a bare loopback TCP echo of messages as large as a NewOrderSingle, both ends
//! spinning on non-blocking sockets with `TCP_NODELAY`, driven by the same open-loop client
//! ([`load`](super::load)) over as many connections as the FIX targets get.
//!
//! The echo thread reads whatever arrived on either connection and writes it straight back.
//! Message `i` carries its index in its first 8 bytes (the rest is filler); the client cuts
//! the returning stream into messages of the same size.

use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::{Context, Result};
use quanta::Clock;

use super::load::{self, Link, LoadRun, OrderWriter, ReplyReader};
use super::orders::SESSIONS;
use super::schedule::{Schedule, LEAD};
use super::settings::Threads;
use super::tally::{Kind, Reply};
use crate::ws::echo::beside;

/// Writes message `i`: its index, little-endian, then filler up to the message size.
#[derive(Debug, Clone, Copy)]
pub struct EchoWriter {
    /// Bytes per message (at least 8).
    bytes: usize,
}

impl OrderWriter for EchoWriter {
    fn write_order(&mut self, index: usize, out: &mut Vec<u8>) {
        out.extend_from_slice(&(index as u64).to_le_bytes());
        out.resize(out.len() + self.bytes - 8, b'x');
    }

    fn id_of(&self, index: usize) -> String {
        format!("echo {index}")
    }
}

/// Cuts the returning bytes into messages of one size.
#[derive(Debug)]
pub struct EchoReader {
    bytes: usize,
    /// The message being reassembled.
    partial: Vec<u8>,
    buf: Vec<u8>,
}

impl ReplyReader for EchoReader {
    fn read_replies(
        &mut self,
        stream: &mut TcpStream,
        on: &mut dyn FnMut(Reply<'_>),
    ) -> std::io::Result<()> {
        let n = stream.read(&mut self.buf)?;
        if n == 0 {
            return Err(ErrorKind::UnexpectedEof.into());
        }
        let mut data = &self.buf[..n];
        while !data.is_empty() {
            let take = (self.bytes - self.partial.len()).min(data.len());
            self.partial.extend_from_slice(&data[..take]);
            data = &data[take..];
            if self.partial.len() == self.bytes {
                let mut index = [0u8; 8];
                index.copy_from_slice(&self.partial[..8]);
                on(Reply::Answer {
                    index: u64::from_le_bytes(index) as usize,
                    kind: Kind::Echoed,
                    message: &self.partial,
                });
                self.partial.clear();
            }
        }
        Ok(())
    }
}

/// Runs the echo at `rate` with messages of `bytes` bytes (at least 8).
pub fn measure(
    rate: u64,
    bytes: usize,
    warmup_secs: f64,
    secs: f64,
    threads: Threads,
    clock: &Clock,
) -> Result<LoadRun> {
    let bytes = bytes.max(8);
    let listener = TcpListener::bind("127.0.0.1:0").context("binding the echo listener")?;
    let addr = listener.local_addr()?;
    beside(
        |stop| serve(&listener, SESSIONS.len(), stop),
        || client(addr, rate, bytes, warmup_secs, secs, threads, clock),
    )
}

/// The client side: one link per session, then the open-loop run.
fn client(
    addr: SocketAddr,
    rate: u64,
    bytes: usize,
    warmup_secs: f64,
    secs: f64,
    threads: Threads,
    clock: &Clock,
) -> Result<LoadRun> {
    let mut links = Vec::new();
    for _ in SESSIONS {
        let stream = TcpStream::connect(addr).context("connecting to the echo")?;
        links.push(Link::new(
            stream,
            EchoWriter { bytes },
            EchoReader {
                bytes,
                partial: Vec::with_capacity(bytes),
                buf: vec![0; 64 * 1024],
            },
        )?);
    }
    let schedule = Schedule::new(clock.now() + LEAD, rate, warmup_secs, secs);
    load::run(&mut links, &schedule, threads, clock)
}

/// The echo side: accepts `connections` connections and writes back everything each one
/// reads, spinning over them until `stop`.
fn serve(listener: &TcpListener, connections: usize, stop: &AtomicBool) -> Result<()> {
    let mut streams = Vec::new();
    for _ in 0..connections {
        let (s, _) = listener.accept().context("accepting an echo client")?;
        s.set_nodelay(true)?;
        s.set_nonblocking(true)?;
        streams.push((s, Vec::<u8>::new()));
    }
    let mut buf = vec![0u8; 64 * 1024];
    while !stop.load(Ordering::Acquire) {
        for (s, pending) in &mut streams {
            match s.read(&mut buf) {
                Ok(0) => return Ok(()),
                Ok(n) => pending.extend_from_slice(&buf[..n]),
                Err(e) if e.kind() == ErrorKind::WouldBlock => {}
                Err(e) => return Err(e).context("echo read"),
            }
            if !pending.is_empty() {
                match s.write(pending) {
                    Ok(n) => {
                        pending.drain(..n);
                    }
                    Err(e) if e.kind() == ErrorKind::WouldBlock => {}
                    Err(e) => return Err(e).context("echo write"),
                }
            }
        }
        std::hint::spin_loop();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn echoes_at_a_low_rate_with_either_client() {
        let clock = Clock::new();
        for threads in [Threads::One, Threads::Two] {
            let run = measure(2_000, 150, 0.0, 0.05, threads, &clock).expect("loopback echo");
            assert_eq!((run.sent, run.answered), (100, 100));
            assert_eq!(run.latency.samples, 100);
            assert!(run.problems.is_clean(), "{:?}", run.problems);
            assert!(run.latency.p50() > 0);
        }
    }
}
