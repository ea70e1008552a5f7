#!/usr/bin/env python3
"""Tradestream WebSocket API: a small example client (see docs/ws-api.md).

It logs on with a signed logon (Ed25519 or HMAC-SHA256), subscribes to the book, the best bid and
offer and the trades of one symbol and to the account's private streams (orders, fills, balances),
places one limit order and prints everything that comes back. It keeps a local order book from the
snapshot plus the updates and checks sequence numbers: a gap in the book resubscribes for a fresh
snapshot, a gap in the private stream is reported.

Run the server on its embedded defaults (BTC-USD, ETH-USD, GPU-USD; demo accounts 1 and 2):

    cargo run --release -- serve                  # prints: ws listening on ws://127.0.0.1:8080/ws

then, after `pip install websockets cryptography`, in other terminals:

    python3 examples/ws_client.py                 # demo-1 (seed 0101..01) buys 0.01 BTC at 100
    python3 examples/ws_client.py --api-key demo-2 --ed25519-seed-hex $(printf '02%.0s' {1..32}) \
        --side sell                               # demo-2 sells into it: both see fills
    python3 examples/ws_client.py --api-key demo-hmac --hmac-secret demo-hmac-secret --no-order

The demo seeds (32 bytes of 0x01, 0x02) are public knowledge: for a local demo only. Stop with
Ctrl-C or give --duration SECONDS; with --cancel-on-disconnect the order goes when the client does.
"""

import argparse
import asyncio
import hashlib
import hmac
import itertools
import json
import secrets
import time
from decimal import Decimal

import websockets
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

PRIVATE = ("orders", "fills", "balances")


def sign(payload, seed_hex=None, hmac_secret=None):
    """The logon signature in lowercase hex: HMAC-SHA256 with a shared secret, else Ed25519."""
    if hmac_secret is not None:
        return hmac.new(hmac_secret.encode(), payload, hashlib.sha256).hexdigest()
    return Ed25519PrivateKey.from_private_bytes(bytes.fromhex(seed_hex)).sign(payload).hex()


class Book:
    """An L2 book kept from a snapshot plus updates. `apply` returns False on a sequence gap."""

    def __init__(self):
        self.bids, self.asks, self.seq = {}, {}, None

    def apply(self, msg):
        if msg["type"] == "snapshot":
            self.bids, self.asks = {}, {}
        elif self.seq is None or msg["seq"] != self.seq + 1:
            return False
        for side, levels in (("bids", self.bids), ("asks", self.asks)):
            for price, qty in msg["data"].get(side, []):
                if Decimal(qty) == 0:
                    levels.pop(Decimal(price), None)
                else:
                    levels[Decimal(price)] = Decimal(qty)
        self.seq = msg["seq"]
        return True

    def top(self, n=3):
        bids = sorted(self.bids.items(), reverse=True)[:n]
        asks = sorted(self.asks.items())[:n]
        show = lambda levels: " ".join(f"{q}@{p}" for p, q in levels) or "-"
        return f"bids {show(bids)} | asks {show(asks)}"


class Session:
    def __init__(self, ws, symbol):
        self.ws, self.symbol, self.ids = ws, symbol, itertools.count(1)
        self.book, self.resyncing, self.private_seq = Book(), False, None

    async def send(self, method, params=None):
        request = {"id": next(self.ids), "method": method}
        if params is not None:
            request["params"] = params
        await self.ws.send(json.dumps(request))
        return request["id"]

    async def call(self, method, params=None):
        """Sends a request and returns its answer, handling whatever arrives before it."""
        rid = await self.send(method, params)
        while True:
            msg = json.loads(await self.ws.recv())
            if msg.get("id") == rid and "channel" not in msg:
                return msg
            await self.handle(msg)

    async def handle(self, msg):
        channel = msg.get("channel")
        if channel is None:
            print("answer ", json.dumps(msg))
        elif channel.startswith("book."):
            await self.on_book(msg)
        elif channel in PRIVATE:
            if self.private_seq is not None and msg["seq"] != self.private_seq + 1:
                print(f"GAP    private seq {msg['seq']} after {self.private_seq}: log on again for a snapshot")
            self.private_seq = msg["seq"]
            print(f"{channel:8}", f"seq {msg['seq']} engine_seq {msg.get('engine_seq')}", json.dumps(msg["data"]))
        else:
            print(f"{channel:8}", f"seq {msg['seq']}", json.dumps(msg["data"]))

    async def on_book(self, msg):
        if self.resyncing and msg["type"] != "snapshot":
            return  # updates of the old subscription, until the fresh snapshot
        if not self.book.apply(msg):
            print(f"GAP    {msg['channel']} seq {msg['seq']} after {self.book.seq}: resubscribing")
            self.resyncing = True
            await self.send("unsubscribe", {"channels": [msg["channel"]]})
            await self.send("subscribe", {"channels": [msg["channel"]]})
            return
        self.resyncing = False
        print(f"book    {msg['type']} seq {msg['seq']}: {self.book.top()}")


