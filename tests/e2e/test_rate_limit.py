"""The per-account order-rate limit: a small budget, the request past it, the reset."""

import asyncio

from harness import ALICE, BOB, SYMBOL, ServerCase, now_ms

LIMIT, WINDOW = 5, 3000


class RateLimit(ServerCase):
    SERVER = {"rate_orders": LIMIT, "rate_window_ms": WINDOW}

    async def test_sixth_order_in_a_window_is_rate_limited(self):
        c, r = await self.session(ALICE)
        rl = r["rate_limit"]
        self.assertEqual((rl["limit"], rl["remaining"], rl["window_ms"]), (LIMIT, LIMIT, WINDOW), rl)
        left = rl["reset_ms"] - now_ms()
        if 0 < left < 2000:  # start at the beginning of a window, so all six fall into one
            await asyncio.sleep(left / 1000 + 0.05)

        params = [{"symbol": SYMBOL, "side": "buy", "price": str(90 + i), "qty": "0.001",
                   "client_order_id": f"rl-{i}"} for i in range(LIMIT + 1)]
        pending = [await c.submit("place", p) for p in params]  # pipelined: all sent, then answers read
        answers = [await a for a in pending]
        for a in answers[:LIMIT]:
            self.assertIn("result", a, answers)
        self.assertEqual(sorted(a["result"]["rate_limit"]["remaining"] for a in answers[:LIMIT]),
                         list(range(LIMIT)), answers)
        err = answers[LIMIT].get("error")
        self.assertIsNotNone(err, answers[LIMIT])
        self.assertEqual(err["code"], "rate_limited", err)
        erl = err["rate_limit"]
        self.assertEqual((erl["limit"], erl["remaining"], erl["window_ms"]), (LIMIT, 0, WINDOW), erl)
        self.assertGreater(erl["reset_ms"], now_ms() - 100, erl)

        # the connection still works; the budget is the account's, not the connection's
        self.assertIn("pong", await c.call("ping"))
        c2, _ = await self.session(ALICE, "alice-2")
        await c2.error("place", {"symbol": SYMBOL, "side": "buy", "price": "80", "qty": "1"}, "rate_limited")
        await c2.error("cancel", {"symbol": SYMBOL, "client_order_id": "rl-0"}, "rate_limited")
        b, _ = await self.session(BOB)
        self.assertEqual((await b.place("buy", "80", "1", "bob-1"))["status"], "new")
        snap = await self.fresh_logon(ALICE)
        self.assertEqual(len(snap["orders"]), LIMIT, "a rate-limited order is not submitted")

        await asyncio.sleep(min(max(erl["reset_ms"] - now_ms(), 0) / 1000 + 0.2, WINDOW / 1000 + 1))
        again = await c.place("buy", "85", "0.001", "rl-late")
        self.assertEqual(again["rate_limit"]["remaining"], LIMIT - 1, again)
