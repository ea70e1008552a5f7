"""Heartbeats: the server pings, and closes (1008 heartbeat_timeout) a connection that stays silent."""

import asyncio
import base64
import os
import time
from urllib.parse import urlparse

from harness import TIMEOUT, ServerCase

HEARTBEAT_MS = 300


async def read_frame(reader):
    """One server frame: (opcode, payload). Server frames are not masked."""
    b0, b1 = await reader.readexactly(2)
    n = b1 & 0x7F
    if n == 126:
        n = int.from_bytes(await reader.readexactly(2), "big")
    elif n == 127:
        n = int.from_bytes(await reader.readexactly(8), "big")
    mask = await reader.readexactly(4) if b1 & 0x80 else None
    payload = await reader.readexactly(n)
    if mask:
        payload = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
    return b0 & 0x0F, payload


class Heartbeat(ServerCase):
    SERVER = {"heartbeat_ms": HEARTBEAT_MS}

    async def test_silent_connection_is_closed_and_a_live_one_is_not(self):
        live = await self.connect("live")  # the websockets client answers pings by itself

        url = urlparse(self.server.ws_url)
        reader, writer = await asyncio.wait_for(asyncio.open_connection(url.hostname, url.port), TIMEOUT)
        key = base64.b64encode(os.urandom(16)).decode()
        writer.write((f"GET {url.path} HTTP/1.1\r\nHost: {url.netloc}\r\nUpgrade: websocket\r\n"
                      f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), TIMEOUT)
        self.assertIn(b" 101 ", head.split(b"\r\n")[0], head)
        start, pings = time.monotonic(), 0
        try:
            while True:  # never answer: no pong, no message
                opcode, payload = await asyncio.wait_for(read_frame(reader), TIMEOUT)
                if opcode == 0x9:
                    pings += 1
                elif opcode == 0x8:
                    break
        finally:
            writer.close()
        elapsed = time.monotonic() - start
        self.assertGreaterEqual(pings, 1, "the server sends pings")
        self.assertEqual(int.from_bytes(payload[:2], "big"), 1008, payload)
        self.assertEqual(payload[2:].decode(), "heartbeat_timeout")
        self.assertGreaterEqual(elapsed, 2 * HEARTBEAT_MS / 1000, "closed before three silent intervals")
        self.assertLess(elapsed, 20 * HEARTBEAT_MS / 1000)

        self.assertFalse(live.closed.is_set(), (live.close_code, live.close_reason))
        self.assertIn("pong", await live.call("ping"))
