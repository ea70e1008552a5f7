#!/usr/bin/env python3
"""Interop of `tradestream serve`'s FIX 4.4 acceptor with a FIX engine we did not write.

QuickFIX/C++ (through the PyPI wheel `quickfix-py`) runs as the initiator of two sessions,
CLIENT1 and CLIENT2 (TargetCompID TRADESTREAM), validating everything the server sends with
the FIX 4.4 data dictionary of gateways/fix/spec/FIX44.xml. CLIENT1 connects through a TCP
relay run by this script, so its connection can be cut for real (no Logout); CLIENT2 connects
directly. The scenario:

  a. both sessions log on;
  b. CLIENT2 rests an offer; CLIENT1 asks for the security list (x -> y) and subscribes to
     BTC-USD market data (V -> W, with the offer in it);
  c. CLIENT1 places a buy (D -> 150=0), amends it (G -> 150=5), places and cancels a second
     buy (D, F -> 150=4); incremental refreshes (X) follow the book;
  d. the relay drops CLIENT1's connection and refuses new ones for a few seconds;
  e. meanwhile CLIENT2 sells into CLIENT1's amended bid (150=F for CLIENT2): the server makes
     CLIENT1's fill report while CLIENT1 is offline;
  f. the relay accepts again; QuickFIX logs on with its next MsgSeqNum (the Logons it sent
     into refused connections during the outage took numbers too: the server asks for them
     and QuickFIX gap-fills), sees the server's Logon ahead of what it expects, sends a
     ResendRequest and gets the missed fill report again with PossDupFlag=Y and an
     OrigSendingTime within the outage; a TestRequest then shows no number was lost;
  g. CLIENT1 subscribes again (the book shows the partial fill), asks for the order's status
     (H) and the mass status (AF) and mass cancels (q); CLIENT2 mass cancels its offer; both
     log out, and every server message of both sessions was seen or gap-filled.

Every wait is bounded (FIX_INTEROP_TIMEOUT seconds, default 15). Exit code 0 only when every
step was observed, QuickFIX sent no Reject (3) or BusinessMessageReject (j) and the server
sent none either (nor a MarketDataRequestReject or OrderCancelReject); otherwise
`FAIL: ...` and exit code 1 (2 for usage or a missing `quickfix`). What QuickFIX saw and
sent is printed as it happens.

The server must be fresh (an empty data_dir: sequence numbers from 1) and run the exchange
application with these sessions: CLIENT1 -> account 1 and CLIENT2 -> account 2, both
with cancel_on_disconnect off, trading BTC-USD (tick 0.5, lot 0.0001), the accounts funded.
tests/fix_interop.rs starts such a server and runs this script; by hand:

    python3 tests/fix/interop_initiator.py PORT WORKDIR

with PORT the server's FIX port and WORKDIR an empty directory for QuickFIX's store, logs
and settings.
"""

import os
import socket
import sys
import threading
import time
import traceback
from collections import namedtuple
from decimal import Decimal

try:
    import quickfix as fix
except ImportError as e:  # pragma: no cover - the message is the point
    print(f"FAIL: cannot import quickfix ({e}); install quickfix-py: "
          "python3 -m pip install quickfix-py", flush=True)
    sys.exit(2)

SOH = "\x01"
TIMEOUT = float(os.environ.get("FIX_INTEROP_TIMEOUT", "15"))
# How long the relay keeps CLIENT1 cut off (at least).
OUTAGE = 3.0
REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DICTIONARY = os.path.join(REPO, "gateways", "fix", "spec", "FIX44.xml")
SERVER = "TRADESTREAM"
SYMBOL = "BTC-USD"
START = time.monotonic()


class Failure(Exception):
    """A step was not observed as expected."""


_SAY = threading.Lock()


def say(text):
    """One line of the transcript (from any thread)."""
    with _SAY:
        sys.stdout.write(f"{time.monotonic() - START:7.3f}s {text}\n")
        sys.stdout.flush()


def utc_now():
    t = time.time()
    return time.strftime("%Y%m%d-%H:%M:%S", time.gmtime(t)) + f".{int(t * 1000) % 1000:03d}"


# ---------------------------------------------------------------------------------------------
# Messages as tag=value lists


