//! The open-loop client every target gets, whatever it speaks: order `i` is planned at
//! `t0 + i / rate` and goes on connection `i % n`; the sender spins until then (never early)
//! and writes it; the reading side spins on the sockets and times each order from its planned
//! send to the read of its first answer. A send that leaves late is charged its lateness
//! (coordinated omission is avoided by construction, nothing is corrected afterwards); how late
//! the sender itself was is recorded apart.
//!
//! With [`Threads::One`] one thread does both, reading between sends; with [`Threads::Two`] a
//! sender thread writes and the calling thread reads, each on its own clone of the sockets.
//! What goes on the wire is the target's business: an [`OrderWriter`] writes orders, a
//! [`ReplyReader`] cuts the returning bytes into [`Reply`]s.

use std::io::{ErrorKind, Write};
use std::net::TcpStream;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use anyhow::{anyhow, bail, Context, Result};
use hdrhistogram::Histogram;
use quanta::Clock;

use super::latency::{self, Latency};
use super::meter::{Meter, RunNoise};
use super::problems::Problems;
use super::schedule::{since, Schedule};
use super::settings::Threads;
use super::tally::{Reply, Tally};

/// How long after the last planned send answers are waited for (and orders a slow peer has
/// not taken yet are kept trying).
pub const DRAIN: Duration = Duration::from_secs(10);

/// Writes orders onto one connection.
pub trait OrderWriter: Send {
    /// Appends order `index`'s message to `out`.
    fn write_order(&mut self, index: usize, out: &mut Vec<u8>);
    /// The id order `index` carries, for reports.
    fn id_of(&self, index: usize) -> String;
}

/// Reads the replies of one connection.
pub trait ReplyReader {
    /// Reads what `stream` has now (one read), handing each whole reply to `on`. `WouldBlock`
    /// when nothing came; an error when the peer closed or broke the stream.
    fn read_replies(
        &mut self,
        stream: &mut TcpStream,
        on: &mut dyn FnMut(Reply<'_>),
    ) -> std::io::Result<()>;
}

/// One connection under load: its socket, twice (one handle per direction), and what writes
/// its orders and reads its replies.
pub struct Link<W, R> {
    /// The sending handle.
    out: TcpStream,
    /// Bytes written but not yet taken by the socket.
    pending: Vec<u8>,
    /// Writes the orders.
    pub writer: W,
    /// The reading handle.
    inn: TcpStream,
    /// Reads the replies.
    pub reader: R,
}

impl<W: OrderWriter, R: ReplyReader> Link<W, R> {
    /// Wraps a connected socket, switching it to non-blocking.
    pub fn new(stream: TcpStream, writer: W, reader: R) -> Result<Link<W, R>> {
        stream.set_nodelay(true).context("setting TCP_NODELAY")?;
        stream
            .set_read_timeout(None)
            .and_then(|()| stream.set_nonblocking(true))
            .context("making the socket non-blocking")?;
        Ok(Link {
            out: stream.try_clone().context("cloning the socket")?,
            pending: Vec::with_capacity(64 * 1024),
            writer,
            inn: stream,
            reader,
        })
    }

    /// The socket, e.g. to log out once the run is over.
    pub fn into_parts(self) -> (TcpStream, W, R) {
        (self.inn, self.writer, self.reader)
    }
}

/// One run of one target at one rate.
#[derive(Debug, Clone)]
pub struct LoadRun {
    /// Planned send until the first answer was read (rejected orders left out).
    pub latency: Latency,
    /// How late each send left after its planned time (the client's own delays).
    pub lateness: Latency,
    /// Orders sent, warm-up included.
    pub sent: u64,
    /// Orders answered at least once.
    pub answered: u64,
    /// Answers after the first (fills after a New).
    pub later: u64,
    /// First answers by ExecType: New, Trade (or fill), Rejected, other.
    pub kinds: [u64; 4],
    /// Rejects, unexpected messages, missing answers.
    pub problems: Problems,
    /// What the machine took.
    pub noise: RunNoise,
}

/// The sending half of a run.
struct Sender<'s, W> {
    outs: Vec<(&'s mut TcpStream, &'s mut Vec<u8>, &'s mut W)>,
    schedule: &'s Schedule,
    next: usize,
    late: Histogram<u64>,
}

impl<W: OrderWriter> Sender<'_, W> {
    /// Writes the next order if it is due, and whatever earlier writes left pending.
    fn step(&mut self, clock: &Clock) -> Result<()> {
        if self.next < self.schedule.total {
            let planned = self.schedule.planned(self.next);
            let now = clock.now();
            if now >= planned {
                let n = self.outs.len();
                let (_, pending, writer) = &mut self.outs[self.next % n];
                writer.write_order(self.next, pending);
                latency::record(&mut self.late, since(planned, now));
                self.next += 1;
            }
        }
        for (stream, pending, _) in &mut self.outs {
            if !pending.is_empty() {
                flush(stream, pending)?;
            }
        }
        Ok(())
    }

