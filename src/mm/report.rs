//! The bot's report line: inventory, PnL at the reference, fills and the resting quote.

use super::bot::Slot;

/// `BTC-USD inventory 0.1 pnl 12.5 USD-equivalent ...` for one slot.
pub fn line(slot: &Slot) -> String {
    let p = slot.quoter.position();
    let u = &slot.units;
    let pnl = slot
        .reference()
        .map_or("n/a (no reference price)".to_string(), |mark| {
            format!(
                "{} (before fees, inventory at {})",
                u.amount(p.pnl(mark)),
                u.price(mark)
            )
        });
    let live = slot.quoter.live();
    let side = |s: Option<(i64, i64)>| {
        s.map_or("-".to_string(), |(price, qty)| {
            format!("{} @ {}", u.qty(qty), u.price(price))
        })
    };
    format!(
        "{} inventory {} pnl {} fills {} volume {} quote {} / {}",
        slot.symbol,
        u.qty(p.inventory),
        pnl,
        p.fills,
        u.qty(p.volume),
        side(live.bid),
        side(live.ask),
    )
}
