//! The client's FIX sessions: log on (blocking, with a timeout), write NewOrderSingles and
//! read ExecutionReports under load ([`FixWriter`], [`FixReader`]), log out. One session per
//! entry of [`SESSIONS`]; this code shares nothing with any gateway under test.

use std::io::{ErrorKind, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

use anyhow::{bail, Context, Result};
use quanta::Clock;

use super::framer::{get, shown, Framer};
use super::load::{self, Link, LoadRun, OrderWriter, ReplyReader};
use super::message::Encoder;
use super::orders::{ClOrdIds, Dialect, SESSIONS};
use super::schedule::{Schedule, LEAD};
use super::settings::Threads;
use super::tally::{Kind, Reply};
use super::timestamp::now_millis;

/// HeartBtInt (108) of the logon: longer than any run goes without sending.
const HEARTBEAT_SECS: u64 = 30;
/// Longest wait for a connection, a Logon answer or a Logout answer.
const SETUP_TIMEOUT: Duration = Duration::from_secs(5);

/// Writes one session's NewOrderSingles.
#[derive(Debug)]
pub struct FixWriter {
    encoder: Encoder,
    dialect: Dialect,
    ids: ClOrdIds,
}

impl OrderWriter for FixWriter {
    fn write_order(&mut self, index: usize, out: &mut Vec<u8>) {
        self.dialect
            .new_order_single(&mut self.encoder, out, &self.ids, index, now_millis());
    }

    fn id_of(&self, index: usize) -> String {
        format!("ClOrdID {}", String::from_utf8_lossy(&self.ids.id(index)))
    }
}

/// Reads one session's replies.
#[derive(Debug)]
pub struct FixReader {
    framer: Framer,
    ids: ClOrdIds,
}

impl ReplyReader for FixReader {
    fn read_replies(
        &mut self,
        stream: &mut TcpStream,
        on: &mut dyn FnMut(Reply<'_>),
    ) -> std::io::Result<()> {
        if self.framer.fill(stream)? == 0 {
            return Err(std::io::Error::new(
                ErrorKind::UnexpectedEof,
                "the acceptor closed the connection",
            ));
        }
        loop {
            match self.framer.next_message() {
                Ok(Some(m)) => on(classify(m, &self.ids)),
                Ok(None) => return Ok(()),
                Err(e) => return Err(std::io::Error::new(ErrorKind::InvalidData, e)),
            }
        }
    }
}

/// What one message from the acceptor is.
pub fn classify<'m>(message: &'m [u8], ids: &ClOrdIds) -> Reply<'m> {
    let unexpected = |what| Reply::Unexpected { what, message };
    match get(message, 35) {
        Some(b"8") => {
            let Some(index) = get(message, 11).and_then(|id| ids.index_of(id)) else {
                return unexpected("ExecutionReport without a ClOrdID of this run");
            };
            let kind = match get(message, 150) {
                Some(b"0") => Kind::New,
                Some(b"F" | b"1" | b"2") => Kind::Trade,
                Some(b"8") => Kind::Rejected,
                _ => Kind::Other,
            };
            Reply::Answer {
                index,
                kind,
                message,
            }
        }
        Some(b"0") => Reply::Admin,
        Some(b"1") => unexpected("TestRequest (not answered during a run)"),
        Some(b"3") => unexpected("session-level Reject (35=3)"),
        Some(b"j") => unexpected("BusinessMessageReject (35=j)"),
        Some(b"5") => unexpected("Logout during the run"),
        _ => unexpected("unexpected MsgType"),
    }
}

/// Connects session `k` to `addr` and logs on; the link is ready for the load.
pub fn logon(
    addr: SocketAddr,
    dialect: Dialect,
    k: usize,
    ids: ClOrdIds,
) -> Result<Link<FixWriter, FixReader>> {
    let (stream, encoder, framer) = connect(addr, dialect, k)?;
    Link::new(
        stream,
        FixWriter {
            encoder,
            dialect,
            ids,
        },
        FixReader { framer, ids },
    )
}

