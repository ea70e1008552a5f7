//! Private streams: per-account order, fill and balance messages with per-account sequence
//! numbers, for accounts that have logged on to this gateway.

use super::accounts::OrderView;
use super::Gateway;
use crate::encode::private::{self, Fill};
use crate::encode::protection::Change;
use tradestream_model::{AccountId, TradeId};
use tradestream_model::{ClientOrderId, Event, Qty, Side, Timestamp};
use tradestream_runtime::Output;

/// Which private channel a message belongs to.
#[derive(Clone, Copy)]
pub(super) enum Private {
    Orders,
    Fills,
    Balances,
}

impl Private {
    fn name(self) -> &'static str {
        match self {
            Private::Orders => "orders",
            Private::Fills => "fills",
            Private::Balances => "balances",
        }
    }
}

impl Gateway {
    /// Private messages of the current batch.
    pub(super) fn publish_private(&mut self, seq: u64, ts: Timestamp) {
        if self.accounts.is_empty() {
            return;
        }
        for i in 0..self.batch.len() {
            match self.batch[i].output {
                Output::Event(ev) => self.private_event(&ev, seq, ts),
                Output::Balance {
                    account,
                    asset,
                    balance,
                } => {
                    let Some(state) = self.accounts.get_mut(&account) else {
                        continue;
                    };
                    let n = state.next_seq();
                    if self.wants(account, Private::Balances) {
                        private::balance(&mut self.buf, n, seq, &asset, &balance);
                        self.deliver_private(account, Private::Balances);
                    }
                }
                _ => {}
            }
        }
    }

    fn private_event(&mut self, ev: &Event, seq: u64, ts: Timestamp) {
        match *ev {
            Event::Accepted {
                account,
                id,
                order_id,
                instrument,
                side,
                order_type,
                price,
                qty,
                ts: at,
            } => {
                let Some(state) = self.accounts.get_mut(&account) else {
                    return;
                };
                let view = OrderView {
                    order_id,
                    instrument,
                    side,
                    order_type,
                    price,
                    qty,
                    filled: Qty(0),
                    leaves: qty,
                    tif: None,
                    post_only: None,
                    ts: at,
                };
                state.orders.insert(id, view);
                self.order_update(account, id, "new", None, seq, ts);
            }
            Event::Trade {
                instrument: _,
                trade_id,
                price,
                qty,
                maker_account,
                maker_id,
                taker_account,
                taker_id,
                taker_side,
            } => {
                self.fill(
                    maker_account,
                    maker_id,
                    trade_id,
                    price,
                    qty,
                    taker_side.opposite(),
                    "maker",
                    seq,
                    ts,
                );
                self.fill(
                    taker_account,
                    taker_id,
                    trade_id,
                    price,
                    qty,
                    taker_side,
                    "taker",
                    seq,
                    ts,
                );
            }
            Event::Cancelled {
                account,
                id,
                reason,
                ..
            } => {
                let Some(state) = self.accounts.get_mut(&account) else {
                    return;
                };
                if let Some(v) = state.orders.get_mut(&id) {
                    v.leaves = Qty(0);
                }
                self.order_update(account, id, "cancelled", Some(reason.as_str()), seq, ts);
                if let Some(state) = self.accounts.get_mut(&account) {
                    state.orders.remove(&id);
                }
            }
            Event::Amended {
                account,
                id,
                price,
                qty,
                leaves_qty,
                ..
            } => {
                let Some(state) = self.accounts.get_mut(&account) else {
                    return;
                };
                if let Some(v) = state.orders.get_mut(&id) {
                    v.price = price;
                    v.qty = qty;
                    v.leaves = leaves_qty;
                    v.filled = Qty(qty.0 - leaves_qty.0);
                }
                self.order_update(account, id, "amended", None, seq, ts);
            }
            Event::Filled { account, id, .. } => {
                if let Some(state) = self.accounts.get_mut(&account) {
                    state.orders.remove(&id);
                }
            }
            // Market-maker protection changes go to the `orders` channel as messages of their
            // own (`protection_set`, `protection_tripped`, `protection_reset`).
            Event::ProtectionSet {
                account,
                instrument,
                limits,
            } => self.protection_update(account, instrument, Change::Set(limits), seq, ts),
            Event::ProtectionTripped {
                account,
                instrument,
                filled,
                delta,
                frozen_until,
            } => {
                let change = Change::Tripped {
                    filled,
                    delta,
                    frozen_until,
                };
                self.protection_update(account, instrument, change, seq, ts)
            }
            Event::ProtectionReset {
                account,
                instrument,
            } => self.protection_update(account, instrument, Change::Reset, seq, ts),
            // A quote, among others, has no message of its own: the orders it places, and their
            // `replaced` / `mm_protection` cancels, arrive as the order events above.
            _ => {}
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn fill(
        &mut self,
        account: AccountId,
        id: ClientOrderId,
        trade_id: TradeId,
        price: tradestream_model::Price,
        qty: Qty,
        side: Side,
        liquidity: &'static str,
        seq: u64,
        ts: Timestamp,
    ) {
        let Some(state) = self.accounts.get_mut(&account) else {
            return;
        };
        let Some(view) = state.orders.get_mut(&id) else {
            return;
        };
        view.filled = Qty(view.filled.0 + qty.0);
        view.leaves = Qty(view.leaves.0 - qty.0);
        let view = *view;
        let Some(listing) = self.catalog.get(view.instrument) else {
            return;
        };
        let n = state.next_seq();
        let f = Fill {
            trade_id,
            id,
            side,
            price,
            qty,
            liquidity,
        };
        private::fill(&mut self.buf, n, seq, listing, &f, ts);
        self.deliver_private(account, Private::Fills);
        let status = if view.leaves.0 == 0 {
            "filled"
        } else {
            "partially_filled"
        };
        self.order_update(account, id, status, None, seq, ts);
    }

    fn order_update(
        &mut self,
        account: AccountId,
        id: ClientOrderId,
        status: &str,
        reason: Option<&str>,
        seq: u64,
        ts: Timestamp,
    ) {
        let Some(state) = self.accounts.get_mut(&account) else {
            return;
        };
        let Some(view) = state.orders.get(&id).copied() else {
            return;
        };
        let Some(listing) = self.catalog.get(view.instrument) else {
            return;
        };
        let n = state.next_seq();
        private::order(
            &mut self.buf,
            n,
            seq,
            listing,
            &id,
            &view,
            status,
            reason,
            ts,
        );
        self.deliver_private(account, Private::Orders);
    }

    /// True when a session of the account subscribed to `channel` (the sequence number counts
    /// every private message either way; only wanted ones are encoded).
    fn wants(&self, account: AccountId, channel: Private) -> bool {
        let name = channel.name();
        self.accounts.get(&account).is_some_and(|state| {
            state.sessions.iter().any(|s| {
                self.sessions
                    .get(s)
                    .is_some_and(|s| s.channels.iter().any(|c| c == name))
            })
        })
    }

    /// Sends the message in the buffer to the account's sessions subscribed to `channel`.
    pub(super) fn deliver_private(&mut self, account: AccountId, channel: Private) {
        let text = self.take_buf();
        let Some(state) = self.accounts.get(&account) else {
            return;
        };
        let name = channel.name();
        for &session in &state.sessions {
            if self
                .sessions
                .get(&session)
                .is_some_and(|s| s.channels.iter().any(|c| c == name))
            {
                self.deliveries.push(super::delivery::Delivery {
                    session,
                    frame: super::delivery::Frame::Text(text.clone()),
                });
            }
        }
    }
}