class Msg:
    """A raw FIX message, its fields in wire order."""

    def __init__(self, raw):
        self.raw = raw
        self.fields = []
        for f in raw.split(SOH):
            if f:
                tag, _, value = f.partition("=")
                self.fields.append((int(tag), value))

    def get(self, tag, default=None):
        for t, v in self.fields:
            if t == tag:
                return v
        return default

    def all(self, tag):
        return [v for t, v in self.fields if t == tag]

    def has(self, tag):
        return any(t == tag for t, _ in self.fields)

    @property
    def type(self):
        return self.get(35)

    @property
    def seq(self):
        return int(self.get(34, "0"))

    def entries(self, delim):
        """The entries of the repeating group whose first field is `delim`: dicts tag -> value."""
        out, cur = [], None
        for t, v in self.fields:
            if t == delim:
                cur = {}
                out.append(cur)
            if cur is not None and t not in (10,):
                cur.setdefault(t, v)
        return out

    def wire(self):
        return self.raw.replace(SOH, "|")


NAMES = {"A": "Logon", "0": "Heartbeat", "1": "TestRequest", "2": "ResendRequest",
         "3": "Reject", "4": "SequenceReset", "5": "Logout", "8": "ExecutionReport",
         "9": "OrderCancelReject", "D": "NewOrderSingle", "F": "OrderCancelRequest",
         "G": "OrderCancelReplaceRequest", "H": "OrderStatusRequest",
         "AF": "OrderMassStatusRequest", "q": "OrderMassCancelRequest",
         "r": "OrderMassCancelReport", "V": "MarketDataRequest", "W": "MDSnapshot",
         "X": "MDIncremental", "Y": "MDRequestReject", "x": "SecurityListRequest",
         "y": "SecurityList", "j": "BusinessMessageReject"}
KEYS = {"A": [98, 108, 141], "1": [112], "0": [112], "2": [7, 16], "4": [123, 36],
        "3": [45, 371, 372, 373, 58], "5": [58],
        "8": [11, 41, 37, 17, 150, 39, 54, 38, 44, 32, 31, 151, 14, 6, 790, 584, 911, 912, 103,
              58],
        "9": [11, 41, 39, 434, 102, 58], "D": [11, 54, 38, 40, 44, 59], "F": [11, 41, 54, 38],
        "G": [11, 41, 54, 38, 40, 44], "H": [11, 54, 790], "AF": [584, 585],
        "q": [11, 530], "r": [11, 530, 531, 533], "V": [262, 263, 264, 265],
        "W": [262, 55, 268], "X": [262, 268], "Y": [262, 281, 58], "x": [320, 559],
        "y": [320, 560, 146], "j": [45, 372, 380, 58]}
SIDE = {"0": "bid", "1": "offer", "2": "trade"}
ACTION = {"0": "new", "1": "change", "2": "delete"}


def summary(m):
    t = m.type
    parts = [f"{t} {NAMES.get(t, '?')} seq={m.get(34)}"]
    if m.get(43) == "Y":
        parts.append(f"43=Y 122={m.get(122)}")
    if m.get(97) == "Y":
        parts.append("97=Y")
    parts += [f"{k}={m.get(k)}" for k in KEYS.get(t, []) if m.has(k)]
    if t == "W":
        parts.append("[" + ", ".join(f"{SIDE.get(e.get(269))} {e.get(270)} x {e.get(271)}"
                                     for e in m.entries(269)) + "]")
    elif t == "X":
        parts.append("[" + ", ".join(
            f"{ACTION.get(e.get(279))} {SIDE.get(e.get(269))} {e.get(270)}"
            + (f" x {e.get(271)}" if 271 in e else "") for e in m.entries(279)) + "]")
    elif t == "y":
        parts.append("symbols=" + ",".join(m.all(55)))
    return " ".join(parts)


# ---------------------------------------------------------------------------------------------
# The QuickFIX application: records everything, in order


Event = namedtuple("Event", "index t who kind msg")


