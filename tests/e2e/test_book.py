"""Public market data: book snapshots and gap-free updates, a depth view, bbo, trades."""

import asyncio
from decimal import Decimal

from harness import ALICE, BOB, SYMBOL, D, LocalBook, ServerCase, book

BOOK, BOOK1, BBO, TRADES = f"book.{SYMBOL}", f"book.{SYMBOL}.1", f"bbo.{SYMBOL}", f"trades.{SYMBOL}"


class Book(ServerCase):
    async def test_local_book_from_snapshot_and_updates_matches_a_fresh_snapshot(self):
        obs = await self.connect("observer")
        await obs.subscribe(BOOK, BOOK1, BBO, TRADES)
        for ch in (BOOK, BOOK1, BBO):
            first = await obs.wait_for(lambda: obs.channel(ch), f"{ch} snapshot")
            self.assertEqual(first[0]["type"], "snapshot", first[0])
        alice, _ = await self.session(ALICE)
        bob, _ = await self.session(BOB)

        for coid, price, qty in (("b1", "99", "1"), ("b2", "99", "0.5"), ("b3", "98.5", "2"), ("b4", "98", "1")):
            await alice.place("buy", price, qty, coid)
        for coid, price, qty in (("s1", "101", "1"), ("s2", "101.5", "2"), ("s3", "102", "0.7")):
            await bob.place("sell", price, qty, coid)
        cross = await bob.place("sell", "99", "1.2", "s4")            # fills b1 (1) and b2 (0.2)
        self.assertEqual(cross["status"], "filled", cross)
        await alice.call("cancel", {"symbol": SYMBOL, "client_order_id": "b2"})   # 99 leaves; 98.5 is best
        await alice.call("amend", {"symbol": SYMBOL, "client_order_id": "b3", "qty": "1"})
        take = await alice.place("buy", "101.5", "1.5", "b5")          # fills s1 (1 @ 101), s2 (0.5 @ 101.5)
        self.assertEqual(take["status"], "filled", take)
        await bob.call("amend", {"symbol": SYMBOL, "client_order_id": "s3", "price": "101"})
        ioc = await bob.place("sell", "98.5", "0.25", "s5", tif="ioc")  # fills b3 (0.25)
        self.assertEqual(ioc["status"], "filled", ioc)

        expected = book([("98.5", "0.75"), ("98", "1")], [("101", "0.7"), ("101.5", "1.5")])
        fresh = await self.fresh_book()
        self.assertEqual(fresh, expected)
        self.assertEqual(await self.fresh_book(f"book.{SYMBOL}.1"),
                         book([("98.5", "0.75")], [("101", "0.7")]))

        full, top = LocalBook(), LocalBook(depth=1)

        def rebuilt():
            full.__init__()
            top.__init__(depth=1)
            for m in obs.channel(BOOK):
                full.apply(m)
            for m in obs.channel(BOOK1):
                top.apply(m)  # checks seq gaps and that the view never holds 2 levels
            return full.view() == expected and top.view() == expected_top

        expected_top = {"bids": expected["bids"][:1], "asks": expected["asks"][:1]}
        await obs.wait_for(rebuilt, "the local books to reach the fresh snapshot")
        self.assertGreaterEqual(full.applied, 12, "one update per book change at least")
        # the depth-1 view showed 99 as best bid, then 98.5 entering from below when 99 emptied
        best_bids = []
        replay = LocalBook(depth=1)
        for m in obs.channel(BOOK1):
            replay.apply(m)
            best = replay.view()["bids"][:1]
            if not best_bids or best_bids[-1] != best:
                best_bids.append(best)
        self.assertIn([(Decimal("99"), Decimal("1.5"))], best_bids)
        self.assertEqual(best_bids[-1], [(Decimal("98.5"), Decimal("0.75"))])
        for m in obs.channel(BOOK)[1:]:
            self.assertEqual(m["type"], "update", m)
            self.assertIsInstance(m["data"].get("ts"), int, m)

        # bbo: gap-free, last one is the best of the book
        bbos = obs.channel(BBO)
        self.assertEqual([m["seq"] for m in bbos], list(range(bbos[0]["seq"], bbos[0]["seq"] + len(bbos))))
        await obs.wait_for(lambda: obs.channel(BBO)[-1]["data"]["bid"] == ["98.5", "0.75"]
                           and obs.channel(BBO)[-1]["data"]["ask"] == ["101", "0.7"], "final bbo")

        # trades: every trade in order, gap-free
        want = [("99", "1", "sell"), ("99", "0.2", "sell"), ("101", "1", "buy"), ("101.5", "0.5", "buy"),
                ("98.5", "0.25", "sell")]
        await obs.wait_for(lambda: len(obs.channel(TRADES)) >= len(want), f"{len(want)} trades")
        trades = obs.channel(TRADES)
        got = [(D(t["data"]["price"]), D(t["data"]["qty"]), t["data"]["taker_side"]) for t in trades]
        self.assertEqual(got, [(Decimal(p), Decimal(q), s) for p, q, s in want])
        self.assertEqual([t["seq"] for t in trades], list(range(trades[0]["seq"], trades[0]["seq"] + len(want))))
        ids = [t["data"]["trade_id"] for t in trades]
        self.assertEqual(ids, sorted(set(ids)))

    async def test_depth_snapshot_and_unsubscribe(self):
        alice, _ = await self.session(ALICE)
        for i, price in enumerate(("97", "98", "99")):
            await alice.place("buy", price, "1", f"d{i}")
        obs = await self.connect("observer")
        await obs.subscribe(f"book.{SYMBOL}.2", BBO)
        snap = await obs.next_push(f"book.{SYMBOL}.2")
        self.assertEqual(snap["type"], "snapshot")
        b = LocalBook(depth=2)
        b.apply(snap)
        self.assertEqual(b.view(), book([("99", "1"), ("98", "1")], []))
        bbo = await obs.next_push(BBO)
        self.assertEqual((bbo["type"], bbo["data"]["bid"], bbo["data"]["ask"]), ("snapshot", ["99", "1"], None))

        result = await obs.call("unsubscribe", {"channels": [f"book.{SYMBOL}.2"]})
        self.assertEqual(result, {"unsubscribed": [f"book.{SYMBOL}.2"]})
        await alice.place("buy", "99.5", "1", "d9")
        await obs.wait_for(lambda: obs.channel(BBO)[-1]["data"]["bid"] == ["99.5", "1"], "bbo after the order")
        await asyncio.sleep(0.3)
        self.assertEqual(len(obs.channel(f"book.{SYMBOL}.2")), 1, "messages after unsubscribe")

    async def test_resubscribing_gives_a_fresh_snapshot(self):
        alice, _ = await self.session(ALICE)
        await alice.place("buy", "99", "1", "r-1")
        obs = await self.connect("observer")
        await obs.subscribe(BOOK)
        first = await obs.next_push(BOOK)
        await alice.place("buy", "98", "2", "r-2")
        update = await obs.next_push(BOOK)
        self.assertEqual((update["type"], update["seq"]), ("update", first["seq"] + 1), update)
        await obs.call("unsubscribe", {"channels": [BOOK]})
        await obs.subscribe(BOOK)
        again = await obs.next_push(BOOK)
        self.assertEqual(again["type"], "snapshot", again)
        self.assertGreaterEqual(again["seq"], update["seq"])
        b = LocalBook()
        b.apply(again)
        self.assertEqual(b.view(), book([("99", "1"), ("98", "2")], []))

    async def test_unknown_channels(self):
        c = await self.connect()
        for ch in ("book.NOPE-USD", "nonsense", "trades.NOPE-USD", f"book.{SYMBOL}.1001"):
            await c.error("subscribe", {"channels": [ch]}, "unknown_channel")
        self.assertIn("pong", await c.call("ping"))
