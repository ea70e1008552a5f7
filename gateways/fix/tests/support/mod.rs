//! Shared helpers of the codec and session tests: a counterparty that builds its messages
//! ([`Peer`]), an [`Acceptor`] harness with explicit times that renders every output as text
//! ([`Harness`]), and a recording application wrapped around the echo application
//! ([`TestApp`]).
//!
//! Outputs are rendered as `35=A|34=1|49=ISLD|...`: every field but BeginString (8),
//! BodyLength (9) and CheckSum (10), `|` between fields. Before rendering, each written
//! message is parsed and validated against the FIX 4.4 dictionary, so BodyLength, CheckSum
//! and the dictionary rules are checked on everything the acceptor writes.

#![allow(dead_code)]

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::OnceLock;
use tradestream_fix::acceptor::{Acceptor, ConnId, Output};
use tradestream_fix::app::{AppError, Application, Outbox, SessionId};
use tradestream_fix::codec::encode::{encode, Outgoing};
use tradestream_fix::codec::parse::Message;
use tradestream_fix::codec::time::timestamp;
use tradestream_fix::dict::Dictionary;
use tradestream_fix::echo::Echo;
use tradestream_fix::session::{Session, SessionConfig};
use tradestream_fix::store::Store;
use tradestream_fix::validate;

/// 2026-12-07 01:02:03.456 UTC, in epoch milliseconds: the tests' "now".
pub const T0: i64 = 1_796_605_323_456;
/// Our CompID.
pub const US: &str = "ISLD";
/// The counterparty's CompID.
pub const THEM: &str = "TW";

/// The FIX 4.4 dictionary (loaded once per test binary).
pub fn dict() -> Dictionary {
    static DICT: OnceLock<Dictionary> = OnceLock::new();
    DICT.get_or_init(Dictionary::fix44).clone()
}

/// `|` → SOH.
pub fn soh(s: &str) -> Vec<u8> {
    s.replace('|', "\x01").into_bytes()
}

/// SOH → `|`.
pub fn show(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).replace('\x01', "|")
}

/// A FIX timestamp as text.
pub fn ts(ms: i64) -> String {
    String::from_utf8(timestamp(ms)).unwrap()
}

/// Every field but 8, 9 and 10, as `tag=value` joined by `|`.
pub fn render(m: &Message) -> String {
    m.fields()
        .iter()
        .filter(|f| !matches!(f.tag, 8..=10))
        .map(|f| format!("{}={}", f.tag, show(m.value(f))))
        .collect::<Vec<_>>()
        .join("|")
}

/// Parses bytes the acceptor wrote: they must be one well-formed, dictionary-valid message.
pub fn parse_ours(bytes: &[u8]) -> Message {
    let d = dict();
    let m = Message::parse(bytes.to_vec(), &d)
        .unwrap_or_else(|e| panic!("acceptor wrote a garbled message ({e}): {}", show(bytes)));
    if let Err(e) = validate::validate(&m, &validate::tree(&m, &d), &d) {
        panic!("acceptor wrote an invalid message ({e:?}): {}", show(bytes));
    }
    m
}

/// A counterparty: builds messages with its CompIDs.
#[derive(Debug, Clone)]
pub struct Peer {
    /// Its SenderCompID.
    pub sender: String,
    /// Its TargetCompID (our CompID).
    pub target: String,
}

impl Default for Peer {
    fn default() -> Peer {
        Peer::new(THEM, US)
    }
}

impl Peer {
    /// A counterparty `sender` talking to `target`.
    pub fn new(sender: &str, target: &str) -> Peer {
        Peer {
            sender: sender.into(),
            target: target.into(),
        }
    }

    /// A message with MsgSeqNum `seq` and SendingTime `now`; `header` holds extra header
    /// fields, `body` the body with `|` for SOH.
    pub fn msg(
        &self,
        msg_type: &str,
        seq: u64,
        now: i64,
        header: &[(i32, &str)],
        body: &str,
    ) -> Vec<u8> {
        let seq = seq.to_string();
        let sending = ts(now);
        let mut h: Vec<(i32, &[u8])> = vec![
            (34, seq.as_bytes()),
            (49, self.sender.as_bytes()),
            (52, sending.as_bytes()),
            (56, self.target.as_bytes()),
        ];
        h.extend(header.iter().map(|(t, v)| (*t, v.as_bytes())));
        let mut out = Vec::new();
        encode(
            b"FIX.4.4",
            msg_type.as_bytes(),
            &mut h,
            &soh(body),
            &mut out,
        );
        out
    }

