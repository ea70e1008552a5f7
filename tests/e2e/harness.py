"""Helpers of the end-to-end suite: start the real `tradestream serve`, a tiny async client, signing.

The server binary comes from the environment variable `TRADESTREAM_BIN` (set by tests/ws_e2e.rs to
`env!("CARGO_BIN_EXE_tradestream")`); without it, target/release then target/debug are tried.
Every await is bounded by a timeout (`E2E_TIMEOUT` seconds, default 10) so a broken server fails a
test with a clear message instead of hanging it. `E2E_KEEP=1` keeps the temporary directories.
"""

import asyncio
import hashlib
import hmac
import json
import os
import re
import secrets
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import unittest
import urllib.error
import urllib.request
from dataclasses import dataclass
from decimal import Decimal

try:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from websockets.asyncio.client import connect as ws_connect
    from websockets.exceptions import ConnectionClosed
except ImportError as e:  # pragma: no cover - the message is the point
    raise ImportError(f"{e}: the end-to-end suite needs `pip install websockets cryptography`") from e

TIMEOUT = float(os.environ.get("E2E_TIMEOUT", "10"))
SYMBOL = "BTC-USD"
REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PRIVATE = ("orders", "fills", "balances")


# ---------------------------------------------------------------------------------------------
# Signing (docs/ws-api.md, "Authentication")


def now_ms():
    return int(time.time() * 1000)


def new_nonce():
    return "n" + secrets.token_hex(8)


def logon_payload(api_key, timestamp, nonce):
    """The string a logon signs: `logon\\n<api_key>\\n<timestamp>\\n<nonce>` as UTF-8."""
    return f"logon\n{api_key}\n{timestamp}\n{nonce}".encode()


def sign_ed25519(seed, message):
    """Ed25519 signature of `message` by the 32-byte secret `seed`, 128 lowercase hex digits."""
    return Ed25519PrivateKey.from_private_bytes(seed).sign(message).hex()


def ed25519_public_hex(seed):
    """The public key (64 hex digits) the server config needs for `seed`."""
    raw = Ed25519PrivateKey.from_private_bytes(seed).public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return raw.hex()


def sign_hmac(secret, message):
    """HMAC-SHA256 of `message` under `secret` (str: its UTF-8 bytes), 64 lowercase hex digits."""
    if isinstance(secret, str):
        secret = secret.encode()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Key:
    """An API key of the test config: Ed25519 (`seed`) or HMAC (`hmac_secret`)."""
    api_key: str
    account: int
    scopes: tuple
    seed: bytes = None
    hmac_secret: str = None

    def sign(self, message):
        return sign_ed25519(self.seed, message) if self.seed else sign_hmac(self.hmac_secret, message)

    def toml(self):
        lines = ["[[keys]]", f"api_key = {json.dumps(self.api_key)}", f"account = {self.account}",
                 f"scopes = {json.dumps(list(self.scopes))}"]
        if self.seed:
            lines.append(f'ed25519_public = "{ed25519_public_hex(self.seed)}"')
        else:
            lines.append(f"hmac_secret = {json.dumps(self.hmac_secret)}")
        return "\n".join(lines)


ALICE = Key("alice", 1, ("trade",), seed=bytes([0x11]) * 32)
BOB = Key("bob", 2, ("trade",), seed=bytes([0x22]) * 32)
CAROL_HMAC = Key("carol-hmac", 3, ("trade",), hmac_secret="carol-shared-secret")
ALICE_READ = Key("alice-read", 1, ("read",), seed=bytes([0x33]) * 32)
ADMIN = Key("admin", 0, ("admin",), seed=bytes([0x44]) * 32)
KEYS = (ALICE, BOB, CAROL_HMAC, ALICE_READ, ADMIN)
DEPOSIT = {"USD": "1000000", "BTC": "100"}


