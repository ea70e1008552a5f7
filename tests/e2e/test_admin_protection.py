"""Market-maker protection from the operator side: `admin.set_protection` / `admin.reset_protection`
(answers, the `orders` stream's protection messages, refusals) and `[[protection]]` config entries
entered at start. Trips themselves need quotes (QUIC gateway) and are tested there."""

import asyncio

from harness import ADMIN, ALICE, SYMBOL, Server, ServerCase

LIMITS = {"window_ms": 1000, "max_filled": "2.5", "max_delta": "0.01", "freeze_ms": 500}
CONFIG_ENTRY = {"account": 1, "symbol": SYMBOL, "window_ms": 2000, "max_filled": "3", "max_delta": "1.5",
                "freeze_ms": 0}
CONFIG_LINE = (f"config: protection of account 1 on {SYMBOL}: window 2000 ms, max filled 3, max delta 1.5, "
               "freeze 0 ms")


def protection(account=1, symbol=SYMBOL, **limits):
    return {"account": account, "symbol": symbol, **LIMITS, **limits}


def run_output(server):
    """The output of the server's latest run."""
    return server.output().rsplit("--- start ", 1)[-1]


class SetAndReset(ServerCase):
    async def test_set_answers_the_applied_limits_and_pushes_to_the_account(self):
        admin, _ = await self.session(ADMIN)
        alice, _ = await self.session(ALICE)
        await alice.subscribe("orders")
        got = await admin.call("admin.set_protection", protection())
        self.assertEqual({k: got[k] for k in ("account", "symbol", "window_ms", "max_filled", "max_delta",
                                               "freeze_ms", "active")},
                         {"account": 1, "symbol": SYMBOL, "window_ms": 1000, "max_filled": "2.5",
                          "max_delta": "0.01", "freeze_ms": 500, "active": True}, got)
        self.assertIsInstance(got["engine_seq"], int)
        push = await alice.wait_for(lambda: alice.channel("orders"), "protection_set")
        self.assertEqual(push[0]["type"], "update")
        self.assertEqual(push[0]["engine_seq"], got["engine_seq"])
        data = push[0]["data"]
        self.assertEqual((data["type"], data["symbol"], data["max_filled"], data["max_delta"], data["active"]),
                         ("protection_set", SYMBOL, "2.5", "0.01", True), data)
        self.assertIsInstance(data["ts"], int)

        # a limit "0" is off; both "0" removes the protection (every limit 0)
        one = await admin.call("admin.set_protection", protection(max_delta="0"))
        self.assertEqual((one["max_filled"], one["max_delta"], one["active"]), ("2.5", "0", True), one)
        off = await admin.call("admin.set_protection", protection(max_filled="0", max_delta="0.000"))
        self.assertEqual((off["window_ms"], off["max_filled"], off["max_delta"], off["freeze_ms"], off["active"]),
                         (0, "0", "0", 0, False), off)
        pushes = await alice.wait_for(lambda: len(alice.channel("orders")) == 3 and alice.channel("orders"),
                                      "three protection_set")
        self.assertEqual([m["data"]["active"] for m in pushes], [True, True, False])
        self.assertEqual([m["seq"] for m in pushes], [pushes[0]["seq"] + i for i in range(3)])

    async def test_reset_is_answered_and_pushed(self):
        admin, _ = await self.session(ADMIN)
        alice, _ = await self.session(ALICE)
        await alice.subscribe("orders")
        await admin.call("admin.set_protection", protection())
        reset = await admin.call("admin.reset_protection", {"account": 1, "symbol": SYMBOL})
        self.assertEqual((reset["account"], reset["symbol"], reset["reset"]), (1, SYMBOL, True), reset)
        msgs = await alice.wait_for(lambda: len(alice.channel("orders")) == 2 and alice.channel("orders"),
                                    "protection_reset")
        self.assertEqual(msgs[1]["data"]["type"], "protection_reset")
        self.assertEqual((msgs[1]["data"]["symbol"], msgs[1]["engine_seq"]), (SYMBOL, reset["engine_seq"]))
        # a reset without a protection is still answered (idempotent)
        again = await admin.call("admin.reset_protection", {"account": 2, "symbol": SYMBOL})
        self.assertEqual((again["account"], again["reset"]), (2, True), again)

    async def test_refusals_submit_nothing(self):
        admin, _ = await self.session(ADMIN)
        alice, _ = await self.session(ALICE)
        first = await admin.call("admin.set_protection", protection())

        err = await admin.error("admin.set_protection", protection(symbol="ETH-USD"), "unknown_symbol")
        self.assertIn("ETH-USD", err["message"])
        await admin.error("admin.reset_protection", {"account": 1, "symbol": "ETH-USD"}, "unknown_symbol")
        err = await admin.error("admin.set_protection", protection(max_filled="0.0005"), "invalid_params")
        self.assertEqual(err["message"], "params.max_filled: 0.0005 is not a multiple of the lot 0.001")
        err = await admin.error("admin.set_protection", protection(max_delta="-1"), "invalid_params")
        self.assertIn("params.max_delta", err["message"])
        err = await admin.error("admin.set_protection", protection(max_filled=3), "invalid_params")
        self.assertIn("decimal string", err["message"])
        err = await admin.error("admin.set_protection", protection(window_ms=0), "invalid_params")
        self.assertIn("params.window_ms", err["message"])
        err = await admin.error("admin.set_protection", {"account": 1, "symbol": SYMBOL}, "invalid_params")
        self.assertEqual(err["message"], "params.window_ms: required")
        await alice.error("admin.set_protection", protection(), "forbidden")
        await alice.error("admin.reset_protection", {"account": 1, "symbol": SYMBOL}, "forbidden")

        after = await admin.call("admin.reset_protection", {"account": 1, "symbol": SYMBOL})
        self.assertEqual(after["engine_seq"], first["engine_seq"] + 1, "nothing was submitted in between")


class ConfigEntry(ServerCase):
    SERVER = {"protection": [CONFIG_ENTRY]}

    async def restart(self):
        for c in self.clients:
            await c.close()
        self.clients.clear()
        code = await asyncio.to_thread(self.server.stop)
        self.assertEqual(code, 0, self.server.tail())
        self.server.start()

    async def test_entered_at_start_once_and_again_when_it_differs(self):
        self.assertIn(CONFIG_LINE, run_output(self.server).splitlines(), self.server.tail())
        await self.restart()
        self.assertNotIn("config: protection", run_output(self.server), "the journal already has it")

        # an operator's change differs from the entry: the next start enters the entry again
        admin, _ = await self.session(ADMIN)
        await admin.call("admin.set_protection", protection())
        await self.restart()
        self.assertIn(CONFIG_LINE, run_output(self.server).splitlines(), self.server.tail())
        alice, _ = await self.session(ALICE)
        await alice.subscribe("orders")
        admin, _ = await self.session(ADMIN)
        same = await admin.call("admin.set_protection", {**CONFIG_ENTRY})
        self.assertEqual((same["max_filled"], same["max_delta"], same["window_ms"]), ("3", "1.5", 2000), same)

    async def test_an_unlisted_symbol_stops_the_start(self):
        bad = Server(protection=[{**CONFIG_ENTRY, "symbol": "ETH-USD"}])
        self.addCleanup(bad.cleanup)
        with self.assertRaises(RuntimeError):
            bad.start()
        self.assertIn('protection of account 1 on ETH-USD: symbol "ETH-USD" is not listed', bad.output())
