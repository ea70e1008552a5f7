//! The demo's taker: small IOC orders of a random side and size, through the book.

use crate::mm::market::Market;
use std::future::Future;
use std::time::Duration;
use tradestream_quic::client::{ClientError, OrderStream};
use tradestream_quic::{Message, NewOrder, Side, TimeInForce};

/// One market the taker trades: an IOC limit this far through its reference price.
#[derive(Debug, Clone, Copy)]
pub struct TakerMarket {
    /// The instrument.
    pub market: Market,
    /// Reference price in ticks (the limit is 20% through it).
    pub price: i64,
    /// Largest order, in lots.
    pub max_lots: i64,
}

/// A xorshift generator: the demo's flow needs variety, not cryptographic randomness.
#[derive(Debug, Clone, Copy)]
pub struct Rng(u64);

impl Rng {
    /// Seeded (a zero seed is replaced, xorshift never leaves zero).
    pub fn new(seed: u64) -> Rng {
        Rng(seed.max(1))
    }

    /// The next value.
    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    /// A value in `1..=n` (n at least 1).
    pub fn upto(&mut self, n: u64) -> u64 {
        1 + self.next_u64() % n.max(1)
    }
}

/// The next order: market, side and quantity at random, limit 20% through the reference.
pub fn order(markets: &[TakerMarket], rng: &mut Rng, client_id: u64) -> NewOrder {
    let m = markets[(rng.next_u64() % markets.len() as u64) as usize];
    let buy = rng.next_u64().is_multiple_of(2);
    let through = m.price / 5;
    NewOrder {
        client_id,
        instrument: m.market.instrument,
        side: if buy { Side::Buy } else { Side::Sell },
        tif: TimeInForce::Ioc,
        price: if buy {
            m.price + through
        } else {
            (m.price - through).max(1)
        },
        qty: rng.upto(m.max_lots as u64) as i64,
    }
}

/// Sends an order every `interval` until `stop`; answers are read and dropped.
pub async fn run(
    orders: &mut OrderStream,
    markets: &[TakerMarket],
    interval: Duration,
    first_id: u64,
    stop: impl Future<Output = ()>,
) -> Result<(), ClientError> {
    tokio::pin!(stop);
    let mut rng = Rng::new(first_id);
    let mut next_id = first_id;
    let mut timer = tokio::time::interval(interval);
    loop {
        tokio::select! {
            _ = timer.tick() => {
                orders.send(&Message::NewOrder(order(markets, &mut rng, next_id)));
                next_id += 1;
                orders.flush().await?;
            }
            msg = orders.recv() => { msg?; }
            () = &mut stop => return Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mm::position::Units;
    use rust_decimal::Decimal;

    #[test]
    fn orders_are_ioc_through_the_reference_and_within_size() {
        let units = Units {
            tick: Decimal::ONE,
            lot: Decimal::ONE,
        };
        let markets = [
            TakerMarket {
                market: Market {
                    instrument: 0,
                    units,
                },
                price: 1_000,
                max_lots: 3,
            },
            TakerMarket {
                market: Market {
                    instrument: 2,
                    units,
                },
                price: 50,
                max_lots: 1,
            },
        ];
        let mut rng = Rng::new(7);
        let (mut buys, mut sells, mut seen) = (0, 0, [false; 3]);
        for id in 0..200 {
            let o = order(&markets, &mut rng, id);
            assert_eq!((o.client_id, o.tif), (id, TimeInForce::Ioc));
            seen[o.instrument as usize] = true;
            let m = markets
                .iter()
                .find(|m| m.market.instrument == o.instrument)
                .unwrap();
            assert!((1..=m.max_lots).contains(&o.qty));
            match o.side {
                Side::Buy => {
                    buys += 1;
                    assert_eq!(o.price, m.price * 6 / 5);
                }
                Side::Sell => {
                    sells += 1;
                    assert_eq!(o.price, m.price * 4 / 5);
                }
            }
        }
        assert!(buys > 50 && sells > 50, "{buys} buys, {sells} sells");
        assert_eq!(seen, [true, false, true]);
    }
}