def config_toml(data_dir, *, ack="durable", rate_orders=1000, rate_window_ms=60000,
                max_message_bytes=16384, heartbeat_ms=10000, recv_window_ms=5000, keys=KEYS,
                slow_consumer_messages=4096):
    """A server config for a test: BTC-USD (tick 0.5, lot 0.001, fees -1/5 bps), accounts 1-3."""
    deposits = ", ".join(f'{a} = "{v}"' for a, v in DEPOSIT.items())
    parts = [f"""data_dir = {json.dumps(str(data_dir))}
ack = "{ack}"
fsync = "batch"
snapshot_every = 0

[engine]
idle = "park"
core = -1

[ws]
listen = "127.0.0.1:0"
max_message_bytes = {max_message_bytes}
heartbeat_ms = {heartbeat_ms}
recv_window_ms = {recv_window_ms}
rate_limit = {{ orders = {rate_orders}, window_ms = {rate_window_ms} }}
slow_consumer_messages = {slow_consumer_messages}

[http]
listen = "127.0.0.1:0"

[fix]
listen = "127.0.0.1:0"

[quic]
listen = "127.0.0.1:0"

[[instruments]]
symbol = "{SYMBOL}"
base = "BTC"
quote = "USD"
tick = "0.5"
lot = "0.001"
maker_fee_bps = -1
taker_fee_bps = 5
"""]
    for account in (1, 2, 3):
        parts.append(f"[[accounts]]\nid = {account}\ndeposits = {{ {deposits} }}\n")
    parts.extend(k.toml() + "\n" for k in keys)
    return "\n".join(parts)


# ---------------------------------------------------------------------------------------------
# The server process


def server_binary():
    path = os.environ.get("TRADESTREAM_BIN")
    if path:
        return path
    for profile in ("release", "debug"):
        candidate = os.path.join(REPO, "target", profile, "tradestream")
        if os.path.exists(candidate):
            return candidate
    raise RuntimeError("set TRADESTREAM_BIN to the tradestream binary (or cargo build --release)")


def _die_with_parent():
    """Linux: the server gets SIGKILL if the test runner dies, so no server outlives the suite."""
    try:
        import ctypes
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except Exception:
        pass


class Server:
    """`tradestream serve --config FILE` on a fresh temporary data dir (or `workdir` to reuse one)."""

    def __init__(self, *, workdir=None, **config):
        self.workdir = workdir or tempfile.mkdtemp(prefix="tradestream-e2e-")
        self.data_dir = os.path.join(self.workdir, "data")
        self.config_path = os.path.join(self.workdir, "server.toml")
        with open(self.config_path, "w") as f:
            f.write(config_toml(self.data_dir, **config))
        self.proc = None
        self.lines = []
        self.cond = threading.Condition()
        self.ws_url = self.http_url = None

    def start(self, timeout=60.0):
        """Starts the server and waits for its `ws listening` and `http listening` lines."""
        self.ws_url = self.http_url = None
        with self.cond:
            self.lines.append(f"--- start {server_binary()} serve --config {self.config_path}")
            first = len(self.lines)  # this run's output starts here
        self.proc = subprocess.Popen(
            [server_binary(), "serve", "--config", self.config_path], cwd=self.workdir,
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            text=True, bufsize=1, preexec_fn=_die_with_parent)
        proc = self.proc
        threading.Thread(target=self._pump, args=(proc,), daemon=True).start()
        deadline = time.monotonic() + timeout
        with self.cond:
            while True:
                text = "\n".join(self.lines[first:])
                ws = re.findall(r"ws listening on (ws://\S+)", text)
                http = re.findall(r"http listening on (http://\S+)", text)
                if ws and http:
                    self.ws_url, self.http_url = ws[-1], http[-1].rstrip("/")
                    return self
                if proc.poll() is not None and getattr(proc, "eof", False):
                    raise RuntimeError(f"server exited with {proc.returncode} before listening:\n{self.tail()}")
                left = deadline - time.monotonic()
                if left <= 0:
                    self.kill()
                    raise RuntimeError(f"server not listening after {timeout} s:\n{self.tail()}")
                self.cond.wait(min(left, 0.2))

    def _pump(self, proc):
        for line in proc.stdout:
            with self.cond:
                self.lines.append(line.rstrip("\n"))
                self.cond.notify_all()
        proc.stdout.close()
        proc.eof = True
        with self.cond:
            self.cond.notify_all()

    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def stop(self, timeout=30.0):
        """SIGTERM and wait; returns the exit code (the server is killed if it does not stop)."""
        if self.proc is None:
            return None
        self.proc.send_signal(signal.SIGTERM)
        try:
            code = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise AssertionError(f"server did not stop within {timeout} s of SIGTERM:\n{self.tail()}")
        time.sleep(0.05)  # let the pump read the last lines
        return code

    def kill(self):
        if self.running():
            self.proc.kill()
            self.proc.wait(10)

    def cleanup(self):
        self.kill()
        if os.environ.get("E2E_KEEP"):
            print(f"kept {self.workdir}")
        else:
            shutil.rmtree(self.workdir, ignore_errors=True)

    def output(self):
        with self.cond:
            return "\n".join(self.lines)

    def tail(self, n=40):
        with self.cond:
            lines = self.lines[-n:]
        state = "running" if self.running() else f"exited with {self.proc and self.proc.returncode}"
        return f"--- server ({state}), last {len(lines)} lines of its output:\n" + "\n".join(lines)

    def http_get(self, path, timeout=TIMEOUT):
        """(status, body) of GET `path` on the HTTP listener."""
        try:
            with urllib.request.urlopen(self.http_url + path, timeout=timeout) as r:
                return r.status, r.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode()


