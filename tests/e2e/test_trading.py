"""Two sessions of two accounts trade: fills, order updates, balances, public trades and bbo."""

from decimal import Decimal

from harness import ALICE, BOB, PRIVATE, SYMBOL, D, ServerCase, balances, last_balances


def level(row):
    """A bbo side as (price, qty) Decimals, None for an empty side."""
    return None if row is None else (D(row[0]), D(row[1]))


def find(client, channel, **fields):
    """The messages of `channel` whose data has all `fields`."""
    return [m for m in client.channel(channel) if all(m["data"].get(k) == v for k, v in fields.items())]


class Trading(ServerCase):
    async def test_trade_between_two_accounts(self):
        alice, la = await self.session(ALICE)
        bob, lb = await self.session(BOB)
        for c in (alice, bob):
            await c.subscribe(*PRIVATE)
        obs = await self.connect("observer")
        await obs.subscribe(f"trades.{SYMBOL}", f"bbo.{SYMBOL}")
        bbo0 = await obs.next_push(f"bbo.{SYMBOL}")
        self.assertEqual((bbo0["type"], bbo0["data"]["bid"], bbo0["data"]["ask"]), ("snapshot", None, None), bbo0)

        sell = await alice.place("sell", "100", "1.5", "s-1")
        self.assertEqual(sell["status"], "new")
        buy = await bob.place("buy", "100", "1", "b-1")
        self.assertEqual(buy["status"], "filled", buy)
        self.assertDec(buy["filled_qty"], "1")
        self.assertDec(buy["leaves_qty"], "0")
        self.assertGreater(buy["engine_seq"], sell["engine_seq"])

        fa = await alice.wait_for(lambda: find(alice, "fills", client_order_id="s-1"), "alice's fill")
        fb = await bob.wait_for(lambda: find(bob, "fills", client_order_id="b-1"), "bob's fill")
        self.assertEqual((len(fa), len(fb)), (1, 1))
        fa, fb = fa[0], fb[0]
        self.assertEqual(fa["data"]["trade_id"], fb["data"]["trade_id"])
        for msg, side, liquidity in ((fa, "sell", "maker"), (fb, "buy", "taker")):
            d = msg["data"]
            self.assertEqual((d["symbol"], d["side"], d["liquidity"]), (SYMBOL, side, liquidity), msg)
            self.assertDec(d["price"], "100")
            self.assertDec(d["qty"], "1")
            self.assertEqual(msg["engine_seq"], buy["engine_seq"], msg)

        # order updates: alice's maker order partially filled, bob's filled
        new = await alice.wait_for(lambda: find(alice, "orders", client_order_id="s-1", status="new"), "s-1 new")
        self.assertEqual(new[0]["engine_seq"], sell["engine_seq"])
        part = await alice.wait_for(lambda: find(alice, "orders", client_order_id="s-1", status="partially_filled"),
                                    "s-1 partially_filled")
        self.assertDec(part[-1]["data"]["filled_qty"], "1")
        self.assertDec(part[-1]["data"]["leaves_qty"], "0.5")
        self.assertEqual(part[-1]["engine_seq"], buy["engine_seq"])
        done = await bob.wait_for(lambda: find(bob, "orders", client_order_id="b-1", status="filled"), "b-1 filled")
        self.assertDec(done[-1]["data"]["leaves_qty"], "0")

        # balances: alice got 100 USD and a 1 bp rebate (0.01), gave 1 BTC and holds 0.5;
        # bob paid 100 USD and a 5 bp fee out of the BTC he got (0.0005)
        want_a = {"USD": (Decimal("1000100.01"), 0), "BTC": (Decimal("98.5"), Decimal("0.5"))}
        want_b = {"USD": (Decimal("999900"), 0), "BTC": (Decimal("100.9995"), 0)}
        for c, want in ((alice, want_a), (bob, want_b)):
            await c.wait_for(lambda: all(last_balances(c).get(a) == v for a, v in want.items()),
                             f"balances {want}")
        # per-account private sequence: contiguous from the logon's private_seq, across channels
        self.assertContiguous(alice.private(), la["private_seq"], "alice")
        self.assertContiguous(bob.private(), lb["private_seq"], "bob")
        for c in (alice, bob):
            engine_seqs = [m["engine_seq"] for m in c.private()]
            self.assertEqual(engine_seqs, sorted(engine_seqs), f"{c.name}: engine_seq goes back")

        # the public side
        trade = await obs.next_push(f"trades.{SYMBOL}")
        d = trade["data"]
        self.assertEqual((trade["type"], d["trade_id"], d["taker_side"]), ("update", fa["data"]["trade_id"], "buy"))
        self.assertDec(d["price"], "100")
        self.assertDec(d["qty"], "1")
        await obs.wait_for(lambda: level(obs.channel(f"bbo.{SYMBOL}")[-1]["data"]["ask"]) == (100, Decimal("0.5")),
                           "bbo ask 0.5 @ 100")
        bbos = obs.channel(f"bbo.{SYMBOL}")
        self.assertEqual([level(m["data"]["ask"]) for m in bbos], [None, (100, Decimal("1.5")), (100, Decimal("0.5"))])
        self.assertEqual([m["data"]["bid"] for m in bbos], [None, None, None])
        self.assertContiguous(obs.channel(f"bbo.{SYMBOL}")[1:], bbo0["seq"], "bbo")

        # a market order takes the rest
        mkt = await bob.call("place", {"symbol": SYMBOL, "side": "buy", "type": "market", "qty": "0.5",
                                       "client_order_id": "b-2"})
        self.assertEqual(mkt["status"], "filled", mkt)
        self.assertDec(mkt["filled_qty"], "0.5")
        await obs.wait_for(lambda: obs.channel(f"bbo.{SYMBOL}")[-1]["data"]["ask"] is None, "bbo ask empty")
        await obs.wait_for(lambda: len(obs.channel(f"trades.{SYMBOL}")) == 2, "second trade")
        self.assertContiguous(obs.channel(f"trades.{SYMBOL}")[1:], trade["seq"], "trades")

        snap_a = await self.fresh_logon(ALICE)
        self.assertEqual(snap_a["orders"], [])
        self.assertEqual(balances(snap_a["balances"])["USD"], (Decimal("1000150.015"), 0))
        self.assertEqual(balances(snap_a["balances"])["BTC"], (Decimal("98.5"), 0))
        snap_b = await self.fresh_logon(BOB)
        self.assertEqual(balances(snap_b["balances"])["BTC"], (Decimal("101.49925"), 0))
        self.assertEqual(balances(snap_b["balances"])["USD"], (Decimal("999850"), 0))
        # the stream reaches the snapshot's private_seq, gap-free, and agrees with it
        await alice.wait_for(lambda: alice.private()[-1]["seq"] >= snap_a["private_seq"], "alice's stream")
        self.assertContiguous(alice.private(), la["private_seq"], "alice")
        self.assertEqual(alice.private()[-1]["seq"], snap_a["private_seq"])
        self.assertEqual(last_balances(alice)["USD"], (Decimal("1000150.015"), 0))
