"""Signed logon: Ed25519 and HMAC keys, and every way a logon or a request can be refused."""

from harness import (ADMIN, ALICE, ALICE_READ, BOB, CAROL_HMAC, SYMBOL, Key, ServerCase, balances,
                     new_nonce, now_ms, sign_ed25519, sign_hmac, logon_payload)


class Logon(ServerCase):
    async def test_ed25519_logon_answers_account_settings_and_snapshot(self):
        c = await self.connect()
        r = await c.logon_ok(ALICE)
        self.assertEqual(r["account"], 1)
        self.assertIn("trade", r["scopes"])
        self.assertNotIn("admin", r["scopes"])
        self.assertEqual(r["ack"], "durable")
        self.assertEqual(r["heartbeat_ms"], 10000)
        self.assertIs(r["cancel_on_disconnect"], False)
        self.assertEqual(r["max_message_bytes"], 16384)
        rl = r["rate_limit"]
        self.assertEqual((rl["limit"], rl["remaining"], rl["window_ms"]), (1000, 1000, 60000), rl)
        self.assertIsInstance(rl["reset_ms"], int)
        self.assertIsInstance(r["engine_seq"], int)
        self.assertGreaterEqual(r["engine_seq"], 1, "the config entered journaled commands")
        self.assertIsInstance(r["private_seq"], int)
        self.assertEqual(r["orders"], [])
        b = balances(r["balances"])
        self.assertEqual(b["USD"], (1000000, 0))
        self.assertEqual(b["BTC"], (100, 0))

    async def test_hmac_logon(self):
        c = await self.connect()
        r = await c.logon_ok(CAROL_HMAC, cancel_on_disconnect=True)
        self.assertEqual(r["account"], 3)
        self.assertIs(r["cancel_on_disconnect"], True)
        self.assertEqual(balances(r["balances"])["USD"], (1000000, 0))
        # and it can trade
        placed = await c.place("buy", "100", "1", "h-1")
        self.assertEqual(placed["status"], "new")

    async def test_bad_ed25519_signature_is_auth_failed_and_the_connection_stays(self):
        c = await self.connect()
        ts, nonce = now_ms(), new_nonce()
        wrong = sign_ed25519(bytes([0x99]) * 32, logon_payload(ALICE.api_key, ts, nonce))
        answer = await c.logon(ALICE, timestamp=ts, nonce=nonce, signature=wrong)
        self.assertEqual(answer["error"]["code"], "auth_failed", answer)
        self.assertIsInstance(answer["error"]["message"], str)
        # signed over other fields (another timestamp) than those sent
        other = ALICE.sign(logon_payload(ALICE.api_key, ts - 1, nonce + "x"))
        answer = await c.logon(ALICE, timestamp=ts, nonce=nonce + "y", signature=other)
        self.assertEqual(answer["error"]["code"], "auth_failed", answer)
        r = await c.logon_ok(ALICE)
        self.assertEqual(r["account"], 1)

    async def test_bad_hmac_signature_is_auth_failed(self):
        c = await self.connect()
        ts, nonce = now_ms(), new_nonce()
        wrong = sign_hmac("not-the-secret", logon_payload(CAROL_HMAC.api_key, ts, nonce))
        answer = await c.logon(CAROL_HMAC, timestamp=ts, nonce=nonce, signature=wrong)
        self.assertEqual(answer["error"]["code"], "auth_failed", answer)

    async def test_unknown_key_is_auth_failed(self):
        c = await self.connect()
        mallory = Key("mallory", 1, ("trade",), seed=bytes([0x55]) * 32)
        answer = await c.logon(mallory)
        self.assertEqual(answer["error"]["code"], "auth_failed", answer)

    async def test_stale_timestamp(self):
        c = await self.connect()
        for skew in (-60000, 60000):
            answer = await c.logon(ALICE, timestamp=now_ms() + skew)
            self.assertEqual(answer["error"]["code"], "stale_timestamp", (skew, answer))
        self.assertEqual((await c.logon_ok(ALICE))["account"], 1)

    async def test_reused_nonce(self):
        nonce = new_nonce()
        c1 = await self.connect("first")
        await c1.logon_ok(ALICE, nonce=nonce)
        c2 = await self.connect("second")
        answer = await c2.logon(ALICE, nonce=nonce)  # fresh timestamp, valid signature
        self.assertEqual(answer["error"]["code"], "nonce_reused", answer)
        self.assertEqual((await c2.logon_ok(ALICE))["account"], 1)

    async def test_malformed_nonce_is_invalid_params(self):
        c = await self.connect()
        for nonce in ("short", "has space in it", "x" * 65):
            answer = await c.logon(ALICE, nonce=nonce)
            self.assertEqual(answer["error"]["code"], "invalid_params", (nonce, answer))

    async def test_second_logon_is_already_logged_on(self):
        c = await self.connect()
        await c.logon_ok(ALICE)
        answer = await c.logon(BOB)
        self.assertEqual(answer["error"]["code"], "already_logged_on", answer)

    async def test_order_entry_and_private_channels_before_logon(self):
        c = await self.connect()
        await c.error("place", {"symbol": SYMBOL, "side": "buy", "price": "100", "qty": "1"}, "not_logged_on")
        await c.error("cancel", {"symbol": SYMBOL, "client_order_id": "x"}, "not_logged_on")
        await c.error("subscribe", {"channels": ["orders"]}, "not_logged_on")
        # public data and reference data need no logon
        self.assertIn("pong", await c.call("ping"))
        await c.subscribe(f"book.{SYMBOL}")
        snapshot = await c.next_push(f"book.{SYMBOL}")
        self.assertEqual((snapshot["type"], snapshot["data"]["bids"], snapshot["data"]["asks"]), ("snapshot", [], []))

    async def test_read_only_key_cannot_place_but_reads(self):
        c, r = await self.session(ALICE_READ)
        self.assertEqual(r["account"], 1)
        self.assertIn("read", r["scopes"])
        self.assertNotIn("trade", r["scopes"])
        err = await c.error("place", {"symbol": SYMBOL, "side": "buy", "price": "100", "qty": "1"}, "forbidden")
        self.assertIsInstance(err["message"], str)
        await c.error("mass_cancel", {}, "forbidden")
        await c.error("admin.halt", {"symbol": SYMBOL}, "forbidden")
        await c.subscribe("orders", "fills", "balances")
        # it sees the account's private messages caused by a trading session
        trader, _ = await self.session(ALICE, "alice")
        placed = await trader.place("buy", "99", "1", "ro-1")
        msg = await c.wait_for(lambda: next((m for m in c.channel("orders")
                                             if m["data"]["client_order_id"] == "ro-1"), None), "orders ro-1")
        self.assertEqual(msg["data"]["status"], "new")
        self.assertEqual(msg["engine_seq"], placed["engine_seq"])

    async def test_admin_key_logon_and_logout(self):
        c, r = await self.session(ADMIN)
        self.assertIn("admin", r["scopes"])
        result = await c.call("logout")
        self.assertEqual(result, {"logged_out": True})
        code, _ = await c.wait_closed()
        self.assertEqual(code, 1000)