# ---------------------------------------------------------------------------------------------
# The client


def _key(id_):
    return json.dumps(id_)


class Obj(dict):
    """A JSON object from the server: a missing field fails the test showing the whole object."""

    def __missing__(self, key):
        raise AssertionError(f"no field {key!r} in {json.dumps(self)}")


class Client:
    """One WebSocket connection: requests matched to answers by id, pushes kept in arrival order."""

    def __init__(self, ws, server, name):
        self.ws, self.server, self.name = ws, server, name
        self.next_id = 1000
        self.pending = {}
        self.stray = []       # answers to no pending request (e.g. `"id": null`), in order
        self.pushes = []      # every stream message, in order
        self.by_channel = {}
        self.cursor = {}
        self.closed = asyncio.Event()
        self.close_code = self.close_reason = None
        self.reader_error = None
        self._wake = asyncio.Event()
        self._reader = asyncio.get_running_loop().create_task(self._read())

    @classmethod
    async def connect(cls, server, name="client", timeout=TIMEOUT):
        url = server.ws_url if isinstance(server, Server) else server
        try:
            ws = await asyncio.wait_for(ws_connect(
                url, compression=None, proxy=None, ping_interval=None, max_size=None,
                open_timeout=timeout, close_timeout=2), timeout)
        except Exception as e:
            tail = server.tail() if isinstance(server, Server) else ""
            raise AssertionError(f"{name}: cannot connect to {url}: {e!r}\n{tail}") from e
        return cls(ws, server if isinstance(server, Server) else None, name)

    async def _read(self):
        try:
            async for raw in self.ws:
                msg = json.loads(raw, object_hook=Obj)
                if isinstance(msg, dict) and "channel" in msg and "id" not in msg:
                    self.pushes.append(msg)
                    self.by_channel.setdefault(msg["channel"], []).append(msg)
                else:
                    fut = self.pending.pop(_key(msg.get("id")), None) if isinstance(msg, dict) else None
                    if fut is not None and not fut.done():
                        fut.set_result(msg)
                    else:
                        self.stray.append(msg)
                self._wake.set()
        except ConnectionClosed:
            pass
        except Exception as e:  # a frame that is not JSON: keep it for the failure message
            self.reader_error = e
        finally:
            self.close_code, self.close_reason = self.ws.close_code, self.ws.close_reason
            self.closed.set()
            self._wake.set()
            for fut in self.pending.values():
                if not fut.done():
                    fut.set_exception(AssertionError(f"{self.name}: connection closed "
                                                     f"({self.close_code} {self.close_reason!r}) "
                                                     f"before the answer{self._why()}"))
            self.pending.clear()

    def _why(self):
        parts = []
        if self.reader_error:
            parts.append(f"\nreader failed: {self.reader_error!r}")
        if self.server:
            parts.append("\n" + self.server.tail())
        return "".join(parts)

    def _closed_text(self):
        return f"connection closed ({self.close_code} {self.close_reason!r})"

    # -- requests

    async def send_raw(self, data):
        """Sends a text (str) or binary (bytes) frame as is."""
        try:
            await asyncio.wait_for(self.ws.send(data), TIMEOUT)
        except ConnectionClosed as e:
            raise AssertionError(f"{self.name}: cannot send, {e}{self._why()}") from e

    async def submit(self, method, params=None, *, id=None, timeout=TIMEOUT):
        """Sends a request now; returns a coroutine that waits for its whole answer. Lets a test
        pipeline several requests in a known order."""
        if id is None:
            self.next_id += 1
            id = self.next_id
        frame = {"id": id, "method": method}
        if params is not None:
            frame["params"] = params
        fut = asyncio.get_running_loop().create_future()
        self.pending[_key(id)] = fut
        await self.send_raw(json.dumps(frame))

        async def answer():
            try:
                return await asyncio.wait_for(fut, timeout)
            except asyncio.TimeoutError:
                self.pending.pop(_key(id), None)
                raise AssertionError(f"{self.name}: no answer to {frame} within {timeout} s{self._why()}")
        return answer()

    async def request(self, method, params=None, *, id=None, timeout=TIMEOUT):
        """Sends a request; returns the whole answer (`result` or `error`)."""
        return await (await self.submit(method, params, id=id, timeout=timeout))

    async def call(self, method, params=None, **kw):
        """A request that must succeed; returns its `result`."""
        answer = await self.request(method, params, **kw)
        if "result" not in answer:
            raise AssertionError(f"{self.name}: {method} {params} failed: {answer}")
        return answer["result"]

    async def error(self, method, params=None, code=None, **kw):
        """A request that must fail (with `code` if given); returns its `error` object."""
        answer = await self.request(method, params, **kw)
        if "error" not in answer:
            raise AssertionError(f"{self.name}: {method} {params} should fail with {code}, got {answer}")
        if code is not None and answer["error"].get("code") != code:
            raise AssertionError(f"{self.name}: {method} {params}: expected error {code}, got {answer}")
        return answer["error"]

    async def logon(self, key, *, timestamp=None, nonce=None, signature=None, api_key=None,
                    cancel_on_disconnect=None):
        """A signed logon (the whole answer); any part can be overridden to make it wrong."""
        api_key = api_key or key.api_key
        timestamp = now_ms() if timestamp is None else timestamp
        nonce = nonce or new_nonce()
        if signature is None:
            signature = key.sign(logon_payload(api_key, timestamp, nonce))
        params = {"api_key": api_key, "timestamp": timestamp, "nonce": nonce, "signature": signature}
        if cancel_on_disconnect is not None:
            params["cancel_on_disconnect"] = cancel_on_disconnect
        return await self.request("logon", params)

    async def logon_ok(self, key, **kw):
        answer = await self.logon(key, **kw)
        if "result" not in answer:
            raise AssertionError(f"{self.name}: logon of {key.api_key} failed: {answer}")
        return answer["result"]

    async def subscribe(self, *channels):
        result = await self.call("subscribe", {"channels": list(channels)})
        if sorted(result.get("subscribed", [])) != sorted(channels):
            raise AssertionError(f"{self.name}: subscribe {channels} answered {result}")
        return result

    async def place(self, side, price, qty, client_order_id=None, **extra):
        params = {"symbol": SYMBOL, "side": side, "type": "limit", "price": price, "qty": qty}
        if client_order_id is not None:
            params["client_order_id"] = client_order_id
        params.update(extra)
        return await self.call("place", params)

    # -- pushes and closing

    async def wait_for(self, pred, what, timeout=TIMEOUT):
        """Waits until `pred()` is truthy (checked after every message); returns its value."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            value = pred()
            if value:
                return value
            if self.closed.is_set():
                raise AssertionError(f"{self.name}: {self._closed_text()} while waiting for {what}; "
                                     f"last pushes: {self.pushes[-8:]}{self._why()}")
            left = deadline - loop.time()
            if left <= 0:
                raise AssertionError(f"{self.name}: timed out after {timeout} s waiting for {what}; "
                                     f"last pushes: {self.pushes[-8:]}{self._why()}")
            self._wake.clear()
            try:
                await asyncio.wait_for(self._wake.wait(), left)
            except asyncio.TimeoutError:
                pass

    async def next_push(self, channel, timeout=TIMEOUT):
        """The next not yet taken message of `channel`."""
        i = self.cursor.get(channel, 0)
        await self.wait_for(lambda: len(self.by_channel.get(channel, [])) > i,
                            f"message #{i + 1} on {channel}", timeout)
        self.cursor[channel] = i + 1
        return self.by_channel[channel][i]

    def channel(self, channel):
        return self.by_channel.get(channel, [])

    def private(self):
        return [m for m in self.pushes if m["channel"] in PRIVATE]

    async def next_stray(self, timeout=TIMEOUT):
        n = len(self.stray)
        await self.wait_for(lambda: len(self.stray) > n or None, "an answer without a pending id", timeout)
        return self.stray[n]

    async def wait_closed(self, timeout=TIMEOUT):
        """Waits for the server to close the connection; returns (code, reason)."""
        try:
            await asyncio.wait_for(self.closed.wait(), timeout)
        except asyncio.TimeoutError:
            raise AssertionError(f"{self.name}: still open after {timeout} s{self._why()}")
        return self.close_code, self.close_reason

    def abort(self):
        """Drops the TCP connection without a close handshake."""
        self.ws.transport.abort()

    async def close(self):
        try:
            await asyncio.wait_for(self.ws.close(), 3)
        except Exception:
            self.ws.transport.abort()
        try:
            await asyncio.wait_for(self._reader, 3)
        except Exception:
            self._reader.cancel()


# ---------------------------------------------------------------------------------------------
# Values


def D(value):
    """A decimal string as Decimal; fails on anything that is not a string (e.g. a JSON number)."""
    if not isinstance(value, str):
        raise AssertionError(f"expected a decimal string, got {value!r}")
    return Decimal(value)


def balances(items):
    """{asset: (available, held)} from a logon snapshot's `balances`."""
    return {b["asset"]: (D(b["available"]), D(b["held"])) for b in items}


