"""A graceful restart on the same data dir and config keeps orders, balances and the book."""

import asyncio

from harness import ALICE, BOB, SYMBOL, ServerCase, balances, order_state


class Restart(ServerCase):
    async def state(self):
        a, b = await self.fresh_logon(ALICE), await self.fresh_logon(BOB)
        return {"alice_orders": sorted((order_state(o) for o in a["orders"]), key=lambda o: o["client_order_id"]),
                "bob_orders": sorted((order_state(o) for o in b["orders"]), key=lambda o: o["client_order_id"]),
                "alice_balances": balances(a["balances"]), "bob_balances": balances(b["balances"]),
                "book": await self.fresh_book()}, max(a["engine_seq"], b["engine_seq"])

    async def test_state_survives_sigterm_and_restart(self):
        alice, _ = await self.session(ALICE)
        bob, _ = await self.session(BOB)
        await alice.place("buy", "99", "1", "a-1")
        await alice.place("buy", "98.5", "2", "a-2")
        await alice.place("sell", "101", "1", "a-3")
        await bob.place("sell", "99", "0.4", "b-1")        # partially fills a-1
        await bob.place("sell", "102", "0.75", "b-2")
        before, seq_before = await self.state()
        self.assertEqual(len(before["alice_orders"]), 3)
        self.assertEqual(before["alice_orders"][0]["status"], "partially_filled")
        self.assertEqual(len(before["book"]["bids"]), 2)
        for c in (alice, bob):
            await c.close()
        self.clients.clear()

        code = await asyncio.to_thread(self.server.stop)
        self.assertEqual(code, 0, self.server.tail())
        self.server.start()  # same data dir, same config

        after, seq_after = await self.state()
        self.assertEqual(after, before)                # deposits were not entered a second time
        self.assertGreaterEqual(seq_after, seq_before)
        alice, _ = await self.session(ALICE)
        placed = await alice.place("buy", "97", "1", "a-4")
        self.assertGreater(placed["engine_seq"], seq_before, "engine_seq is monotonic across restarts")
        await alice.error("place", {"symbol": SYMBOL, "side": "buy", "price": "97", "qty": "1",
                                    "client_order_id": "a-1"}, "duplicate_id")