/// Connects session `k` to `addr` and logs on (blocking, with a timeout); returns the socket
/// (still blocking), the session's encoder and the framer holding whatever followed the
/// acceptor's Logon.
pub fn connect(
    addr: SocketAddr,
    dialect: Dialect,
    k: usize,
) -> Result<(TcpStream, Encoder, Framer)> {
    let sender = SESSIONS[k];
    let mut stream = TcpStream::connect_timeout(&addr, SETUP_TIMEOUT)
        .with_context(|| format!("connecting to {addr}"))?;
    stream.set_nodelay(true).context("setting TCP_NODELAY")?;
    stream
        .set_read_timeout(Some(SETUP_TIMEOUT))
        .context("setting a read timeout")?;
    let mut encoder = Encoder::new(dialect.begin_string, sender, dialect.acceptor);
    let mut out = Vec::new();
    encoder.logon(&mut out, now_millis(), HEARTBEAT_SECS);
    stream.write_all(&out).context("sending Logon")?;
    let mut framer = Framer::default();
    wait_for(&mut stream, &mut framer, |m| match get(m, 35) {
        Some(b"A") => Ok(true),
        Some(b"5" | b"3" | b"j") => bail!("{sender}'s Logon was refused: {}", shown(m)),
        _ => Ok(false),
    })
    .with_context(|| format!("logging on as {sender} to {addr}"))?;
    Ok((stream, encoder, framer))
}

/// Logs out (blocking): sends Logout and waits for the acceptor's Logout or the close.
pub fn logout(link: Link<FixWriter, FixReader>) -> Result<()> {
    let (mut stream, mut writer, mut reader) = link.into_parts();
    stream
        .set_nonblocking(false)
        .and_then(|()| stream.set_read_timeout(Some(SETUP_TIMEOUT)))
        .context("making the socket blocking")?;
    let mut out = Vec::new();
    writer.encoder.logout(&mut out, now_millis());
    stream.write_all(&out).context("sending Logout")?;
    match wait_for(&mut stream, &mut reader.framer, |m| {
        Ok(get(m, 35) == Some(b"5"))
    }) {
        Err(e)
            if e.downcast_ref::<std::io::Error>().map(|e| e.kind())
                == Some(ErrorKind::UnexpectedEof) =>
        {
            Ok(())
        }
        other => other,
    }
}

/// Reads messages (blocking) until `done` says one was the awaited one, for at most
/// [`SETUP_TIMEOUT`] in all (a peer still working through a backlog keeps sending).
fn wait_for(
    stream: &mut TcpStream,
    framer: &mut Framer,
    mut done: impl FnMut(&[u8]) -> Result<bool>,
) -> Result<()> {
    let start = std::time::Instant::now();
    loop {
        while let Some(m) = framer.next_message()? {
            if done(m)? {
                return Ok(());
            }
        }
        if start.elapsed() > SETUP_TIMEOUT {
            bail!("no answer within {} s", SETUP_TIMEOUT.as_secs());
        }
        match framer.fill(stream) {
            Ok(0) => {
                return Err(std::io::Error::from(ErrorKind::UnexpectedEof))
                    .context("the acceptor closed the connection")
            }
            Ok(_) => {}
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                bail!("no answer within {} s", SETUP_TIMEOUT.as_secs())
            }
            Err(e) => return Err(e).context("reading from the acceptor"),
        }
    }
}

