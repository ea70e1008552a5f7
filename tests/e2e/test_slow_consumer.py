"""A slow consumer is cut off with a reason (1008 slow_consumer) and stalls no one else."""

import asyncio
import base64
import json
import os
import socket
from urllib.parse import urlparse

from harness import ALICE, SYMBOL, TIMEOUT, ServerCase


def masked_text_frame(text):
    """A client text frame (clients must mask)."""
    payload = text.encode()
    mask = os.urandom(4)
    head = bytes([0x81])
    n = len(payload)
    if n < 126:
        head += bytes([0x80 | n])
    else:
        head += bytes([0x80 | 126]) + n.to_bytes(2, "big")
    return head + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload))


class SlowConsumer(ServerCase):
    SERVER = {"slow_consumer_messages": 512, "rate_orders": 100000}

    async def test_a_reader_that_stops_reading_is_cut_off_and_others_keep_going(self):
        url = urlparse(self.server.ws_url)
        # A subscriber with a tiny receive buffer that never reads after subscribing.
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 2048)
        sock.settimeout(TIMEOUT)
        sock.connect((url.hostname, url.port))
        key = base64.b64encode(os.urandom(16)).decode()
        sock.sendall((f"GET {url.path} HTTP/1.1\r\nHost: {url.netloc}\r\nUpgrade: websocket\r\n"
                      f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
                      f"Sec-WebSocket-Version: 13\r\n\r\n").encode())
        head = b""
        while b"\r\n\r\n" not in head:
            head += sock.recv(1)
        self.assertIn(b" 101 ", head.split(b"\r\n")[0])
        sub = {"id": 1, "method": "subscribe", "params": {"channels": [f"book.{SYMBOL}"]}}
        sock.sendall(masked_text_frame(json.dumps(sub)))

        # A normal subscriber that reads everything.
        fast = await self.connect("fast")
        await fast.subscribe(f"book.{SYMBOL}")
        trader, _ = await self.session(ALICE, "trader")

        # Thousands of book updates: one resting order per price level.
        n = 3000
        for start in range(0, n, 100):
            answers = [await trader.submit("place", {"symbol": SYMBOL, "side": "buy", "type": "limit",
                                                      "price": str(1 + (i % 2000) * 0.5), "qty": "0.001",
                                                      "client_order_id": f"s{i}"})
                       for i in range(start, min(n, start + 100))]
            for a in answers:
                self.assertIn("result", await a)

        # The fast subscriber saw every update, gap-free.
        def updates():
            msgs = fast.channel(f"book.{SYMBOL}")
            return msgs if len(msgs) >= n + 1 else None
        msgs = await fast.wait_for(updates, f"{n} book updates")
        seqs = [m["seq"] for m in msgs]
        self.assertEqual(seqs, list(range(seqs[0], seqs[0] + len(seqs))))

        # The slow one asks for a 2,000-level snapshot again and again and reads none of them:
        # megabytes more than the kernel buffers hold, so its queue fills and it is cut off.
        for i in range(400):
            resub = {"id": 100 + i, "method": "subscribe", "params": {"channels": [f"book.{SYMBOL}"]}}
            try:
                sock.sendall(masked_text_frame(json.dumps(resub)))
            except (BrokenPipeError, ConnectionResetError, socket.timeout):
                break

        # The slow one was cut off: reading what is left ends with a close frame 1008.
        sock.setblocking(False)
        data = b""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + TIMEOUT
        while loop.time() < deadline:
            try:
                chunk = sock.recv(65536)
            except BlockingIOError:
                await asyncio.sleep(0.01)
                continue
            except ConnectionResetError:
                break
            if not chunk:
                break
            data += chunk
        sock.close()
        self.assertTrue(len(data) > 0, "the slow subscriber got some data before it was cut off")
        close_at = data.rfind(b"\x88")
        self.assertGreaterEqual(close_at, 0, "a close frame ends the stream")
        n_len = data[close_at + 1] & 0x7F
        payload = data[close_at + 2: close_at + 2 + n_len]
        self.assertEqual(int.from_bytes(payload[:2], "big"), 1008, payload)
        self.assertEqual(payload[2:], b"slow_consumer")
        # The trader is unaffected.
        self.assertEqual((await trader.call("ping"))["pong"] > 0, True)
