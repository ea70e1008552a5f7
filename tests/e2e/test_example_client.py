"""examples/ws_client.py runs against the server: logon, subscribe, place, streams, book."""

import asyncio
import os
import sys

from harness import ALICE, REPO, ServerCase

SCRIPT = os.path.join(REPO, "examples", "ws_client.py")


class ExampleClient(ServerCase):
    async def test_example_client_session(self):
        proc = await asyncio.create_subprocess_exec(
            sys.executable, SCRIPT, "--url", self.server.ws_url, "--api-key", ALICE.api_key,
            "--ed25519-seed-hex", ALICE.seed.hex(), "--price", "99.5", "--qty", "0.25", "--duration", "3",
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
        try:
            out, _ = await asyncio.wait_for(proc.communicate(), 30)
        except asyncio.TimeoutError:
            proc.kill()
            raise AssertionError("the example client did not stop after --duration 3")
        text = out.decode()
        self.assertEqual(proc.returncode, 0, text)
        self.assertIn("logged on: account 1", text)
        self.assertRegex(text, r"placed ex-[0-9a-f]+: new, filled 0, leaves 0.25")
        self.assertRegex(text, r"book +update seq \d+: bids 0.25@99.5 \| asks -")
        self.assertRegex(text, r"orders +seq \d+")
        self.assertNotIn("GAP", text)
        snap = await self.fresh_logon(ALICE)
        self.assertEqual(len(snap["orders"]), 1, snap)