async def run(args):
    async with websockets.connect(args.url, compression=None, max_size=None) as ws:
        s = Session(ws, args.symbol)
        print("answer ", json.dumps(await s.call("instruments")))

        timestamp, nonce = int(time.time() * 1000), secrets.token_hex(8)
        payload = f"logon\n{args.api_key}\n{timestamp}\n{nonce}".encode()
        signature = sign(payload, args.ed25519_seed_hex, args.hmac_secret)
        answer = await s.call("logon", {"api_key": args.api_key, "timestamp": timestamp, "nonce": nonce,
                                        "signature": signature, "cancel_on_disconnect": args.cancel_on_disconnect})
        if "error" in answer:
            raise SystemExit(f"logon failed: {answer['error']}")
        logon = answer["result"]
        s.private_seq = logon["private_seq"]  # the snapshot is the state; newer messages follow it
        print(f"logged on: account {logon['account']} scopes {logon['scopes']} ack {logon['ack']} "
              f"engine_seq {logon['engine_seq']} private_seq {logon['private_seq']}")
        for order in logon["orders"]:
            print("open   ", json.dumps(order))
        for balance in logon["balances"]:
            print(f"balance {balance['asset']}: available {balance['available']} held {balance['held']}")

        channels = [f"book.{args.symbol}", f"bbo.{args.symbol}", f"trades.{args.symbol}", *PRIVATE]
        print("answer ", json.dumps(await s.call("subscribe", {"channels": channels})))
        if not args.no_order:
            order = {"symbol": args.symbol, "side": args.side, "type": "limit", "price": args.price,
                     "qty": args.qty, "tif": "gtc", "client_order_id": f"ex-{secrets.token_hex(4)}"}
            answer = await s.call("place", order)
            if "error" in answer:
                print(f"place refused: {answer['error']['code']}: {answer['error']['message']}")
            else:
                r = answer["result"]
                print(f"placed {r['client_order_id']}: {r['status']}, filled {r['filled_qty']}, "
                      f"leaves {r['leaves_qty']}, engine_seq {r['engine_seq']}, "
                      f"{r['rate_limit']['remaining']} orders left in the window")
        while True:
            await s.handle(json.loads(await ws.recv()))


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--url", default="ws://127.0.0.1:8080/ws")
    p.add_argument("--api-key", default="demo-1")
    p.add_argument("--ed25519-seed-hex", default="01" * 32, help="32-byte Ed25519 secret seed, hex")
    p.add_argument("--hmac-secret", help="sign with HMAC-SHA256 and this shared secret instead")
    p.add_argument("--symbol", default="BTC-USD")
    p.add_argument("--side", choices=("buy", "sell"), default="buy")
    p.add_argument("--price", default="100", help="decimal string on the tick grid")
    p.add_argument("--qty", default="0.01", help="decimal string on the lot grid")
    p.add_argument("--no-order", action="store_true", help="only watch (e.g. with a read key)")
    p.add_argument("--cancel-on-disconnect", action="store_true")
    p.add_argument("--duration", type=float, help="stop after this many seconds")
    args = p.parse_args()
    try:
        asyncio.run(asyncio.wait_for(run(args), args.duration) if args.duration else run(args))
    except (KeyboardInterrupt, asyncio.TimeoutError):
        pass
    except websockets.ConnectionClosed as e:
        raise SystemExit(f"connection closed: {e}")


if __name__ == "__main__":
    main()
