//! The bot's quoting state machine, sans I/O: it learns the reference price and the server's
//! answers, and says when to send which quote.
//!
//! At most one quote is in flight. The bot re-quotes when the quote it wants (from the
//! reference and its inventory, [`Params::target`]) differs from the one resting: after the
//! reference moved, after a fill changed the inventory or ate a side, after a side was
//! cancelled. A quote refused by market-maker protection pauses quoting, with a backoff that
//! doubles up to [`MAX_PAUSE_MS`], until a quote is accepted again.

use super::params::{Params, Target};
use super::position::Position;
use std::collections::VecDeque;
use tradestream_quic::{CancelAck, Fill, Quote, QuoteAck, Reject, RejectCode};

/// First pause after a protection refusal.
pub const FIRST_PAUSE_MS: u64 = 500;
/// Longest pause after repeated protection refusals.
pub const MAX_PAUSE_MS: u64 = 8_000;
/// Order ids of this many recent quote sides are remembered to tell the side of a late fill.
const REMEMBERED: usize = 64;

/// A fill of one of the bot's quote sides.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BotFill {
    /// The bot bought.
    pub buy: bool,
    /// Price in ticks.
    pub price: i64,
    /// Lots.
    pub qty: i64,
}

/// Something worth telling the operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Notice {
    /// A quote was refused by market-maker protection: quoting pauses for `pause_ms`.
    Protection {
        /// The pause.
        pause_ms: u64,
    },
    /// A quote was refused for another reason: quoting pauses for `pause_ms`.
    Refused {
        /// The reject code.
        code: RejectCode,
        /// The pause.
        pause_ms: u64,
    },
}

/// The quoting state of one instrument.
#[derive(Debug)]
pub struct Quoter {
    params: Params,
    instrument: u32,
    /// What rests: the quote id and each side's (price, open qty).
    live: (u64, Target),
    previous: Target,
    in_flight: Option<(u64, Target)>,
    sides: VecDeque<(u64, bool)>,
    paused_until: u64,
    pause_ms: u64,
    position: Position,
}

impl Quoter {
    /// A quoter for `instrument`.
    pub fn new(params: Params, instrument: u32) -> Quoter {
        Quoter {
            params,
            instrument,
            live: (0, Target::default()),
            previous: Target::default(),
            in_flight: None,
            sides: VecDeque::with_capacity(REMEMBERED),
            paused_until: 0,
            pause_ms: FIRST_PAUSE_MS,
            position: Position::default(),
        }
    }

    /// The inventory and PnL so far.
    pub fn position(&self) -> &Position {
        &self.position
    }

    /// The quote resting now, as far as the bot knows.
    pub fn live(&self) -> Target {
        self.live.1
    }

    /// The quotes that may still show in the book: the resting one, the one in flight and the
    /// one before them (market data and acknowledgements travel apart).
    pub fn own(&self) -> [Target; 3] {
        [
            self.live.1,
            self.in_flight.map_or_else(Target::default, |f| f.1),
            self.previous,
        ]
    }

    /// The parameters.
    pub fn params(&self) -> &Params {
        &self.params
    }

    /// True when a quote may be sent at `now_ms`: none is in flight and quoting is not paused
    /// (the caller need not work out a reference otherwise).
    pub fn may_quote(&self, now_ms: u64) -> bool {
        self.in_flight.is_none() && now_ms >= self.paused_until
    }

    /// The quote to send now, if one is due: the wanted quote differs from the resting one, no
    /// quote is in flight and quoting is not paused. `reference` is in ticks (`None`: unknown,
    /// nothing is sent). The quote takes the id `next_id` and advances it: the engine refuses an
    /// id the account used before, so the caller starts above any earlier one and shares the
    /// counter between the quoters of one account.
    pub fn poll(
        &mut self,
        reference: Option<i64>,
        now_ms: u64,
        next_id: &mut u64,
    ) -> Option<Quote> {
        if !self.may_quote(now_ms) {
            return None;
        }
        let want = self.params.target(reference?, self.position.inventory);
        if want == self.live.1 {
            return None;
        }
        let id = *next_id;
        *next_id += 1;
        self.in_flight = Some((id, want));
        let (bid_price, bid_qty) = want.bid.unwrap_or((0, 0));
        let (ask_price, ask_qty) = want.ask.unwrap_or((0, 0));
        Some(Quote {
            quote_id: id,
            instrument: self.instrument,
            bid_price,
            bid_qty,
            ask_price,
            ask_qty,
        })
    }

    /// The server accepted a quote: it now rests (minus what filled before the ack).
    pub fn on_quote_ack(&mut self, ack: &QuoteAck) {
        let Some((id, mut live)) = self.in_flight else {
            return;
        };
        if ack.quote_id != id {
            return;
        }
        self.in_flight = None;
        self.pause_ms = FIRST_PAUSE_MS;
        if ack.bid_order_id == 0 {
            live.bid = None;
        } else {
            self.remember(ack.bid_order_id, true);
        }
        if ack.ask_order_id == 0 {
            live.ask = None;
        } else {
            self.remember(ack.ask_order_id, false);
        }
        self.retire_live();
        self.live = (id, live);
    }