def last_balances(client):
    """{asset: (available, held)} from the last `balances` message of each asset."""
    out = {}
    for m in client.channel("balances"):
        out[m["data"]["asset"]] = (D(m["data"]["available"]), D(m["data"]["held"]))
    return out


def order_state(order):
    """The comparable fields of an order in a logon snapshot or an answer."""
    keys = ("client_order_id", "order_id", "symbol", "side", "type", "price", "qty", "leaves_qty",
            "filled_qty", "tif", "post_only", "status")
    return {k: (D(order[k]) if k in ("price", "qty", "leaves_qty", "filled_qty") else order.get(k))
            for k in keys}


def _levels(side, rows, descending):
    out = {}
    for row in rows:
        if not (isinstance(row, list) and len(row) == 2):
            raise AssertionError(f"{side}: a level is [price, qty], got {row!r}")
        out[D(row[0])] = D(row[1])
    prices = [D(r[0]) for r in rows]
    if prices != sorted(prices, reverse=descending):
        raise AssertionError(f"{side} of a snapshot are not best-first: {rows}")
    return out


class LocalBook:
    """A book rebuilt from a `book.*` channel: snapshot then updates, checking that seq has no gap."""

    def __init__(self, depth=None):
        self.depth, self.bids, self.asks, self.seq, self.applied = depth, {}, {}, None, 0

    def apply(self, msg):
        data = msg["data"]
        if msg["type"] == "snapshot":
            self.bids = _levels("bids", data["bids"], True)
            self.asks = _levels("asks", data["asks"], False)
            if any(q <= 0 for q in list(self.bids.values()) + list(self.asks.values())):
                raise AssertionError(f"a snapshot level with qty <= 0: {msg}")
        elif msg["type"] == "update":
            if self.seq is None:
                raise AssertionError(f"update before the snapshot: {msg}")
            if msg["seq"] != self.seq + 1:
                raise AssertionError(f"gap: seq {msg['seq']} after {self.seq}: {msg}")
            for side, book in (("bids", self.bids), ("asks", self.asks)):
                for price, qty in data.get(side, []):
                    if D(qty) == 0:
                        book.pop(D(price), None)
                    else:
                        book[D(price)] = D(qty)
        else:
            raise AssertionError(f"unknown book message type: {msg}")
        self.seq = msg["seq"]
        self.applied += 1
        if self.depth is not None and (len(self.bids) > self.depth or len(self.asks) > self.depth):
            raise AssertionError(f"depth {self.depth} view holds more levels: {self.view()} after {msg}")

    def view(self, depth=None):
        bids = sorted(self.bids.items(), reverse=True)
        asks = sorted(self.asks.items())
        if depth is not None:
            bids, asks = bids[:depth], asks[:depth]
        return {"bids": bids, "asks": asks}