    /// A Logon with HeartBtInt `hb`.
    pub fn logon(&self, seq: u64, now: i64, hb: u32) -> Vec<u8> {
        self.msg("A", seq, now, &[], &format!("98=0|108={hb}|"))
    }

    /// A Logon with ResetSeqNumFlag=Y.
    pub fn logon_reset(&self, seq: u64, now: i64, hb: u32) -> Vec<u8> {
        self.msg("A", seq, now, &[], &format!("98=0|108={hb}|141=Y|"))
    }

    /// A NewOrderSingle, body fields deliberately not in tag order.
    pub fn order(&self, seq: u64, now: i64, cl_ord_id: &str) -> Vec<u8> {
        self.msg("D", seq, now, &[], &order_body(cl_ord_id))
    }

    /// A NewOrderSingle sent again: PossDupFlag=Y, OrigSendingTime `orig`.
    pub fn order_poss_dup(&self, seq: u64, now: i64, orig: i64, cl_ord_id: &str) -> Vec<u8> {
        let o = ts(orig);
        self.msg(
            "D",
            seq,
            now,
            &[(43, "Y"), (122, &o)],
            &order_body(cl_ord_id),
        )
    }

    /// A Heartbeat.
    pub fn heartbeat(&self, seq: u64, now: i64) -> Vec<u8> {
        self.msg("0", seq, now, &[], "")
    }

    /// A TestRequest.
    pub fn test_request(&self, seq: u64, now: i64, id: &str) -> Vec<u8> {
        self.msg("1", seq, now, &[], &format!("112={id}|"))
    }

    /// A ResendRequest for `begin..=end` (0: infinity).
    pub fn resend_request(&self, seq: u64, now: i64, begin: u64, end: u64) -> Vec<u8> {
        self.msg("2", seq, now, &[], &format!("7={begin}|16={end}|"))
    }

    /// A SequenceReset-GapFill sent under `seq` up to `new_seq`.
    pub fn gap_fill(&self, seq: u64, now: i64, new_seq: u64) -> Vec<u8> {
        let o = ts(now);
        self.msg(
            "4",
            seq,
            now,
            &[(43, "Y"), (122, &o)],
            &format!("36={new_seq}|123=Y|"),
        )
    }

    /// A Logout.
    pub fn logout(&self, seq: u64, now: i64) -> Vec<u8> {
        self.msg("5", seq, now, &[], "")
    }
}

/// The body of [`Peer::order`].
pub fn order_body(cl_ord_id: &str) -> String {
    format!("11={cl_ord_id}|55=IBM|54=1|38=100|40=2|44=10.25|21=1|60=20261207-01:02:03.000|")
}

/// How the echo application answers [`Peer::order`] (header first), for `seq` sent at `now`.
pub fn order_echo(seq: u64, now: i64, cl_ord_id: &str) -> String {
    format!(
        "35=D|34={seq}|49={US}|52={}|56={THEM}|11={cl_ord_id}|21=1|38=100|40=2|44=10.25|54=1|55=IBM|60=20261207-01:02:03.000",
        ts(now)
    )
}

/// Our SequenceReset-GapFill sent at `now` in place of `seq`, to `new_seq`.
pub fn gap_fill(seq: u64, now: i64, new_seq: u64) -> String {
    format!(
        "35=4|34={seq}|43=Y|49={US}|52={t}|56={THEM}|122={t}|36={new_seq}|123=Y",
        t = ts(now)
    )
}

/// The echo of an order sent again: PossDupFlag and OrigSendingTime added to the header.
pub fn order_resent(seq: u64, now: i64, orig: i64, cl_ord_id: &str) -> String {
    format!(
        "35=D|34={seq}|43=Y|49={US}|52={}|56={THEM}|122={}|11={cl_ord_id}|21=1|38=100|40=2|44=10.25|54=1|55=IBM|60=20261207-01:02:03.000",
        ts(now),
        ts(orig)
    )
}

/// What [`TestApp`] saw and what it is to send on its next poll.
#[derive(Default)]
pub struct AppLog {
    /// Application messages delivered, rendered.
    pub received: Vec<(SessionId, String)>,
    /// `on_logon` calls.
    pub logons: Vec<SessionId>,
    /// `on_logout` calls.
    pub logouts: Vec<SessionId>,
    /// Sent (in order) on the next `poll`.
    pub to_send: Vec<(SessionId, Outgoing)>,
}

/// The echo application, recording what reaches it; sends what the test queues in its log
/// when polled (as the exchange sends engine output).
pub struct TestApp {
    echo: Echo,
    /// Shared with the test.
    pub log: Rc<RefCell<AppLog>>,
}