/// One open-loop run against the FIX acceptor at `addr`: every session logs on, the orders
/// go out at `rate`, every session logs out.
pub fn measure(
    addr: SocketAddr,
    dialect: Dialect,
    rate: u64,
    warmup_secs: f64,
    secs: f64,
    threads: Threads,
    clock: &Clock,
) -> Result<LoadRun> {
    let ids = ClOrdIds::next();
    let mut links = (0..SESSIONS.len())
        .map(|k| logon(addr, dialect, k, ids))
        .collect::<Result<Vec<_>>>()?;
    let schedule = Schedule::new(clock.now() + LEAD, rate, warmup_secs, secs);
    let run = load::run(&mut links, &schedule, threads, clock)?;
    for (k, link) in links.into_iter().enumerate() {
        if let Err(e) = logout(link) {
            eprintln!("  warning: {} did not log out cleanly: {e:#}", SESSIONS[k]);
        }
    }
    Ok(run)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fix::message::field;
    use crate::fix::orders::TRADESTREAM;
    use std::net::TcpListener;

    /// A minimal acceptor for one connection: Logon answered with Logon, each NewOrderSingle
    /// with an ExecutionReport New carrying its ClOrdID, Logout with Logout. Returns the
    /// orders it answered.
    fn fake_acceptor(mut stream: TcpStream) -> Result<u64> {
        let mut framer = Framer::default();
        let mut encoder: Option<Encoder> = None;
        let mut orders = 0;
        loop {
            if framer.fill(&mut stream)? == 0 {
                return Ok(orders);
            }
            let mut out = Vec::new();
            let mut done = false;
            while let Some(m) = framer.next_message()? {
                let client = String::from_utf8_lossy(get(m, 49).unwrap_or_default()).into_owned();
                let e = encoder
                    .get_or_insert_with(|| Encoder::new("FIX.4.4", TRADESTREAM.acceptor, &client));
                match get(m, 35) {
                    Some(b"A") => e.logon(&mut out, 0, 30),
                    Some(b"D") => {
                        orders += 1;
                        let id = get(m, 11).unwrap_or_default().to_vec();
                        e.message(&mut out, b"8", 0, |b| {
                            field(b, 11, &id);
                            field(b, 150, b"0");
                        });
                    }
                    Some(b"5") => {
                        e.logout(&mut out, 0);
                        done = true;
                    }
                    _ => {}
                }
            }
            stream.write_all(&out)?;
            if done {
                return Ok(orders);
            }
        }
    }

    #[test]
    fn logs_on_sends_orders_and_logs_out() {
        let listener = TcpListener::bind("127.0.0.1:0").expect("loopback");
        let addr = listener.local_addr().expect("bound");
        let clock = Clock::new();
        std::thread::scope(|scope| {
            let acceptors = scope.spawn(|| {
                let handles: Vec<_> = (0..SESSIONS.len())
                    .map(|_| {
                        let (s, _) = listener.accept().expect("a session connects");
                        scope.spawn(move || fake_acceptor(s))
                    })
                    .collect();
                handles
                    .into_iter()
                    .map(|h| h.join().expect("no panic").expect("valid FIX"))
                    .collect::<Vec<_>>()
            });
            let run = measure(addr, TRADESTREAM, 2_000, 0.0, 0.05, Threads::One, &clock)
                .expect("a clean run");
            assert_eq!(acceptors.join().expect("no panic"), vec![50, 50]);
            assert_eq!((run.sent, run.answered, run.kinds[0]), (100, 100, 100));
            assert!(run.problems.is_clean(), "{:?}", run.problems);
            assert_eq!(run.latency.samples, 100);
        });
    }

    #[test]
    fn classifies_what_acceptors_send() {
        let ids = ClOrdIds::next();
        let id = String::from_utf8(ids.id(4).to_vec()).expect("digits");
        let er =
            |exec: &str| format!("8=FIX.4.4\x0135=8\x0111={id}\x01150={exec}\x01").into_bytes();
        let kind = |m: &[u8]| match classify(m, &ids) {
            Reply::Answer { index: 4, kind, .. } => Some(kind),
            _ => None,
        };
        assert_eq!(kind(&er("0")), Some(Kind::New));
        assert_eq!(kind(&er("F")), Some(Kind::Trade));
        assert_eq!(kind(&er("2")), Some(Kind::Trade));
        assert_eq!(kind(&er("8")), Some(Kind::Rejected));
        assert_eq!(kind(&er("4")), Some(Kind::Other));
        assert!(matches!(classify(b"35=0\x01", &ids), Reply::Admin));
        for m in [&b"35=j\x01"[..], b"35=8\x0111=x\x01", b"35=5\x01"] {
            assert!(matches!(classify(m, &ids), Reply::Unexpected { .. }));
        }
    }
}