class Recorder(fix.Application):
    """Records the sessions' traffic (kind `in` / `out`) and logons/logouts, for waiters."""

    def __init__(self):
        super().__init__()
        self.cond = threading.Condition()
        self.events = []
        self.sids = {}
        self.problems = []

    def _add(self, sid, kind, message):
        try:
            who = sid.getSenderCompID().getValue()
            msg = Msg(message.toString()) if message is not None else None
            with self.cond:
                e = Event(len(self.events), time.monotonic(), who, kind, msg)
                self.events.append(e)
                self.cond.notify_all()
            arrow = {"in": "<-", "out": "->"}.get(kind)
            if arrow:
                say(f"{who} {arrow} {summary(msg)}")
            else:
                say(f"{who} -- {kind}")
            if kind == "out" and msg.type in ("3", "j"):
                self.problem(f"QuickFIX sent a {NAMES[msg.type]} for {who}: {msg.wire()}")
            if kind == "in" and msg.type in ("3", "j", "Y", "9"):
                self.problem(f"the server sent {who} a {NAMES[msg.type]}: {msg.wire()}")
        except Exception:  # a callback must not throw into QuickFIX
            self.problem("callback failed:\n" + traceback.format_exc())

    def problem(self, text):
        say("PROBLEM " + text)
        with self.cond:
            self.problems.append(text)
            self.cond.notify_all()

    def onCreate(self, sid):
        self.sids[sid.getSenderCompID().getValue()] = sid

    def onLogon(self, sid):
        self._add(sid, "logon", None)

    def onLogout(self, sid):
        self._add(sid, "logout", None)

    def toAdmin(self, message, sid):
        self._add(sid, "out", message)

    def fromAdmin(self, message, sid):
        self._add(sid, "in", message)

    def toApp(self, message, sid):
        self._add(sid, "out", message)

    def fromApp(self, message, sid):
        self._add(sid, "in", message)

    # -- waiting

    def mark(self):
        with self.cond:
            return len(self.events)

    def wait(self, what, pred, since=0, timeout=TIMEOUT):
        """The first event from index `since` on satisfying `pred`, within `timeout`."""
        deadline = time.monotonic() + timeout
        with self.cond:
            while True:
                for e in self.events[since:]:
                    if pred(e):
                        return e
                if self.problems:
                    raise Failure(f"while waiting for {what}: {self.problems[0]}")
                left = deadline - time.monotonic()
                if left <= 0:
                    seen = "\n".join(
                        f"    {e.who} {e.kind} {summary(e.msg) if e.msg else ''}"
                        for e in self.events[since:][-15:]) or "    (nothing)"
                    raise Failure(f"timed out after {timeout:.0f} s waiting for {what}; "
                                  f"seen since the request:\n{seen}")
                self.cond.wait(min(left, 0.25))

    def collect(self, pred, since=0):
        with self.cond:
            return [e for e in self.events[since:] if pred(e)]

    def session(self, who):
        return fix.Session.lookupSession(self.sids[who])

    def send(self, who, msg):
        if not fix.Session.sendToTarget(msg, self.sids[who]):
            raise Failure(f"QuickFIX refused to send {msg.toString()!r} for {who}")


def msg_of(who, kind, msg_type, **tags):
    """A predicate: a message of `who` in direction `kind` of `msg_type` with these fields
    (keyword `t11="x"` means tag 11 is "x")."""
    want = {int(k[1:]): v for k, v in tags.items()}

    def pred(e):
        return (e.who == who and e.kind == kind and e.msg is not None and e.msg.type == msg_type
                and all(e.msg.get(t) == v for t, v in want.items()))
    return pred


def inbound(who, msg_type, **tags):
    return msg_of(who, "in", msg_type, **tags)


def state(who, kind):
    return lambda e: e.who == who and e.kind == kind


def expect(cond, text):
    if not cond:
        raise Failure(text)


def dec(v):
    return Decimal(v) if v is not None else None


def expect_fields(m, what, **tags):
    """Every field `tNNN` of `m` equals the value given (Decimal-compared when it is one)."""
    for k, want in tags.items():
        got = m.get(int(k[1:]))
        ok = dec(got) == want if isinstance(want, Decimal) else got == want
        expect(ok, f"{what}: tag {k[1:]} is {got!r}, expected {want!r} in {m.wire()}")


# ---------------------------------------------------------------------------------------------
# Building requests


def message(msg_type, *fields):
    m = fix.Message()
    m.getHeader().setField(fix.MsgType(msg_type))
    for tag, value in fields:
        m.setField(tag, str(value))
    return m


def group(parent, count_tag, delim, *fields):
    g = fix.Group(count_tag, delim)
    for tag, value in fields:
        g.setField(tag, str(value))
    parent.addGroup(g)


def new_order(cl, side, qty, price):
    return message("D", (11, cl), (55, SYMBOL), (54, side), (60, utc_now()), (38, qty),
                   (40, "2"), (44, price), (59, "1"))


# ---------------------------------------------------------------------------------------------
# The relay: CLIENT1's TCP path, which can be cut


