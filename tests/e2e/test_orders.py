"""Order entry (place, amend, cancel, mass cancel) and its answers, in both acknowledgement modes."""

import asyncio
import unittest

from harness import ALICE, SYMBOL, ServerCase, balances, now_ms, order_state


class OrderEntry:
    ACK = None

    async def test_place_amend_cancel_answers(self):
        c, logon = await self.session(ALICE)
        self.assertEqual(logon["ack"], self.ACK)
        seqs, remaining = [logon["engine_seq"]], [logon["rate_limit"]["remaining"]]

        def step(r):
            self.assertIsInstance(r["engine_seq"], int, r)
            self.assertGreater(r["engine_seq"], seqs[-1], f"engine_seq must increase: {r}")
            rl = r["rate_limit"]
            self.assertEqual((rl["limit"], rl["window_ms"]), (1000, 60000), rl)
            self.assertEqual(rl["remaining"], remaining[-1] - 1, f"one unit per request: {r}")
            seqs.append(r["engine_seq"])
            remaining.append(rl["remaining"])

        a = await c.place("buy", "100", "2", "o-1", tif="gtc")
        step(a)
        self.assertEqual(a["rate_limit"]["remaining"], 999)
        self.assertEqual((a["client_order_id"], a["symbol"], a["status"]), ("o-1", SYMBOL, "new"))
        self.assertIsInstance(a["order_id"], int)
        self.assertDec(a["price"], "100")
        self.assertDec(a["qty"], "2")
        self.assertDec(a["filled_qty"], "0")
        self.assertDec(a["leaves_qty"], "2")

        b = await c.place("sell", "110", "1", "o-2")
        step(b)
        self.assertEqual(b["status"], "new")
        self.assertNotEqual(b["order_id"], a["order_id"])

        m = await c.call("amend", {"symbol": SYMBOL, "client_order_id": "o-1", "qty": "1.5"})
        step(m)
        self.assertEqual((m["client_order_id"], m["symbol"], m["status"]), ("o-1", SYMBOL, "new"))
        self.assertDec(m["qty"], "1.5")
        self.assertDec(m["leaves_qty"], "1.5")
        self.assertDec(m["filled_qty"], "0")
        self.assertDec(m["price"], "100")

        m = await c.call("amend", {"symbol": SYMBOL, "client_order_id": "o-1", "price": "100.5"})
        step(m)
        self.assertDec(m["price"], "100.5")
        self.assertDec(m["qty"], "1.5")

        x = await c.call("cancel", {"symbol": SYMBOL, "client_order_id": "o-1"})
        step(x)
        self.assertEqual((x["client_order_id"], x["symbol"], x["status"]), ("o-1", SYMBOL, "cancelled"))

        err = await c.error("cancel", {"symbol": SYMBOL, "client_order_id": "o-1"}, "unknown_order")
        self.assertEqual(err["client_order_id"], "o-1")
        self.assertEqual(err["rate_limit"]["remaining"], remaining[-1] - 1, err)
        remaining.append(err["rate_limit"]["remaining"])

        # a new connection's logon snapshot holds exactly o-2, and its hold
        snap = await self.fresh_logon(ALICE)
        self.assertGreaterEqual(snap["engine_seq"], seqs[-1])
        self.assertEqual([order_state(o) for o in snap["orders"]], [order_state({
            **b, "side": "sell", "type": "limit", "tif": "gtc", "post_only": False})])
        bal = balances(snap["balances"])
        self.assertEqual(bal["BTC"], (99, 1))
        self.assertEqual(bal["USD"], (1000000, 0))

        mc = await c.call("mass_cancel", {"symbol": SYMBOL})
        self.assertEqual(mc["cancelled"], 1)
        step(mc)
        mc = await c.call("mass_cancel", {})
        self.assertEqual(mc["cancelled"], 0)
        self.assertEqual(mc["rate_limit"]["remaining"], remaining[-1] - 1)
        self.assertEqual((await self.fresh_logon(ALICE))["orders"], [])
        # checked last so that a failure here does not hide the checks above
        self.assertDec(x["cancelled_qty"], "1.5")
        self.assertNotIn("leaves_qty", x)

    async def test_engine_rejects_carry_order_id_engine_seq_and_rate_limit(self):
        c, logon = await self.session(ALICE)
        await c.place("buy", "100", "1", "r-1")
        err = await c.error("place", {"symbol": SYMBOL, "side": "buy", "price": "99", "qty": "1",
                                      "client_order_id": "r-1"}, "duplicate_id")
        self.assertEqual(err["client_order_id"], "r-1")
        self.assertGreater(err["engine_seq"], logon["engine_seq"])
        self.assertEqual(err["rate_limit"]["remaining"], 998)

        err = await c.error("place", {"symbol": SYMBOL, "side": "buy", "price": "100", "qty": "20000",
                                      "client_order_id": "r-2"}, "insufficient_balance")
        self.assertEqual(err["client_order_id"], "r-2")
        self.assertEqual(err["rate_limit"]["remaining"], 997)

        await c.place("sell", "101", "1", "r-3")
        await c.error("place", {"symbol": SYMBOL, "side": "buy", "price": "101", "qty": "1",
                                "post_only": True, "client_order_id": "r-4"}, "post_only_would_cross")
        await c.error("place", {"symbol": SYMBOL, "side": "buy", "price": "1", "qty": "1",
                                "client_order_id": "r-5", "tif": "gtd"}, "invalid_params")

        ioc = await c.place("buy", "90", "1", "r-6", tif="ioc")
        self.assertEqual((ioc["status"], ioc.get("cancel_reason")), ("cancelled", "ioc_remainder"), ioc)
        self.assertDec(ioc["filled_qty"], "0")

        gen = await c.place("buy", "95", "0.5")
        self.assertIsInstance(gen["client_order_id"], str)
        self.assertTrue(1 <= len(gen["client_order_id"]) <= 36, gen)
        x = await c.call("cancel", {"symbol": SYMBOL, "client_order_id": gen["client_order_id"]})
        self.assertEqual(x["status"], "cancelled")

        ids = sorted(o["client_order_id"] for o in (await self.fresh_logon(ALICE))["orders"])
        self.assertEqual(ids, ["r-1", "r-3"])


