//! The QUIC floor: a bare loopback UDP echo of datagrams as large as the QUIC packet that
//! carries one NewOrder, both ends spinning on non-blocking sockets, open loop and recorded the
//! same way as every other row (planned send until the echo is read).
//!
//! Datagram `i` carries its index in its first 8 bytes (the rest is filler), so an echo is
//! timed against its own planned send even if the kernel dropped or reordered one; a datagram
//! that never comes back is counted missing.

use std::io::ErrorKind;
use std::net::{SocketAddr, UdpSocket};
use std::os::fd::AsRawFd;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use anyhow::{Context, Result};
use quanta::Clock;

use super::sample::Sample;
use crate::journal::latency::{self, Latency};
use crate::journal::meter::Meter;
use crate::ws::echo::{beside, index_of, message};
use crate::ws::problems::Problems;
use crate::ws::schedule::{since, Schedule};

/// Socket buffer bytes asked for on both ends: a few milliseconds of stall at 50K datagrams/s
/// (each small datagram is charged about a kilobyte against the buffer) must not drop any.
const SOCKET_BUFFER: libc::c_int = 8 << 20;
/// How long after the last planned send echoes are waited for.
const DRAIN: Duration = Duration::from_secs(2);

/// Runs the echo with datagrams of `bytes` bytes (at least 8), sent on the schedule `plan`
/// makes once the echo is up.
pub fn measure(bytes: usize, plan: impl FnOnce() -> Schedule, clock: &Clock) -> Result<Sample> {
    let bytes = bytes.max(8);
    let echo = UdpSocket::bind("127.0.0.1:0").context("binding the echo socket")?;
    echo.set_nonblocking(true)?;
    enlarge_buffers(&echo);
    let addr = echo.local_addr()?;
    beside(
        |stop| serve(&echo, stop),
        || client(addr, bytes, &plan(), clock),
    )
}

/// Asks for [`SOCKET_BUFFER`] bytes of receive and send buffer: beyond the system's limit
/// where the process may (`SO_RCVBUFFORCE`, as root), else up to it. Best effort: a datagram the
/// kernel drops anyway is counted missing.
fn enlarge_buffers(socket: &UdpSocket) {
    let fd = socket.as_raw_fd();
    for (forced, plain) in [
        (libc::SO_RCVBUFFORCE, libc::SO_RCVBUF),
        (libc::SO_SNDBUFFORCE, libc::SO_SNDBUF),
    ] {
        for option in [forced, plain] {
            // SAFETY: `fd` is an open socket for the duration of the call; the value is a
            // c_int whose size is passed with it.
            let set = unsafe {
                libc::setsockopt(
                    fd,
                    libc::SOL_SOCKET,
                    option,
                    (&SOCKET_BUFFER as *const libc::c_int).cast(),
                    std::mem::size_of::<libc::c_int>() as libc::socklen_t,
                )
            };
            if set == 0 {
                break;
            }
        }
    }
}

/// The echo side: sends every datagram straight back to where it came from, spinning.
fn serve(socket: &UdpSocket, stop: &AtomicBool) -> Result<()> {
    let mut buf = vec![0u8; 64 * 1024];
    while !stop.load(Ordering::Acquire) {
        match socket.recv_from(&mut buf) {
            Ok((n, from)) => loop {
                match socket.send_to(&buf[..n], from) {
                    Ok(_) => break,
                    Err(e) if e.kind() == ErrorKind::WouldBlock => std::hint::spin_loop(),
                    Err(e) => return Err(e).context("echo send"),
                }
            },
            Err(e) if e.kind() == ErrorKind::WouldBlock => std::hint::spin_loop(),
            Err(e) => return Err(e).context("echo receive"),
        }
    }
    Ok(())
}

/// The sending side: one thread sends on `schedule` and reads between sends.
fn client(addr: SocketAddr, bytes: usize, schedule: &Schedule, clock: &Clock) -> Result<Sample> {
    let socket = UdpSocket::bind("127.0.0.1:0").context("binding the client socket")?;
    socket.connect(addr).context("connecting to the echo")?;
    socket.set_nonblocking(true)?;
    enlarge_buffers(&socket);
    let total = schedule.total;
    let mut h = latency::histogram()?;
    let mut late = latency::histogram()?;
    let mut out = vec![0u8; bytes];
    let mut back = vec![0u8; 64 * 1024];
    let mut seen = vec![false; total];
    let mut answered = 0usize;
    let mut problems = Problems::default();
    let deadline = schedule.planned(total - 1) + DRAIN;
    let meter = Meter::start();
    let mut next = 0;
    while answered < total {
        if next < total {
            let planned = schedule.planned(next);
            if clock.now() >= planned {
                message(&mut out, next as u64);
                match socket.send(&out) {
                    Ok(_) => {
                        latency::record(&mut late, since(planned, clock.now()));
                        next += 1;
                    }
                    // A full socket buffer: retried on the next turn, charged its lateness.
                    Err(e) if e.kind() == ErrorKind::WouldBlock => {}
                    Err(e) => return Err(e).context("sending a datagram"),
                }
            }
        } else if clock.now() > deadline {
            break;
        }
        match socket.recv(&mut back) {
            Ok(n) => {
                let at = clock.now();
                let index = index_of(&back[..n]).map(|i| i as usize);
                match index.filter(|&i| i < next && n == bytes && !seen[i]) {
                    Some(i) => {
                        seen[i] = true;
                        answered += 1;
                        if schedule.recorded(i) {
                            latency::record(&mut h, since(schedule.planned(i), at));
                        }
                    }
                    None => problems.unexpected("unknown, repeated or cut datagram", "echo"),
                }
            }
            Err(e) if e.kind() == ErrorKind::WouldBlock => {}
            Err(e) => return Err(e).context("receiving echoes"),
        }
    }
    let noise = meter.stop();
    problems.missing(
        (total - answered) as u64,
        &format!("{} of {total} datagrams never came back", total - answered),
    );
    Ok(Sample {
        latency: Latency::of(&h),
        lateness: Some(Latency::of(&late)),
        sent: next as u64,
        answered: answered as u64,
        problems,
        noise,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ws::schedule::LEAD;

    #[test]
    fn echoes_datagrams_at_a_low_rate() {
        let clock = Clock::new();
        let plan = || Schedule::new(clock.now() + LEAD, 2_000, 0.0, 0.05);
        let run = measure(73, plan, &clock).expect("loopback UDP echo");
        assert_eq!((run.sent, run.answered), (100, 100));
        assert_eq!(run.latency.samples, 100);
        assert!(run.problems.is_clean(), "{:?}", run.problems);
    }
}