class Relay:
    """Forwards connections accepted on 127.0.0.1:<port> to the server. `cut` drops every
    relayed connection (both sockets shut down: the server and QuickFIX each see the peer
    go away, no Logout) and stops listening, so reconnects are refused until `restore`
    listens again on the same port."""

    def __init__(self, target_port):
        self.target = ("127.0.0.1", target_port)
        self.lock = threading.Lock()
        self.pairs = []
        self.listener = None
        self.port = 0
        self.accepted = 0
        self._listen()

    def _listen(self):
        deadline = time.monotonic() + 5
        while True:
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                s.bind(("127.0.0.1", self.port))
                break
            except OSError as e:
                s.close()
                if time.monotonic() > deadline:
                    raise Failure(f"the relay cannot listen again on port {self.port}: {e}")
                time.sleep(0.1)
        s.listen(8)
        s.settimeout(0.1)
        self.port = s.getsockname()[1]
        stop = threading.Event()
        thread = threading.Thread(target=self._accept, args=(s, stop), daemon=True)
        self.listener = (thread, stop)
        thread.start()

    def _accept(self, listener, stop):
        try:
            while not stop.is_set():
                try:
                    conn, _ = listener.accept()
                except socket.timeout:
                    continue
                except OSError:
                    return
                self._forward(conn)
        finally:
            listener.close()

    def _forward(self, conn):
        conn.settimeout(None)
        try:
            up = socket.create_connection(self.target, timeout=5)
            up.settimeout(None)
        except OSError as e:
            say(f"relay: cannot reach the server ({e})")
            conn.close()
            return
        with self.lock:
            self.accepted += 1
            self.pairs.append((conn, up))
        say(f"relay: connection {self.accepted} accepted and forwarded")
        threading.Thread(target=self._pump, args=(conn, up), daemon=True).start()
        threading.Thread(target=self._pump, args=(up, conn), daemon=True).start()

    def _pump(self, src, dst):
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def cut(self):
        thread, stop = self.listener
        stop.set()
        thread.join()  # the accept loop closes the listening socket
        with self.lock:
            pairs, self.pairs = self.pairs, []
        for pair in pairs:
            for sock in pair:
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                sock.close()
        say(f"relay: cut {len(pairs)} connection(s); port {self.port} refuses connections")

    def restore(self):
        self._listen()
        say(f"relay: listening again on port {self.port}")

    def close(self):
        thread, stop = self.listener
        stop.set()
        thread.join()
        with self.lock:
            pairs, self.pairs = self.pairs, []
        for pair in pairs:
            for sock in pair:
                sock.close()


# ---------------------------------------------------------------------------------------------
# The scenario


def settings_text(server_port, relay_port, workdir):
    return f"""[DEFAULT]
ConnectionType=initiator
BeginString=FIX.4.4
TargetCompID={SERVER}
SocketConnectHost=127.0.0.1
HeartBtInt=5
ReconnectInterval=1
LogonTimeout=10
UseDataDictionary=Y
DataDictionary={DICTIONARY}
ValidateUserDefinedFields=Y
ValidateFieldsOutOfOrder=Y
ValidateFieldsHaveValues=Y
CheckLatency=Y
MaxLatency=120
ResetOnLogon=N
ResetOnLogout=N
ResetOnDisconnect=N
PersistMessages=Y
StartTime=00:00:00
EndTime=00:00:00
FileStorePath={os.path.join(workdir, "store")}
FileLogPath={os.path.join(workdir, "log")}

[SESSION]
SenderCompID=CLIENT1
SocketConnectPort={relay_port}

[SESSION]
SenderCompID=CLIENT2
SocketConnectPort={server_port}
"""


def step(text):
    say(f"== {text}")


def no_gap(app, who, last):
    """Every server message 1..last of `who` reached QuickFIX's application or was gap-filled."""
    covered = set()
    for e in app.collect(lambda e: e.who == who and e.kind == "in"):
        covered.add(e.msg.seq)
        if e.msg.type == "4" and e.msg.get(123) == "Y":
            covered.update(range(e.msg.seq, int(e.msg.get(36))))
    missing = [n for n in range(1, last + 1) if n not in covered]
    expect(not missing, f"server messages to {who} never seen by QuickFIX: {missing}")


