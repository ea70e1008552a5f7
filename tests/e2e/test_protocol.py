"""Frames and typed errors: parse errors, bad requests, bad params, binary and oversized frames."""

import json

from harness import ALICE, SYMBOL, Client, ServerCase, now_ms


class Protocol(ServerCase):
    async def test_malformed_json_is_parse_error_and_the_connection_stays(self):
        c = await self.connect()
        await c.send_raw("{not json")
        answer = await c.next_stray()
        self.assertIn("id", answer)
        self.assertIsNone(answer["id"], answer)
        self.assertEqual(answer["error"]["code"], "parse_error", answer)
        self.assertIsInstance(answer["error"]["message"], str)
        pong = (await c.call("ping"))["pong"]
        self.assertLess(abs(pong - now_ms()), 60000, pong)

    async def test_invalid_requests(self):
        c = await self.connect()
        for frame, id_ in (("[1, 2, 3]", None), ('{"id": 5}', 5), ('{"method": "ping"}', None),
                           ('{"id": 6, "method": 7}', 6), ('{"id": [1], "method": "ping"}', None)):
            await c.send_raw(frame)
            answer = await c.next_stray()
            self.assertEqual(answer["error"]["code"], "invalid_request", (frame, answer))
            self.assertEqual(answer.get("id"), id_, (frame, answer))
        self.assertIn("pong", await c.call("ping"))

    async def test_ids_are_echoed_and_unknown_methods_typed(self):
        c = await self.connect()
        for id_ in ("abc-1", 0, 2 ** 53):
            answer = await c.request("ping", id=id_)
            self.assertEqual(answer["id"], id_)
            self.assertIn("pong", answer["result"])
        answer = await c.request("teleport", {"to": "moon"}, id="x-9")
        self.assertEqual((answer["id"], answer["error"]["code"]), ("x-9", "unknown_method"), answer)

    async def test_invalid_params_name_the_parameter(self):
        c, _ = await self.session(ALICE)
        good = {"symbol": SYMBOL, "side": "buy", "type": "limit", "price": "100", "qty": "1"}
        cases = [("price", {"price": 100}),            # a JSON number, not a decimal string
                 ("price", {"price": "100.3"}),        # off the 0.5 tick grid
                 ("price", {"price": "1e2"}),
                 ("qty", {"qty": "0.0005"}),           # off the 0.001 lot grid
                 ("qty", {"qty": 1}),
                 ("side", {"side": "up"}),
                 ("tif", {"tif": "forever"}),
                 ("client_order_id", {"client_order_id": "x" * 37})]
        for name, change in cases:
            err = await c.error("place", {**good, **change}, "invalid_params")
            self.assertIn(name, err["message"], (change, err))
        for name in ("symbol", "side", "qty"):
            params = {k: v for k, v in good.items() if k != name}
            err = await c.error("place", params, "invalid_params")
            self.assertIn(name, err["message"], (name, err))
        await c.error("amend", {"symbol": SYMBOL, "client_order_id": "nope"}, "invalid_params")  # no price/qty
        await c.error("subscribe", {"channels": "orders"}, "invalid_params")
        await c.error("place", {**good, "symbol": "NOPE-USD"}, "unknown_symbol")
        self.assertEqual((await self.fresh_logon(ALICE))["orders"], [])
        self.assertIn("pong", await c.call("ping"))

    async def test_binary_frame_is_refused(self):
        c = await self.connect()
        await c.send_raw(b"\x00\x01binary")
        answer = await c.next_stray()
        self.assertEqual(answer["error"]["code"], "binary_not_supported", answer)
        self.assertIn("pong", await c.call("ping"))

    async def test_oversized_frame_closes_with_1009(self):
        c = await self.connect()
        frame = json.dumps({"id": 1, "method": "ping", "params": {"pad": "x" * 20000}})
        await c.send_raw(frame)
        code, reason = await c.wait_closed()
        self.assertEqual(code, 1009, (code, reason, c.stray))
        for answer in c.stray:
            self.assertEqual(answer["error"]["code"], "message_too_large", answer)
        # the server is fine, and a frame just under the limit is read
        c2 = await self.connect("second")
        answer = await c2.request("ping", {"pad": "x" * 15000})
        self.assertNotEqual(answer.get("error", {}).get("code"), "message_too_large", answer)
        self.assertIn("pong", await c2.call("ping"))

    async def test_instruments_and_ping(self):
        c = await self.connect()
        result = await c.call("instruments")
        self.assertEqual(result, {"instruments": [{
            "symbol": SYMBOL, "kind": "spot", "base": "BTC", "quote": "USD", "tick": "0.5", "lot": "0.001",
            "maker_fee_bps": -1, "taker_fee_bps": 5, "halted": False}]})
        pong = (await c.call("ping"))["pong"]
        self.assertIsInstance(pong, int)
        self.assertLess(abs(pong - now_ms()), 60000)
