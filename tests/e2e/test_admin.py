"""Operator methods: halt / resume, kill switch, fees, and the admin scope."""

from decimal import Decimal

from harness import ADMIN, ALICE, BOB, SYMBOL, ServerCase, balances

STATUS = f"status.{SYMBOL}"


def order(price, qty, coid, side="buy"):
    return {"symbol": SYMBOL, "side": side, "type": "limit", "price": price, "qty": qty, "client_order_id": coid}


class Admin(ServerCase):
    async def test_halt_and_resume(self):
        admin, r = await self.session(ADMIN)
        self.assertIn("admin", r["scopes"])
        alice, _ = await self.session(ALICE)
        obs = await self.connect("observer")
        await obs.subscribe(STATUS)
        await alice.place("buy", "99", "1", "h-1")

        halt = await admin.call("admin.halt", {"symbol": SYMBOL})
        self.assertEqual((halt["symbol"], halt["halted"]), (SYMBOL, True), halt)
        self.assertIsInstance(halt["engine_seq"], int)
        msg = await obs.wait_for(lambda: [m for m in obs.channel(STATUS) if m["data"].get("halted") is True],
                                 "status halted")
        self.assertEqual(msg[-1]["type"], "update")
        err = await alice.error("place", order("98", "1", "h-2"), "instrument_halted")
        self.assertEqual(err["client_order_id"], "h-2")
        await alice.error("amend", {"symbol": SYMBOL, "client_order_id": "h-1", "qty": "0.5"}, "instrument_halted")
        self.assertIs((await alice.call("instruments"))["instruments"][0]["halted"], True)
        # resting orders stay and can be cancelled
        self.assertEqual((await self.fresh_book())["bids"], [(Decimal("99"), Decimal("1"))])
        self.assertEqual((await alice.call("cancel", {"symbol": SYMBOL, "client_order_id": "h-1"}))["status"],
                         "cancelled")

        resume = await admin.call("admin.resume", {"symbol": SYMBOL})
        self.assertEqual((resume["symbol"], resume["halted"]), (SYMBOL, False), resume)
        self.assertGreater(resume["engine_seq"], halt["engine_seq"])
        await obs.wait_for(lambda: obs.channel(STATUS)[-1]["data"].get("halted") is False, "status resumed")
        self.assertEqual((await alice.place("buy", "98", "1", "h-3"))["status"], "new")
        self.assertIs((await alice.call("instruments"))["instruments"][0]["halted"], False)

    async def test_kill_switch(self):
        admin, _ = await self.session(ADMIN)
        alice, _ = await self.session(ALICE)
        await alice.subscribe("orders")
        await alice.place("buy", "99", "1", "k-1")
        await alice.place("sell", "101", "1", "k-2")
        on = await admin.call("admin.kill_switch", {"account": 1, "on": True})
        self.assertEqual((on["account"], on["on"], on["cancelled"]), (1, True, 2), on)
        self.assertIsInstance(on["engine_seq"], int)
        def cancels():
            got = [m for m in alice.channel("orders") if m["data"]["status"] == "cancelled"]
            return got if len(got) == 2 else None

        got = await alice.wait_for(cancels, "two cancels")
        self.assertEqual(sorted(m["data"]["client_order_id"] for m in got), ["k-1", "k-2"])
        self.assertEqual({m["data"]["cancel_reason"] for m in got}, {"kill_switch"})
        self.assertEqual({m["engine_seq"] for m in got}, {on["engine_seq"]})
        await alice.error("place", order("99", "1", "k-3"), "kill_switch")
        bob, _ = await self.session(BOB)
        self.assertEqual((await bob.place("buy", "99", "1", "kb-1"))["status"], "new")

        off = await admin.call("admin.kill_switch", {"account": 1, "on": False})
        self.assertEqual((off["account"], off["on"]), (1, False), off)
        self.assertEqual((await alice.place("buy", "99", "1", "k-4"))["status"], "new")

    async def test_set_fees(self):
        admin, _ = await self.session(ADMIN)
        fees = await admin.call("admin.set_fees", {"symbol": SYMBOL, "maker_fee_bps": 0, "taker_fee_bps": 7})
        self.assertEqual((fees["symbol"], fees["maker_fee_bps"], fees["taker_fee_bps"]), (SYMBOL, 0, 7), fees)
        self.assertIsInstance(fees["engine_seq"], int)
        inst = (await admin.call("instruments"))["instruments"][0]
        self.assertEqual((inst["maker_fee_bps"], inst["taker_fee_bps"]), (0, 7))
        alice, _ = await self.session(ALICE)
        bob, _ = await self.session(BOB)
        await alice.place("sell", "100", "1", "f-1")
        self.assertEqual((await bob.place("buy", "100", "1", "f-2"))["status"], "filled")
        self.assertEqual(balances((await self.fresh_logon(ALICE))["balances"])["USD"], (Decimal("1000100"), 0))
        self.assertEqual(balances((await self.fresh_logon(BOB))["balances"])["BTC"], (Decimal("100.9993"), 0))

    async def test_set_fees_out_of_range_is_invalid_params(self):
        admin, _ = await self.session(ADMIN)
        await admin.error("admin.set_fees", {"symbol": SYMBOL, "maker_fee_bps": 0, "taker_fee_bps": 20000},
                          "invalid_params")  # fee rates lie in -10000..=10000 (docs/simulate.md)
        inst = (await admin.call("instruments"))["instruments"][0]
        self.assertEqual((inst["maker_fee_bps"], inst["taker_fee_bps"]), (-1, 5))

    async def test_admin_methods_need_the_admin_scope(self):
        alice, _ = await self.session(ALICE)
        await alice.error("admin.halt", {"symbol": SYMBOL}, "forbidden")
        await alice.error("admin.resume", {"symbol": SYMBOL}, "forbidden")
        await alice.error("admin.kill_switch", {"account": 2, "on": True}, "forbidden")
        await alice.error("admin.set_fees", {"symbol": SYMBOL, "maker_fee_bps": 0, "taker_fee_bps": 0}, "forbidden")
        admin, _ = await self.session(ADMIN)
        await admin.error("place", order("99", "1", "adm-1"), "forbidden")  # admin is not trade
        self.assertIs((await alice.call("instruments"))["instruments"][0]["halted"], False)
        self.assertEqual((await alice.place("buy", "99", "1", "a-1"))["status"], "new")