def scenario(app, relay):
    c1, c2 = "CLIENT1", "CLIENT2"

    step("a. CLIENT1 (through the relay) and CLIENT2 log on")
    for who in (c1, c2):
        app.wait(f"{who}'s logon", state(who, "logon"))
        logon = app.wait(f"{who}'s Logon", msg_of(who, "out", "A"))
        expect(logon.msg.seq == 1, f"{who} logged on with MsgSeqNum {logon.msg.seq}, not 1: "
               "is the QuickFIX store or the server's data_dir not fresh?")

    step("b. CLIENT2 rests an offer; CLIENT1: security list and market data")
    mark = app.mark()
    app.send(c2, new_order("C2-S0", "2", "0.1", "31000"))
    app.wait("CLIENT2's ER 150=0 for C2-S0", inbound(c2, "8", t11="C2-S0", t150="0"), mark)

    mark = app.mark()
    app.send(c1, message("x", (320, "SL-1"), (559, "4")))
    y = app.wait("SecurityList (y) for SL-1", inbound(c1, "y", t320="SL-1"), mark).msg
    expect_fields(y, "SecurityList", t560="0")
    expect(SYMBOL in y.all(55), f"SecurityList without {SYMBOL}: {y.wire()}")
    btc = next(e for e in y.entries(55) if e.get(55) == SYMBOL)
    expect(dec(btc.get(561)) == Decimal("0.0001"), f"{SYMBOL} RoundLot is {btc.get(561)}")

    mark = app.mark()
    v = message("V", (262, "MD-1"), (263, "1"), (264, "0"), (265, "1"))
    for kind in ("0", "1", "2"):
        group(v, 267, 269, (269, kind))
    group(v, 146, 55, (55, SYMBOL))
    app.send(c1, v)
    w = app.wait("MarketDataSnapshotFullRefresh (W) for MD-1",
                 inbound(c1, "W", t262="MD-1"), mark).msg
    expect_fields(w, "W", t55=SYMBOL)
    offers = [(dec(e.get(270)), dec(e.get(271))) for e in w.entries(269) if e.get(269) == "1"]
    expect(offers == [(Decimal("31000"), Decimal("0.1"))],
           f"the snapshot should show CLIENT2's offer 31000 x 0.1: {w.wire()}")

    def incremental(what, since, action, kind, price, qty=None, md_req="MD-1"):
        def pred(e):
            if not inbound(c1, "X", t262=md_req)(e):
                return False
            return any(x.get(279) == action and x.get(269) == kind
                       and dec(x.get(270)) == Decimal(price)
                       and (qty is None or dec(x.get(271)) == Decimal(qty))
                       for x in e.msg.entries(279))
        return app.wait(f"X: {what}", pred, since)

    step("c. CLIENT1: new order, amend, new order and cancel")
    mark = app.mark()
    app.send(c1, new_order("C1-B1", "1", "0.5", "30000"))
    er = app.wait("ER 150=0 for C1-B1", inbound(c1, "8", t11="C1-B1"), mark).msg
    expect_fields(er, "ER of C1-B1", t150="0", t39="0", t54="1", t55=SYMBOL,
                  t38=Decimal("0.5"), t44=Decimal("30000"), t151=Decimal("0.5"))
    order_id = er.get(37)
    incremental("new bid 30000 x 0.5", mark, "0", "0", "30000", "0.5")

    mark = app.mark()
    app.send(c1, message("G", (11, "C1-B1R"), (41, "C1-B1"), (55, SYMBOL), (54, "1"),
                         (60, utc_now()), (38, "0.75"), (40, "2"), (44, "30010.5"), (59, "1")))
    er = app.wait("ER 150=5 for C1-B1R", inbound(c1, "8", t11="C1-B1R"), mark).msg
    expect_fields(er, "ER of the amend", t150="5", t39="0", t41="C1-B1", t37=order_id,
                  t38=Decimal("0.75"), t44=Decimal("30010.5"), t151=Decimal("0.75"))
    incremental("bid 30000 deleted", mark, "2", "0", "30000")
    incremental("new bid 30010.5 x 0.75", mark, "0", "0", "30010.5", "0.75")

    mark = app.mark()
    app.send(c1, new_order("C1-B2", "1", "0.2", "29000"))
    app.wait("ER 150=0 for C1-B2", inbound(c1, "8", t11="C1-B2", t150="0"), mark)
    incremental("new bid 29000 x 0.2", mark, "0", "0", "29000", "0.2")
    mark = app.mark()
    app.send(c1, message("F", (11, "C1-B2C"), (41, "C1-B2"), (55, SYMBOL), (54, "1"),
                         (60, utc_now()), (38, "0.2")))
    er = app.wait("ER 150=4 for C1-B2C", inbound(c1, "8", t11="C1-B2C"), mark).msg
    expect_fields(er, "ER of the cancel", t150="4", t39="4", t41="C1-B2")
    incremental("bid 29000 deleted", mark, "2", "0", "29000")

    step("d. cut CLIENT1's connection (no Logout) and refuse reconnects")
    s1 = app.session(c1)
    mark_cut = app.mark()
    cut_at, cut_utc = time.monotonic(), utc_now()
    relay.cut()
    down = app.wait("QuickFIX to notice CLIENT1's disconnect", state(c1, "logout"), mark_cut)
    time.sleep(0.5)  # the server reads the same EOF; give it time to log the session off
    try:
        socket.create_connection(("127.0.0.1", relay.port), timeout=2).close()
        raise Failure(f"the relay port {relay.port} still accepts connections after the cut")
    except ConnectionRefusedError:
        say(f"relay: a connection to port {relay.port} is refused, as QuickFIX's will be")
    sender_before = 1 + max(e.msg.seq for e in app.collect(
        lambda e: e.who == c1 and e.kind == "out" and e.index < mark_cut))

    step("e. while CLIENT1 is offline, CLIENT2 sells into its amended bid")
    mark = app.mark()
    app.send(c2, new_order("C2-S1", "2", "0.3", "30010.5"))
    er = app.wait("CLIENT2's ER 150=F for C2-S1", inbound(c2, "8", t11="C2-S1", t150="F"),
                  mark).msg
    expect_fields(er, "CLIENT2's fill", t39="2", t32=Decimal("0.3"), t31=Decimal("30010.5"),
                  t14=Decimal("0.3"), t151=Decimal("0"))
    left = OUTAGE - (time.monotonic() - cut_at)
    if left > 0:
        time.sleep(left)
    got = app.collect(lambda e: e.who == c1 and e.kind in ("in", "logon"), down.index)
    expect(not got, f"CLIENT1 received something while cut off: {got}")

    step("f. the relay accepts again: CLIENT1 reconnects, resend of the missed report")
    received = app.collect(lambda e: e.who == c1 and e.kind == "in")
    target_before = s1.getExpectedTargetNum()
    expect(target_before == 1 + max(e.msg.seq for e in received),
           f"QuickFIX expects the server's {target_before} next, but the last message it "
           f"passed on was {max(e.msg.seq for e in received)}")
    say(f"CLIENT1 offline: QuickFIX expects the server's {target_before} next and sends its "
        f"{sender_before} next (QuickFIX's own view: {s1.getExpectedSenderNum()}, counting "
        "the Logons of refused connections)")
    mark, restore_utc = app.mark(), utc_now()
    relay.restore()
    logged_on = app.wait("CLIENT1 logged on again", state(c1, "logon"), mark)
    # QuickFIX sends a Logon at every connection attempt, the refused ones during the outage
    # included, each under a new number: they must continue its numbering.
    logons = [e.msg for e in app.collect(msg_of(c1, "out", "A"), mark_cut)
              if e.index < logged_on.index]
    expect(logons, "QuickFIX logged on again without sending a Logon?")
    logon = logons[-1]
    expect([m.seq for m in logons] == list(range(sender_before, logon.seq + 1)),
           f"QuickFIX's Logons after the cut have MsgSeqNums {[m.seq for m in logons]}, "
           f"expected {sender_before}, {sender_before + 1}, ...")
    say(f"CLIENT1: {len(logons) - 1} Logon(s) lost to refused connections; "
        f"logged on with MsgSeqNum {logon.seq}")
    reply = app.wait("the server's Logon", inbound(c1, "A"), mark).msg
    expect(reply.seq > target_before,
           f"the server's Logon has MsgSeqNum {reply.seq}, QuickFIX expects {target_before}: "
           "the fill made while CLIENT1 was offline should have taken a number")
    if logon.seq > sender_before:
        # The server missed the Logons of the outage: it asks for them, QuickFIX gap-fills.
        asked = app.wait(f"the server's ResendRequest from (at most) {sender_before}",
                         lambda e: inbound(c1, "2")(e) and int(e.msg.get(7)) <= sender_before,
                         mark).msg
        gap = app.wait("QuickFIX's SequenceReset-GapFill",
                       msg_of(c1, "out", "4", t123="Y"), mark).msg
        expect(gap.seq == int(asked.get(7)) and int(gap.get(36)) >= logon.seq,
               f"QuickFIX's gap fill {gap.wire()} does not cover {asked.get(7)}..{logon.seq - 1}")
    rr = app.wait("QuickFIX's ResendRequest", msg_of(c1, "out", "2"), mark).msg
    expect_fields(rr, "ResendRequest", t7=str(target_before))
    fill = app.wait("the resent fill ER for C1-B1R",
                    inbound(c1, "8", t11="C1-B1R", t150="F"), mark).msg
    expect_fields(fill, "CLIENT1's fill", t43="Y", t37=order_id, t39="1",
                  t32=Decimal("0.3"), t31=Decimal("30010.5"), t14=Decimal("0.3"),
                  t151=Decimal("0.45"), t54="1")
    expect(target_before <= fill.seq < reply.seq,
           f"the fill came as MsgSeqNum {fill.seq}, expected one of the missed "
           f"{target_before}..{reply.seq - 1}")
    expect(fill.has(122), f"the resent fill has no OrigSendingTime (122): {fill.wire()}")
    expect(fill.get(122) <= fill.get(52),
           f"OrigSendingTime {fill.get(122)} after SendingTime {fill.get(52)}")
    made = fill.get(122)
    expect(cut_utc <= made <= restore_utc,
           f"the fill's OrigSendingTime {made} is not within the outage "
           f"({cut_utc} .. {restore_utc}): it was not made while CLIENT1 was offline")

    # No number lost: a TestRequest's Heartbeat is the server's latest message; QuickFIX must
    # then expect the one after it, and every number before it must have arrived (or been
    # gap-filled). Right after the logon the two sides may still be filling each other's
    # gaps: a Heartbeat that arrives while QuickFIX waits for a resend is queued and may then
    # be skipped by a SequenceReset-GapFill (session messages are never resent), so a probe
    # without an answer is repeated.
    hb = None
    for n in range(1, 4):
        mark = app.mark()
        probe = f"PROBE-{n}"
        app.send(c1, message("1", (112, probe)))
        answer = inbound(c1, "0", t112=probe)
        gap_fill = inbound(c1, "4", t123="Y")
        e = app.wait(f"the Heartbeat answering TestRequest {probe}",
                     lambda e: answer(e) or gap_fill(e), mark)
        if gap_fill(e):
            try:
                e = app.wait(f"the Heartbeat answering TestRequest {probe}", answer, mark,
                             timeout=1)
            except Failure:
                if n == 3 or app.problems:
                    raise
                say(f"the answer to {probe} was gap-filled over (a session message); "
                    "probing again")
                continue
        hb = e.msg
        break
    # QuickFIX counts a message once its callback returned: give its thread a moment.
    deadline = time.monotonic() + 2
    while s1.getExpectedTargetNum() != hb.seq + 1 and time.monotonic() < deadline:
        time.sleep(0.01)
    expected = s1.getExpectedTargetNum()
    expect(expected == hb.seq + 1,
           f"QuickFIX expects {expected} after the server's {hb.seq}: a gap remains")
    no_gap(app, c1, hb.seq)
    say(f"CLIENT1: every server message 1..{hb.seq} arrived or was gap-filled; "
        f"QuickFIX expects {expected} next")

    step("g. CLIENT1: market data again, order status, mass status, mass cancel; log out")
    # The subscription ended with the connection: subscribe again and see the fill in the book.
    mark = app.mark()
    v = message("V", (262, "MD-2"), (263, "1"), (264, "0"), (265, "1"))
    for kind in ("0", "1", "2"):
        group(v, 267, 269, (269, kind))
    group(v, 146, 55, (55, SYMBOL))
    app.send(c1, v)
    w = app.wait("MarketDataSnapshotFullRefresh (W) for MD-2",
                 inbound(c1, "W", t262="MD-2"), mark).msg
    levels = sorted((e.get(269), dec(e.get(270)), dec(e.get(271))) for e in w.entries(269))
    expect(levels == [("0", Decimal("30010.5"), Decimal("0.45")),
                      ("1", Decimal("31000"), Decimal("0.1"))],
           f"the book after the fill should be bid 30010.5 x 0.45, offer 31000 x 0.1: "
           f"{w.wire()}")

    mark = app.mark()
    app.send(c1, message("H", (11, "C1-B1R"), (55, SYMBOL), (54, "1"), (790, "ST-1")))
    st = app.wait("ER 150=I for ST-1", inbound(c1, "8", t790="ST-1"), mark).msg
    expect_fields(st, "order status", t150="I", t11="C1-B1R", t37=order_id, t39="1",
                  t14=Decimal("0.3"), t151=Decimal("0.45"), t38=Decimal("0.75"))

    mark = app.mark()
    app.send(c1, message("AF", (584, "MS-1"), (585, "7")))
    last = app.wait("the last mass status report (912=Y)",
                    inbound(c1, "8", t584="MS-1", t912="Y"), mark).msg
    reports = [e.msg for e in app.collect(inbound(c1, "8", t584="MS-1"), mark)]
    expect(len(reports) == 1 and last.get(911) == "1",
           f"mass status: expected one report (911=1), got {[r.wire() for r in reports]}")
    expect_fields(last, "mass status report", t150="I", t11="C1-B1R", t39="1")

    mark = app.mark()
    app.send(c1, message("q", (11, "C1-MC1"), (530, "7"), (60, utc_now())))
    r = app.wait("OrderMassCancelReport for C1-MC1", inbound(c1, "r", t11="C1-MC1"), mark).msg
    expect_fields(r, "mass cancel report", t530="7", t531="7", t533="1")
    app.wait("ER 150=4 for C1-B1R", inbound(c1, "8", t11="C1-B1R", t150="4"), mark)
    incremental("bid 30010.5 deleted", mark, "2", "0", "30010.5", md_req="MD-2")

    mark = app.mark()
    app.send(c2, message("q", (11, "C2-MC1"), (530, "1"), (55, SYMBOL), (60, utc_now())))
    r = app.wait("OrderMassCancelReport for C2-MC1", inbound(c2, "r", t11="C2-MC1"), mark).msg
    expect_fields(r, "CLIENT2's mass cancel report", t530="1", t531="1", t533="1")

    mark = app.mark()
    for who in (c1, c2):
        app.session(who).logout("interop test done")
    for who in (c1, c2):
        app.wait(f"the server's Logout for {who}", inbound(who, "5"), mark)
        app.wait(f"{who} logged out", state(who, "logout"), mark)
    lasts = {}
    for who in (c1, c2):
        lasts[who] = max(e.msg.seq for e in app.collect(inbound(who, "5")))
        no_gap(app, who, lasts[who])
    return lasts


