//! The network floor: a bare loopback TCP echo of messages as large as a place frame on the
//! wire, both ends spinning on non-blocking sockets with `TCP_NODELAY`, open loop at the
//! order-entry rates and recorded the same way (planned send until the echo is read).
//!
//! The echo thread reads whatever arrived and writes it straight back. The client sends
//! message `i` (its index in the first 8 bytes, the rest filler) at its planned time and
//! cuts the returning byte stream into messages of the same size: TCP keeps the order, so the
//! `k`-th message back is message `k`, which the index confirms.

use std::io::{ErrorKind, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use anyhow::{bail, Context, Result};
use quanta::Clock;

use super::latency::{self, Latency};
use super::meter::{Meter, RunNoise};
use super::schedule::{since, Schedule, LEAD};

/// How long after the last planned send echoes are waited for.
const DRAIN: Duration = Duration::from_secs(10);

/// One run at one rate.
#[derive(Debug, Clone, Copy)]
pub struct EchoRun {
    /// Planned send until the echo was read.
    pub latency: Latency,
    /// Bytes per message.
    pub bytes: usize,
    /// Messages sent (and echoed), warm-up included.
    pub sent: u64,
    /// What the machine took.
    pub noise: RunNoise,
}

/// Message `i`: its index in little-endian in the first 8 bytes, then filler.
pub fn message(out: &mut [u8], i: u64) {
    out.fill(b'x');
    let n = out.len().min(8);
    out[..n].copy_from_slice(&i.to_le_bytes()[..n]);
}

/// The index carried by a message of at least 8 bytes.
pub fn index_of(message: &[u8]) -> Option<u64> {
    Some(u64::from_le_bytes(message.get(..8)?.try_into().ok()?))
}

/// Runs the echo at `rate` with messages of `bytes` bytes (at least 8).
pub fn measure(
    rate: u64,
    bytes: usize,
    warmup_secs: f64,
    secs: f64,
    clock: &Clock,
) -> Result<EchoRun> {
    let bytes = bytes.max(8);
    let listener = TcpListener::bind("127.0.0.1:0").context("binding the echo listener")?;
    let addr = listener.local_addr()?;
    beside(
        |stop| serve(&listener, stop),
        || client(addr, rate, bytes, warmup_secs, secs, clock),
    )
}

/// Runs `client` on this thread while `serve` echoes on another, then tells `serve` to stop
/// (through the flag it gets) and waits for it.
pub(crate) fn beside<T>(
    serve: impl FnOnce(&AtomicBool) -> Result<()> + Send,
    client: impl FnOnce() -> Result<T>,
) -> Result<T> {
    let stop = AtomicBool::new(false);
    std::thread::scope(|scope| {
        let echo = scope.spawn(|| serve(&stop));
        let run = client();
        stop.store(true, Ordering::Release);
        echo.join()
            .map_err(|_| anyhow::anyhow!("the echo thread panicked"))??;
        run
    })
}

/// The echo side: accepts one connection and writes back everything it reads, spinning.
fn serve(listener: &TcpListener, stop: &AtomicBool) -> Result<()> {
    let (mut s, _) = listener.accept().context("accepting the echo client")?;
    s.set_nodelay(true)?;
    s.set_nonblocking(true)?;
    let mut buf = vec![0u8; 64 * 1024];
    while !stop.load(Ordering::Acquire) {
        match s.read(&mut buf) {
            Ok(0) => return Ok(()),
            Ok(n) => write_all_spinning(&mut s, &buf[..n], stop)?,
            Err(e) if e.kind() == ErrorKind::WouldBlock => std::hint::spin_loop(),
            Err(e) => return Err(e).context("echo read"),
        }
    }
    Ok(())
}

/// `write_all` on a non-blocking socket: spins while the send buffer is full.
pub(crate) fn write_all_spinning(
    s: &mut TcpStream,
    mut data: &[u8],
    stop: &AtomicBool,
) -> Result<()> {
    while !data.is_empty() && !stop.load(Ordering::Relaxed) {
        match s.write(data) {
            Ok(n) => data = &data[n..],
            Err(e) if e.kind() == ErrorKind::WouldBlock => std::hint::spin_loop(),
            Err(e) => return Err(e).context("echo write"),
        }
    }
    Ok(())
}

/// The sending side: open loop, then drains the echoes.
fn client(
    addr: std::net::SocketAddr,
    rate: u64,
    bytes: usize,
    warmup_secs: f64,
    secs: f64,
    clock: &Clock,
) -> Result<EchoRun> {
    let mut s = TcpStream::connect(addr).context("connecting to the echo")?;
    s.set_nodelay(true)?;
    s.set_nonblocking(true)?;
    let schedule = Schedule::new(clock.now() + LEAD, rate, warmup_secs, secs);
    let total = schedule.total;
    let mut h = latency::histogram()?;
    let mut out = vec![0u8; bytes];
    let mut back = vec![0u8; 64 * 1024];
    // Bytes of the message being reassembled, and how many messages came back whole.
    let mut partial: Vec<u8> = Vec::with_capacity(bytes);
    let mut done = 0usize;
    let never = AtomicBool::new(false);
    let deadline = schedule.planned(total - 1) + DRAIN;
    let meter = Meter::start();
    let mut next = 0;
    while done < total {
        if next < total {
            if clock.now() >= schedule.planned(next) {
                message(&mut out, next as u64);
                write_all_spinning(&mut s, &out, &never)?;
                next += 1;
            }
        } else if clock.now() > deadline {
            bail!("{} of {total} echoes came back", done);
        }
        match s.read(&mut back) {
            Ok(0) => bail!("the echo closed the connection"),
            Ok(n) => {
                let at = clock.now();
                let mut data = &back[..n];
                while !data.is_empty() {
                    let take = (bytes - partial.len()).min(data.len());
                    partial.extend_from_slice(&data[..take]);
                    data = &data[take..];
                    if partial.len() == bytes {
                        if index_of(&partial) != Some(done as u64) {
                            bail!("echo {done} came back as {:?}", index_of(&partial));
                        }
                        if schedule.recorded(done) {
                            latency::record(&mut h, since(schedule.planned(done), at));
                        }
                        partial.clear();
                        done += 1;
                    }
                }
            }
            Err(e) if e.kind() == ErrorKind::WouldBlock => {}
            Err(e) => return Err(e).context("reading echoes"),
        }
    }
    Ok(EchoRun {
        latency: Latency::of(&h),
        bytes,
        sent: total as u64,
        noise: meter.stop(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_carry_their_index() {
        let mut m = vec![0u8; 130];
        message(&mut m, 123_456);
        assert_eq!(index_of(&m), Some(123_456));
        assert!(m[8..].iter().all(|&b| b == b'x'));
        assert_eq!(index_of(&m[..7]), None);
    }

    #[test]
    fn echoes_at_a_low_rate() {
        let clock = Clock::new();
        let run = measure(2_000, 130, 0.0, 0.05, &clock).expect("loopback echo");
        assert_eq!(run.latency.samples, 100);
        assert!(run.latency.p50() > 0);
    }
}