    /// A fill of a quote side: books it and updates the side's open quantity. `None` when the
    /// fill is not one of this quoter's (another instrument's or a plain order's).
    pub fn on_fill(&mut self, fill: &Fill) -> Option<BotFill> {
        let quote = if fill.client_id == self.live.0 {
            &mut self.live.1
        } else if let Some((id, target)) = self.in_flight.as_mut().filter(|f| f.0 == fill.client_id)
        {
            debug_assert_eq!(*id, fill.client_id);
            target
        } else {
            // An older quote's side, filled before its replacement reached the engine.
            let buy = self.sides.iter().find(|s| s.0 == fill.order_id)?.1;
            self.position.fill(buy, fill.price, fill.qty);
            return Some(BotFill {
                buy,
                price: fill.price,
                qty: fill.qty,
            });
        };
        let remembered = self
            .sides
            .iter()
            .find(|s| s.0 == fill.order_id)
            .map(|s| s.1);
        // Before the ack the order id is unknown: a buy fills at or below the bid, a sell at or
        // above the ask, and the bid is below the ask.
        let buy =
            remembered.unwrap_or_else(|| quote.bid.is_some_and(|(price, _)| fill.price <= price));
        let side = if buy { &mut quote.bid } else { &mut quote.ask };
        *side = side.and_then(|(price, _)| (fill.leaves > 0).then_some((price, fill.leaves)));
        self.position.fill(buy, fill.price, fill.qty);
        Some(BotFill {
            buy,
            price: fill.price,
            qty: fill.qty,
        })
    }

    /// A quote side was cancelled (replaced, protection, mass cancel): the live quote is gone
    /// when the cancel names it.
    pub fn on_cancel_ack(&mut self, ack: &CancelAck) {
        if ack.client_id == self.live.0 {
            self.retire_live();
            self.live.1 = Target::default();
        }
    }

    /// The resting quote becomes the previous one, which may still show in the book (its
    /// market data can arrive after its cancels and the next QuoteAck). A quote already gone
    /// (its cancels arrive first when it is replaced) leaves the previous one as it was.
    fn retire_live(&mut self) {
        if self.live.1 != Target::default() {
            self.previous = self.live.1;
        }
    }

    /// Market-maker protection tripped on this quoter's instrument: the quotes are gone and
    /// quoting pauses until the freeze ends (`frozen_until_ms`, Unix ms; `None`: until an
    /// operator's reset, probed with the doubling backoff).
    pub fn on_protection(&mut self, frozen_until_ms: Option<u64>, now_ms: u64) {
        self.live.1 = Target::default();
        self.paused_until = frozen_until_ms.unwrap_or(now_ms + self.pause_ms);
    }

    /// The instrument.
    pub fn instrument(&self) -> u32 {
        self.instrument
    }

    /// The server refused a quote: quoting pauses (longer each time in a row).
    pub fn on_reject(&mut self, reject: &Reject, now_ms: u64) -> Option<Notice> {
        let (id, _) = self.in_flight?;
        if reject.client_id != id {
            return None;
        }
        self.in_flight = None;
        let pause_ms = self.pause_ms;
        self.paused_until = now_ms + pause_ms;
        self.pause_ms = (pause_ms * 2).min(MAX_PAUSE_MS);
        Some(if reject.reason == RejectCode::MM_PROTECTION {
            Notice::Protection { pause_ms }
        } else {
            Notice::Refused {
                code: reject.reason,
                pause_ms,
            }
        })
    }

