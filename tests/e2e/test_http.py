"""`/health` and `/metrics` on the HTTP listener."""

import asyncio
import json
import re

from harness import ALICE, ServerCase

SAMPLE = re.compile(r'^[a-zA-Z_:][a-zA-Z0-9_:]*(\{[^}]*\})? (-?[0-9.eE+-]+|[+-]Inf|NaN)( -?[0-9]+)?$')


def counter(text, name):
    values = [float(m.group(1)) for m in re.finditer(rf"^{name} (\S+)$", text, re.M)]
    if len(values) != 1:
        raise AssertionError(f"{name}: expected one sample, got {values} in:\n{text}")
    return values[0]


class Http(ServerCase):
    async def test_health_and_metrics(self):
        status, body = await asyncio.to_thread(self.server.http_get, "/health")
        self.assertEqual(status, 200, body)
        health = json.loads(body)
        self.assertEqual(health["status"], "ok")

        status, text = await asyncio.to_thread(self.server.http_get, "/metrics")
        self.assertEqual(status, 200, text)
        self.assertIn("# TYPE tradestream_commands_total counter", text)
        for line in text.splitlines():
            if line and not line.startswith("#"):
                self.assertRegex(line, SAMPLE)
        commands = counter(text, "tradestream_commands_total")

        alice, _ = await self.session(ALICE)
        await alice.place("buy", "99", "1", "m-1")
        await alice.place("buy", "99", "1", "m-2")
        _, text = await asyncio.to_thread(self.server.http_get, "/metrics")
        self.assertGreaterEqual(counter(text, "tradestream_commands_total"), commands + 2)

        status, _ = await asyncio.to_thread(self.server.http_get, "/nope")
        self.assertEqual(status, 404)
