"""Cancel-on-disconnect: a dropped session's orders are cancelled (reason `disconnect`), others stay."""

import asyncio

from harness import ALICE, SYMBOL, LocalBook, ServerCase, balances, book


class CancelOnDisconnect(ServerCase):
    async def test_dropped_connection_cancels_the_accounts_orders(self):
        watcher, _ = await self.session(ALICE, "watcher")        # same account, no cancel-on-disconnect
        await watcher.subscribe("orders")
        obs = await self.connect("observer")
        await obs.subscribe(f"book.{SYMBOL}")
        s, r = await self.session(ALICE, "cod", cancel_on_disconnect=True)
        self.assertIs(r["cancel_on_disconnect"], True)
        await s.place("buy", "99", "1", "cod-1")
        await s.place("sell", "101", "1", "cod-2")
        local = LocalBook()

        def view():
            local.__init__()
            for m in obs.channel(f"book.{SYMBOL}"):
                local.apply(m)
            return local.view()

        await obs.wait_for(lambda: view() == book([("99", "1")], [("101", "1")]), "both orders in the book")
        s.abort()  # TCP gone, no close handshake

        def cancelled():
            got = {m["data"]["client_order_id"]: m["data"] for m in watcher.channel("orders")
                   if m["data"]["status"] == "cancelled"}
            return got if len(got) == 2 else None

        got = await watcher.wait_for(cancelled, "both orders cancelled")
        self.assertEqual(sorted(got), ["cod-1", "cod-2"])
        for data in got.values():
            self.assertEqual(data["cancel_reason"], "disconnect", data)
        await obs.wait_for(lambda: view() == book([], []), "the book emptied")
        snap = await self.fresh_logon(ALICE)
        self.assertEqual(snap["orders"], [])
        self.assertEqual(balances(snap["balances"])["USD"], (1000000, 0))
        self.assertEqual(balances(snap["balances"])["BTC"], (100, 0))
        # a disconnect is not a kill switch
        self.assertEqual((await watcher.place("buy", "99", "1", "after"))["status"], "new")

    async def test_without_the_flag_orders_survive_a_drop_and_a_logout(self):
        s, r = await self.session(ALICE, "plain")
        self.assertIs(r["cancel_on_disconnect"], False)
        await s.place("buy", "99", "1", "keep-1")
        s.abort()
        s2, _ = await self.session(ALICE, "plain-2")
        await s2.place("buy", "98", "1", "keep-2")
        self.assertEqual(await s2.call("logout"), {"logged_out": True})
        self.assertEqual((await s2.wait_closed())[0], 1000)
        await asyncio.sleep(0.5)  # a wrong cancel would be journaled by now
        snap = await self.fresh_logon(ALICE)
        self.assertEqual(sorted(o["client_order_id"] for o in snap["orders"]), ["keep-1", "keep-2"])

    async def test_logout_is_not_a_disconnect_even_with_cancel_on_disconnect(self):
        s, _ = await self.session(ALICE, "cod", cancel_on_disconnect=True)
        await s.place("buy", "99", "1", "lo-1")
        self.assertEqual(await s.call("logout"), {"logged_out": True})
        self.assertEqual((await s.wait_closed())[0], 1000)
        await asyncio.sleep(0.5)  # a wrong cancel would be journaled by now
        snap = await self.fresh_logon(ALICE)
        self.assertEqual([o["client_order_id"] for o in snap["orders"]], ["lo-1"])