impl Application for TestApp {
    fn on_app_message(
        &mut self,
        session: SessionId,
        msg: &Message,
        out: &mut Outbox,
    ) -> Result<(), AppError> {
        self.log.borrow_mut().received.push((session, render(msg)));
        self.echo.on_app_message(session, msg, out)
    }

    fn on_logon(&mut self, session: SessionId, out: &mut Outbox) {
        self.log.borrow_mut().logons.push(session);
        self.echo.on_logon(session, out);
    }

    fn on_logout(&mut self, session: SessionId, out: &mut Outbox) {
        self.log.borrow_mut().logouts.push(session);
        self.echo.on_logout(session, out);
    }

    fn poll(&mut self, _max: usize, out: &mut Outbox) -> bool {
        for (s, m) in self.log.borrow_mut().to_send.drain(..) {
            out.send(s, m);
        }
        false
    }
}

/// One acceptor session ISLD ← TW with QuickFIX's defaults and no reset on logon.
pub fn session_over(store: Store) -> Session {
    Session::new(0, SessionConfig::fix44(US, THEM), store)
}

/// An acceptor driven with explicit times, its outputs rendered.
pub struct Harness<A: Application> {
    /// The acceptor under test.
    pub acc: Acceptor<A>,
}

impl Harness<Echo> {
    /// The plain echo application over `sessions`.
    pub fn echo(sessions: Vec<Session>) -> Harness<Echo> {
        let n = sessions.len();
        Harness {
            acc: Acceptor::new(dict(), sessions, Echo::new(dict(), n)),
        }
    }
}

impl Harness<TestApp> {
    /// The recording application over `sessions`, and its log.
    pub fn recording(sessions: Vec<Session>) -> (Harness<TestApp>, Rc<RefCell<AppLog>>) {
        let n = sessions.len();
        let log = Rc::new(RefCell::new(AppLog::default()));
        let app = TestApp {
            echo: Echo::new(dict(), n),
            log: log.clone(),
        };
        (
            Harness {
                acc: Acceptor::new(dict(), sessions, app),
            },
            log,
        )
    }
}

impl<A: Application> Harness<A> {
    /// A new connection.
    pub fn connect(&mut self, now: i64) -> ConnId {
        self.acc.connect(now)
    }

    /// Everything the acceptor wants written or closed, rendered, with the connection.
    pub fn take(&mut self) -> Vec<(ConnId, String)> {
        self.acc
            .take_outputs()
            .into_iter()
            .map(|(c, o)| {
                (
                    c,
                    match o {
                        Output::Write(b) => render(&parse_ours(&b)),
                        Output::Close => "CLOSE".to_string(),
                    },
                )
            })
            .collect()
    }

    /// The outputs, which must all concern `conn`.
    pub fn take_for(&mut self, conn: ConnId) -> Vec<String> {
        self.take()
            .into_iter()
            .map(|(c, o)| {
                assert_eq!(c, conn, "output for another connection: {o}");
                o
            })
            .collect()
    }

    /// `bytes` arrive on `conn` at `now`: what the acceptor answers on that connection.
    pub fn recv(&mut self, conn: ConnId, bytes: &[u8], now: i64) -> Vec<String> {
        self.acc.receive(conn, bytes, now);
        self.take_for(conn)
    }

    /// A timer tick at `now`.
    pub fn tick(&mut self, now: i64) -> Vec<(ConnId, String)> {
        self.acc.tick(now);
        self.take()
    }

    /// A new connection that logs on as `peer` with `seq` at `now` (HeartBtInt 30); returns
    /// the connection and the acceptor's answer.
    pub fn logon(&mut self, peer: &Peer, seq: u64, now: i64) -> (ConnId, Vec<String>) {
        let c = self.connect(now);
        let out = self.recv(c, &peer.logon(seq, now, 30), now);
        (c, out)
    }

    /// The (next outbound, next expected inbound) sequence numbers of session `s`.
    pub fn seq_nums(&self, s: SessionId) -> (u64, u64) {
        self.acc.session(s).seq_nums()
    }
}

/// The Logon answer to [`Peer::logon`] with HeartBtInt 30, under `seq` at `now`.
pub fn logon_answer(seq: u64, now: i64) -> String {
    format!("35=A|34={seq}|49={US}|52={}|56={THEM}|98=0|108=30", ts(now))
}

/// Proptest cases: `PROPTEST_CASES` when set, else `default`.
pub fn cases(default: u32) -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}
