"""`tradestream mm`, the reference market-maker bot, over QUIC against a WebSocket trader through the
real server: they trade both ways, the bot skews and re-quotes after each fill and reports its
inventory and PnL; market-maker protection trips on the bot's fills (its quotes leave the book and
it pauses) and an operator's reset lets it quote again; on SIGINT it pulls its quotes."""

import asyncio
import re
import signal
import subprocess
import threading
import time

from harness import ADMIN, ALICE, BOB, SYMBOL, TIMEOUT, ServerCase, _die_with_parent, book, server_binary

# Quotes 99.5 / 100.5 (tick 0.5), 0.002 a side, one tick of skew per 0.002 held.
BOT_ARGS = ("--symbol", SYMBOL, "--price", "100", "--spread", "1", "--size", "0.002", "--skew", "0.5",
            "--report-ms", "200")
FLAT = book([("99.5", "0.002")], [("100.5", "0.002")])
EMPTY = book([], [])


class Bot:
    """`tradestream mm` as a child process, its output collected line by line."""

    def __init__(self, server):
        text = server.output()
        found = re.findall(r"quic listening on (\S+) \(certificate (.+)\)", text)
        if not found:
            raise AssertionError(f"the server printed no QUIC address:\n{server.tail()}")
        addr, cert = found[-1]
        args = [server_binary(), "mm", "--config", server.config_path, "--server", addr, "--cert", cert,
                "--account", str(ALICE.account), "--api-key", ALICE.api_key, "--seed", ALICE.seed.hex(),
                *BOT_ARGS]
        self.lines, self.cond = [], threading.Condition()
        self.proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, text=True, bufsize=1,
                                     preexec_fn=_die_with_parent)
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self):
        for line in self.proc.stdout:
            with self.cond:
                self.lines.append(line.rstrip("\n"))
                self.cond.notify_all()

    def output(self):
        with self.cond:
            return "\n".join(self.lines)

    async def line(self, pattern, after=0, timeout=TIMEOUT):
        """The first output line from index `after` matching `pattern`: (index, match)."""
        deadline = time.monotonic() + timeout
        while True:
            with self.cond:
                for i, text in enumerate(self.lines[after:], after):
                    m = re.search(pattern, text)
                    if m:
                        return i, m
            if time.monotonic() > deadline:
                raise AssertionError(f"no bot line matching {pattern!r} within {timeout} s:\n{self.output()}")
            await asyncio.sleep(0.05)

    def stop(self, timeout=10):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
        try:
            return self.proc.wait(timeout)
        finally:
            time.sleep(0.05)


class BotCase(ServerCase):
    async def asyncSetUp(self):
        await super().asyncSetUp()
        self.bot = Bot(self.server)
        self.addCleanup(lambda: self.bot.proc.poll() is None and self.bot.proc.kill())

    async def wait_book(self, expected, timeout=TIMEOUT):
        deadline = time.monotonic() + timeout
        while True:
            view = await self.fresh_book()
            if view == expected:
                return view
            if time.monotonic() > deadline:
                raise AssertionError(f"book {view} is not {expected} after {timeout} s\nbot:\n{self.bot.output()}")
            await asyncio.sleep(0.1)

    async def ioc(self, trader, side, price):
        answer = await trader.place(side, price, "0.002", tif="ioc")
        self.assertEqual((answer["status"], answer["filled_qty"]), ("filled", "0.002"), answer)


class TradesWithAWebSocketTrader(BotCase):
    async def test_fills_both_ways_skew_the_requote_and_the_bot_reports_pnl(self):
        await self.bot.line(r"logged on to .* as account 1 .*quoting BTC-USD")
        await self.wait_book(FLAT)
        bob, _ = await self.session(BOB)

        await self.ioc(bob, "buy", "100.5")
        i, m = await self.bot.line(r"BTC-USD fill: sold 0\.002 at 100\.5 \(inventory (\S+)\)")
        self.assertEqual(m[1], "-0.002")
        # One size short: the quote moves up one tick.
        await self.wait_book(book([("100", "0.002")], [("101", "0.002")]))

        await self.ioc(bob, "sell", "100")
        _, m = await self.bot.line(r"BTC-USD fill: bought 0\.002 at 100 \(inventory (\S+)\)", after=i)
        self.assertEqual(m[1], "0")
        await self.wait_book(FLAT)
        _, m = await self.bot.line(r"BTC-USD inventory 0 pnl (\S+) .* fills 2 volume 0\.004", after=i)
        self.assertEqual(m[1], "0.001", "sold at 100.5, bought back at 100.0, 0.002 each")

        self.assertEqual(self.bot.stop(), 0, self.bot.output())
        await self.bot.line(r"final BTC-USD inventory 0 pnl 0\.001 .* quote - / -")
        await self.wait_book(EMPTY)


class ProtectionTripsAndResets(BotCase):
    SERVER = {"protection": [{"account": 1, "symbol": SYMBOL, "window_ms": 60000, "max_filled": "0.004",
                              "max_delta": "0", "freeze_ms": 0}]}

    async def test_a_trip_pulls_the_quotes_until_the_operator_resets(self):
        await self.wait_book(FLAT)
        bob, _ = await self.session(BOB)
        await self.ioc(bob, "buy", "100.5")
        await self.wait_book(book([("100", "0.002")], [("101", "0.002")]))
        # 0.004 filled within the window: tripped, frozen until a reset.
        await self.ioc(bob, "buy", "101")
        i, m = await self.bot.line(r"protection tripped: filled (\S+) net (\S+) .*paused until an operator reset")
        self.assertEqual((m[1], m[2]), ("0.004", "-0.004"))
        await self.wait_book(EMPTY)
        await self.bot.line(r"quote refused by market-maker protection", after=i)
        await asyncio.sleep(1)
        self.assertEqual(await self.fresh_book(), EMPTY, "no quote while frozen")

        admin, _ = await self.session(ADMIN)
        await admin.call("admin.reset_protection", {"account": 1, "symbol": SYMBOL})
        # Two sizes short: two ticks up, back once the bot's backoff retries.
        await self.wait_book(book([("100.5", "0.002")], [("101.5", "0.002")]), timeout=20)