def book(bids, asks):
    """An expected book view from [("100", "1.5"), ...] rows."""
    conv = lambda rows: [(Decimal(p), Decimal(q)) for p, q in rows]
    return {"bids": sorted(conv(bids), reverse=True), "asks": sorted(conv(asks))}


# ---------------------------------------------------------------------------------------------
# The test case


class ServerCase(unittest.IsolatedAsyncioTestCase):
    """A test with its own server (fresh data dir); `SERVER` holds config overrides."""

    SERVER = {}

    async def asyncSetUp(self):
        asyncio.get_running_loop().slow_callback_duration = 30  # the start below blocks on purpose
        self.server = Server(**self.SERVER)
        self.addCleanup(self.server.cleanup)
        self.server.start()  # from the main thread: PR_SET_PDEATHSIG follows the forking thread
        self.clients = []

    async def asyncTearDown(self):
        for c in self.clients:
            await c.close()

    async def connect(self, name="client"):
        c = await Client.connect(self.server, name)
        self.clients.append(c)
        return c

    async def session(self, key, name=None, **logon):
        """A new connection logged on with `key`: (client, logon result)."""
        c = await self.connect(name or key.api_key)
        return c, await c.logon_ok(key, **logon)

    async def fresh_logon(self, key):
        """The logon snapshot of `key`'s account seen by a new connection (closed afterwards)."""
        c = await Client.connect(self.server, f"{key.api_key}-snapshot")
        try:
            return await c.logon_ok(key)
        finally:
            await c.close()

    async def fresh_book(self, channel=f"book.{SYMBOL}"):
        """A snapshot of `channel` taken by a new connection, as a view."""
        c = await Client.connect(self.server, "book-snapshot")
        try:
            await c.subscribe(channel)
            msg = await c.next_push(channel)
            self.assertEqual(msg["type"], "snapshot", msg)
            b = LocalBook()
            b.apply(msg)
            return b.view()
        finally:
            await c.close()

    def assertDec(self, value, expected, msg=None):
        self.assertEqual(D(value), Decimal(expected), msg)

    def assertContiguous(self, messages, after, what):
        seqs = [m["seq"] for m in messages]
        self.assertEqual(seqs, list(range(after + 1, after + 1 + len(seqs))),
                         f"{what}: seq not contiguous after {after}: {messages}")
