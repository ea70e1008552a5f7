//! Order-count limits and per-instrument size, notional and band checks.

use crate::PriceBand;
use tradestream_model::{Amount, Controls, OrderType, Price, Qty, RejectReason};

/// `too_many_orders` when the account already holds `limit` open orders.
pub fn check_open_orders(open: u32, limit: u32) -> Result<(), RejectReason> {
    if open >= limit {
        Err(RejectReason::TooManyOrders)
    } else {
        Ok(())
    }
}

/// `engine_capacity` when the engine already holds `capacity` open orders.
pub fn check_capacity(open: u32, capacity: u32) -> Result<(), RejectReason> {
    if open >= capacity {
        Err(RejectReason::EngineCapacity)
    } else {
        Ok(())
    }
}

/// The instrument's band, size and notional controls, in that order. `band` is the band in force
/// (none without a reference price or without a configured width); `notional` is the order's
/// `price x qty` in the quote asset, `None` for market orders or when it overflows.
pub fn check_instrument_controls(
    controls: &Controls,
    band: Option<PriceBand>,
    order_type: OrderType,
    price: Price,
    qty: Qty,
    notional: Option<Amount>,
) -> Result<(), RejectReason> {
    if let (OrderType::Limit, Some(b)) = (order_type, band) {
        if !b.contains(price) {
            return Err(RejectReason::PriceBand);
        }
    }
    if controls.max_qty.is_some_and(|m| qty > m) {
        return Err(RejectReason::MaxQty);
    }
    if let (OrderType::Limit, Some(max)) = (order_type, controls.max_notional) {
        if notional.is_none_or(|n| n > max) {
            return Err(RejectReason::MaxNotional);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts() {
        assert_eq!(check_open_orders(9, 10), Ok(()));
        assert_eq!(check_open_orders(10, 10), Err(RejectReason::TooManyOrders));
        assert_eq!(check_capacity(3, 3), Err(RejectReason::EngineCapacity));
    }

    #[test]
    fn controls_in_order() {
        let c = Controls {
            price_band_bps: Some(100),
            reference_price: Some(Price(100)),
            max_qty: Some(Qty(5)),
            max_notional: Some(Amount(400)),
            max_position: None,
        };
        let band = Some(PriceBand::around(Price(100), 100));
        let check =
            |p, q, n| check_instrument_controls(&c, band, OrderType::Limit, Price(p), Qty(q), n);
        assert_eq!(
            check(102, 9, Some(Amount(900))),
            Err(RejectReason::PriceBand)
        );
        assert_eq!(check(100, 9, Some(Amount(900))), Err(RejectReason::MaxQty));
        assert_eq!(
            check(100, 5, Some(Amount(500))),
            Err(RejectReason::MaxNotional)
        );
        assert_eq!(check(100, 4, Some(Amount(400))), Ok(()));
        assert_eq!(check(100, 4, None), Err(RejectReason::MaxNotional));
        let market = check_instrument_controls(&c, band, OrderType::Market, Price(0), Qty(5), None);
        assert_eq!(market, Ok(()));
        assert_eq!(
            check_instrument_controls(
                &Controls::default(),
                None,
                OrderType::Limit,
                Price(1),
                Qty(1 << 40),
                None
            ),
            Ok(())
        );
    }
}