    fn remember(&mut self, order_id: u64, buy: bool) {
        if self.sides.len() == REMEMBERED {
            self.sides.pop_front();
        }
        self.sides.push_back((order_id, buy));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mm::params::Reference;

    fn quoter() -> Quoter {
        let params = Params {
            reference: Reference::Price(1_000),
            half_spread: 5,
            size: 10,
            skew: 2,
            max_position: 0,
        };
        Quoter::new(params, 3)
    }

    fn ack(quote_id: u64, bid: u64, ask: u64) -> QuoteAck {
        QuoteAck {
            quote_id,
            bid_order_id: bid,
            ask_order_id: ask,
            seq: 1,
        }
    }

    fn fill(client_id: u64, order_id: u64, price: i64, qty: i64, leaves: i64) -> Fill {
        Fill {
            client_id,
            order_id,
            price,
            qty,
            leaves,
            seq: 2,
            ts: 0,
            aggressor: false,
        }
    }

    #[test]
    fn quotes_once_then_again_only_when_the_reference_moves() {
        let mut q = quoter();
        let mut ids = 100;
        assert_eq!(q.poll(None, 0, &mut ids), None, "no reference, no quote");
        let sent = q.poll(Some(1_000), 0, &mut ids).unwrap();
        assert_eq!(
            (
                sent.quote_id,
                sent.instrument,
                sent.bid_price,
                sent.bid_qty,
                sent.ask_price
            ),
            (100, 3, 995, 10, 1_005)
        );
        assert_eq!(
            q.poll(Some(1_010), 1, &mut ids),
            None,
            "one quote in flight at a time"
        );
        q.on_quote_ack(&ack(100, 7, 8));
        assert_eq!(q.live().bid, Some((995, 10)));
        assert_eq!(q.poll(Some(1_000), 2, &mut ids), None, "nothing changed");
        let moved = q.poll(Some(1_010), 3, &mut ids).unwrap();
        assert_eq!(
            (moved.quote_id, moved.bid_price, moved.ask_price),
            (101, 1_005, 1_015)
        );
    }

    #[test]
    fn a_fill_books_inventory_and_the_requote_skews() {
        let mut q = quoter();
        let mut ids = 100;
        q.poll(Some(1_000), 0, &mut ids).unwrap();
        // The bid traded on arrival, before the ack: its order id is not known yet.
        let f = q.on_fill(&fill(100, 7, 995, 10, 0)).unwrap();
        assert_eq!(
            f,
            BotFill {
                buy: true,
                price: 995,
                qty: 10
            }
        );
        q.on_quote_ack(&ack(100, 7, 8));
        assert_eq!(q.live().bid, None, "the bid is used up");
        assert_eq!(q.position().inventory, 10);
        let next = q.poll(Some(1_000), 1, &mut ids).unwrap();
        assert_eq!(
            (next.bid_price, next.ask_price),
            (993, 1_003),
            "one size long: 2 ticks down"
        );
        q.on_quote_ack(&ack(101, 9, 10));
        // A sale against the new ask, partly.
        let f = q.on_fill(&fill(101, 10, 1_003, 4, 6)).unwrap();
        assert!(!f.buy);
        assert_eq!(q.live().ask, Some((1_003, 6)));
        assert_eq!(q.position().inventory, 6);
        assert_eq!(q.position().pnl(1_000), -9_950 + 4_012 + 6_000);
        assert_eq!(q.on_fill(&fill(555, 42, 1, 1, 0)), None, "not ours");
    }

    #[test]
    fn protection_pauses_quoting_with_a_doubling_backoff() {
        let mut q = quoter();
        let mut ids = 100;
        q.poll(Some(1_000), 0, &mut ids).unwrap();
        let refused = Reject {
            client_id: 100,
            reason: RejectCode::MM_PROTECTION,
            seq: 3,
        };
        assert_eq!(
            q.on_reject(&refused, 10),
            Some(Notice::Protection { pause_ms: 500 })
        );
        assert_eq!(q.poll(Some(1_000), 509, &mut ids), None, "paused");
        let again = q.poll(Some(1_000), 510, &mut ids).unwrap();
        let refused = Reject {
            client_id: again.quote_id,
            ..refused
        };
        assert_eq!(
            q.on_reject(&refused, 510),
            Some(Notice::Protection { pause_ms: 1_000 })
        );
        let third = q.poll(Some(1_000), 1_510, &mut ids).unwrap();
        q.on_quote_ack(&ack(third.quote_id, 1, 2));
        assert_eq!(
            q.pause_ms, FIRST_PAUSE_MS,
            "an accepted quote resets the backoff"
        );
    }

    #[test]
    fn a_cancelled_quote_is_requoted() {
        let mut q = quoter();
        let mut ids = 100;
        q.poll(Some(1_000), 0, &mut ids).unwrap();
        q.on_quote_ack(&ack(100, 7, 8));
        q.on_cancel_ack(&CancelAck {
            client_id: 100,
            leaves: 10,
            seq: 4,
        });
        assert_eq!(q.live(), Target::default());
        assert_eq!(q.poll(Some(1_000), 1, &mut ids).unwrap().quote_id, 101);
    }

    #[test]
    fn a_replaced_quote_stays_excluded_from_the_mid() {
        let mut q = quoter();
        let mut ids = 100;
        q.poll(Some(1_000), 0, &mut ids).unwrap();
        q.on_quote_ack(&ack(100, 7, 8));
        let first = q.live();
        q.poll(Some(1_010), 1, &mut ids).unwrap();
        // The replacement's answers: the cancels of both sides of 100, then its ack.
        for _ in 0..2 {
            q.on_cancel_ack(&CancelAck {
                client_id: 100,
                leaves: 10,
                seq: 5,
            });
        }
        q.on_quote_ack(&ack(101, 9, 10));
        assert!(
            q.own().contains(&first),
            "the market data may still show quote 100"
        );
    }
}