    /// Whether every order was handed to the sockets.
    fn finished(&self) -> bool {
        self.next == self.schedule.total && self.outs.iter().all(|(_, p, _)| p.is_empty())
    }
}

/// Writes as much of `pending` as the socket takes now.
fn flush(stream: &mut TcpStream, pending: &mut Vec<u8>) -> Result<()> {
    let mut written = 0;
    while written < pending.len() {
        match stream.write(&pending[written..]) {
            Ok(0) => bail!("the peer stopped taking bytes"),
            Ok(n) => written += n,
            Err(e) if e.kind() == ErrorKind::WouldBlock => break,
            Err(e) => return Err(e).context("writing orders"),
        }
    }
    pending.drain(..written);
    Ok(())
}

/// Reads what every connection has now into `tally`.
fn poll<R: ReplyReader>(
    ins: &mut [(&mut TcpStream, &mut R)],
    tally: &mut Tally<'_>,
    clock: &Clock,
) -> Result<()> {
    for (stream, reader) in ins.iter_mut() {
        let mut at = None;
        let result = reader.read_replies(stream, &mut |reply| {
            let at = *at.get_or_insert_with(|| clock.now());
            tally.take(reply, at);
        });
        match result {
            Ok(()) => {}
            Err(e) if e.kind() == ErrorKind::WouldBlock => {}
            Err(e) => {
                return Err(anyhow!(e))
                    .with_context(|| format!("reading answers ({} orders answered)", tally.count))
            }
        }
    }
    Ok(())
}

/// Sends the orders of `schedule` over `links` and reads their answers.
pub fn run<W: OrderWriter, R: ReplyReader>(
    links: &mut [Link<W, R>],
    schedule: &Schedule,
    threads: Threads,
    clock: &Clock,
) -> Result<LoadRun> {
    let total = schedule.total;
    let mut tally = Tally::new(schedule)?;
    let mut ins = Vec::with_capacity(links.len());
    let mut outs = Vec::with_capacity(links.len());
    for link in links.iter_mut() {
        ins.push((&mut link.inn, &mut link.reader));
        outs.push((&mut link.out, &mut link.pending, &mut link.writer));
    }
    let mut sender = Sender {
        outs,
        schedule,
        next: 0,
        late: latency::histogram()?,
    };
    let deadline = schedule.planned(total - 1) + DRAIN;
    let meter = Meter::start();
    match threads {
        Threads::One => loop {
            sender.step(clock)?;
            poll(&mut ins, &mut tally, clock)?;
            if tally.complete() || clock.now() > deadline {
                break;
            }
        },
        Threads::Two => {
            let stop = AtomicBool::new(false);
            let failed = AtomicBool::new(false);
            std::thread::scope(|scope| -> Result<()> {
                let sending = scope.spawn(|| {
                    let result: Result<()> = (|| {
                        while !stop.load(Ordering::Relaxed) && !sender.finished() {
                            sender.step(clock)?;
                        }
                        Ok(())
                    })();
                    failed.store(result.is_err(), Ordering::Relaxed);
                    result
                });
                let reading: Result<()> = (|| {
                    while !tally.complete() && clock.now() <= deadline {
                        if failed.load(Ordering::Relaxed) {
                            break;
                        }
                        poll(&mut ins, &mut tally, clock)?;
                    }
                    Ok(())
                })();
                stop.store(true, Ordering::Relaxed);
                sending
                    .join()
                    .map_err(|_| anyhow!("the sender thread panicked"))??;
                reading
            })?;
        }
    }
    let noise = meter.stop();
    let sent = sender.next as u64;
    let late = Latency::of(&sender.late);
    let n = links.len();
    tally.close(DRAIN.as_secs(), |i| links[i % n].writer.id_of(i));
    Ok(LoadRun {
        latency: tally.latency(),
        lateness: late,
        sent,
        answered: tally.count,
        later: tally.later,
        kinds: tally.kinds,
        problems: tally.problems.clone(),
        noise,
    })
}