def main():
    if len(sys.argv) != 3:
        print(__doc__)
        print("usage: interop_initiator.py PORT WORKDIR", file=sys.stderr)
        return 2
    server_port, workdir = int(sys.argv[1]), os.path.abspath(sys.argv[2])
    os.makedirs(workdir, exist_ok=True)
    say(f"QuickFIX initiator against 127.0.0.1:{server_port}; dictionary {DICTIONARY}; "
        f"work dir {workdir}")
    relay = Relay(server_port)
    say(f"relay for CLIENT1 on 127.0.0.1:{relay.port} -> 127.0.0.1:{server_port}")
    text = settings_text(server_port, relay.port, workdir)
    with open(os.path.join(workdir, "quickfix.cfg"), "w") as f:
        f.write(text)
    settings = fix.SessionSettings()
    settings.setFromString(text)
    app = Recorder()
    store = fix.FileStoreFactory(settings)
    logs = fix.FileLogFactory(settings)
    initiator = fix.SocketInitiator(app, store, settings, logs)
    initiator.start()
    code = 1
    try:
        lasts = scenario(app, relay)
        expect(not app.problems, app.problems[0] if app.problems else "")
        sent = app.collect(lambda e: e.kind == "out" and e.msg.type in ("3", "j"))
        expect(not sent, f"QuickFIX rejected server messages: {[e.msg.wire() for e in sent]}")
        say(f"PASS: every step observed; the relay accepted {relay.accepted} connections; "
            "no server message lost (CLIENT1 1.." + str(lasts["CLIENT1"]) + ", CLIENT2 1.."
            + str(lasts["CLIENT2"]) + "); no Reject (3) or BusinessMessageReject (j) either way")
        code = 0
    except Failure as e:
        say(f"FAIL: {e}")
    except Exception:
        say("FAIL: unexpected error\n" + traceback.format_exc())
    finally:
        initiator.stop()
        relay.close()
    if code:
        tail_logs(workdir)
    return code


def tail_logs(workdir, n=30):
    """QuickFIX's event logs, for a failure's diagnosis."""
    logdir = os.path.join(workdir, "log")
    if not os.path.isdir(logdir):
        return
    for name in sorted(os.listdir(logdir)):
        if name.endswith(".event.current.log"):
            with open(os.path.join(logdir, name), errors="replace") as f:
                lines = f.read().splitlines()[-n:]
            print(f"--- QuickFIX {name} (last {len(lines)} lines)")
            print("\n".join(lines), flush=True)


if __name__ == "__main__":
    sys.exit(main())