class GoodTillDate(ServerCase):
    async def test_gtd_order_expires(self):
        c, _ = await self.session(ALICE)
        await c.subscribe("orders")
        placed = await c.place("buy", "100", "1", "gtd-1", tif="gtd", expire_at=now_ms() + 400)
        self.assertEqual(placed["status"], "new")
        msg = await c.wait_for(lambda: [m for m in c.channel("orders") if m["data"]["status"] == "cancelled"],
                               "the expiry")
        self.assertEqual((msg[0]["data"]["client_order_id"], msg[0]["data"]["cancel_reason"]), ("gtd-1", "expired"))
        self.assertEqual((await self.fresh_logon(ALICE))["orders"], [])

    async def test_gtd_expiring_in_the_past_is_invalid_expire(self):
        c, _ = await self.session(ALICE)
        await c.place("buy", "99", "1", "first")
        await asyncio.sleep(1.0)  # the server idles for a while
        err = await c.error("place", {"symbol": SYMBOL, "side": "buy", "price": "100", "qty": "1", "tif": "gtd",
                                      "expire_at": now_ms() - 3600_000, "client_order_id": "late"}, "invalid_expire")
        self.assertEqual(err["client_order_id"], "late")


class DurableOrderEntry(OrderEntry, ServerCase):
    ACK = "durable"
    SERVER = {"ack": "durable"}


class FastOrderEntry(OrderEntry, ServerCase):
    ACK = "fast"
    SERVER = {"ack": "fast"}


if __name__ == "__main__":
    unittest.main()
