//! Read-only views for edges, tests and tools. None of them changes state, and every iteration
//! order is fixed (acceptance, book or id order), never a hash map's.

use crate::arena::{Order, NIL};
use crate::{Balance, Engine, Instrument, Position};
use tradestream_model::{
    AccountId, Amount, AssetId, ClientOrderId, InstrumentId, OrderId, Price, Qty,
    SelfTradePrevention, ShortName, Side, TimeInForce, Timestamp,
};

/// An open order as the engine holds it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OpenOrder {
    /// Owner.
    pub account: AccountId,
    /// Client order id.
    pub id: ClientOrderId,
    /// Engine order id.
    pub order_id: OrderId,
    /// Instrument.
    pub instrument: InstrumentId,
    /// Side.
    pub side: Side,
    /// Limit price.
    pub price: Price,
    /// Total quantity (as amended).
    pub qty: Qty,
    /// Open quantity.
    pub leaves: Qty,
    /// Time in force: `Gtc` or `Gtd` (only those rest).
    pub tif: TimeInForce,
    /// Post-only flag.
    pub post_only: bool,
    /// Self-trade prevention.
    pub stp: SelfTradePrevention,
    /// Sequencer time of acceptance.
    pub entered: Timestamp,
}

impl Engine {
    /// The instrument listed under `symbol`.
    pub fn instrument_id(&self, symbol: &ShortName) -> Option<InstrumentId> {
        self.symbols.get(symbol).copied()
    }

    /// A listed instrument.
    pub fn instrument(&self, id: InstrumentId) -> Option<&Instrument> {
        self.instruments.get(id.0 as usize)
    }

    /// Asset names, indexed by [`AssetId`], in the order the engine first saw them.
    pub fn asset_names(&self) -> &[ShortName] {
        self.assets.names()
    }

    /// An asset's id.
    pub fn asset_id(&self, name: &ShortName) -> Option<AssetId> {
        self.assets.find(name)
    }

    /// An account's balance of an asset (zero when either is unknown).
    pub fn balance(&self, account: AccountId, asset: AssetId) -> Balance {
        self.accounts
            .find(account)
            .map_or_else(Balance::default, |a| self.accounts.get(a).balance(asset))
    }

    /// An account's position in a derivative instrument: signed lots and entry notional (flat
    /// when either is unknown or it never traded the instrument).
    pub fn position(&self, account: AccountId, instrument: InstrumentId) -> Position {
        self.accounts.find(account).map_or(
            Position {
                instrument: instrument.0,
                ..Position::default()
            },
            |a| self.accounts.get(a).position(instrument.0),
        )
    }

    /// An account's derivative positions in order of first trade (closed ones included, flat).
    pub fn positions(&self, account: AccountId) -> &[Position] {
        self.accounts
            .find(account)
            .map_or(&[][..], |a| &self.accounts.get(a).positions[..])
    }

    /// The fee account's balance of an asset.
    pub fn fee_balance(&self, asset: AssetId) -> Amount {
        self.fees.get(asset.0 as usize).copied().unwrap_or_default()
    }

    /// Total deposited minus withdrawn of an asset: what accounts and the fee account hold.
    pub fn supply(&self, asset: AssetId) -> Amount {
        self.assets.supply(asset)
    }

    /// Account numbers in creation order.
    pub fn account_ids(&self) -> impl Iterator<Item = AccountId> + '_ {
        self.accounts.iter().map(|a| a.id)
    }

    /// Aggregated price levels of one side of a book, best first.
    pub fn depth(
        &self,
        instrument: InstrumentId,
        side: Side,
    ) -> impl Iterator<Item = (Price, Qty)> + '_ {
        let book = self.books.get(instrument.0 as usize);
        book.into_iter().flat_map(move |b| {
            let s = b.side(side);
            s.levels().map(move |l| (s.price_of(l), l.total))
        })
    }

    /// The open orders of an account, in the order they were accepted (empty for an unknown
    /// account).
    pub fn account_orders(&self, account: AccountId) -> impl Iterator<Item = OpenOrder> + '_ {
        self.accounts
            .find(account)
            .into_iter()
            .flat_map(move |a| self.accounts.get(a).open_slots(&self.arena))
            .map(move |slot| self.open_order(slot))
    }

    /// The resting orders of an instrument in book order: bids best price first, then asks best
    /// price first, each level in time priority (empty for an unknown instrument).
    pub fn resting_orders(&self, instrument: InstrumentId) -> impl Iterator<Item = OpenOrder> + '_ {
        let book = self.books.get(instrument.0 as usize);
        book.into_iter()
            .flat_map(|b| [b.side(Side::Buy), b.side(Side::Sell)])
            .flat_map(|side| side.levels())
            .flat_map(move |level| {
                let first = (level.head != NIL).then_some(level.head);
                std::iter::successors(first, move |&slot| {
                    let next = self.arena.get(slot).next;
                    (next != NIL).then_some(next)
                })
            })
            .map(move |slot| self.open_order(slot))
    }

    /// An account's balance of every asset the engine knows, in asset id order (empty for an
    /// unknown account).
    pub fn account_balances(
        &self,
        account: AccountId,
    ) -> impl Iterator<Item = (ShortName, Balance)> + '_ {
        self.accounts.find(account).into_iter().flat_map(move |a| {
            let acct = self.accounts.get(a);
            self.assets
                .names()
                .iter()
                .enumerate()
                .map(move |(i, name)| (*name, acct.balance(AssetId(i as u32))))
        })
    }

    /// The earliest expiry of an open GTD order: a runtime that owns the clock sends a `Time`
    /// command when it is reached (expiries happen only through `Time`).
    pub fn next_expiry(&self) -> Option<Timestamp> {
        self.expiries.next(&self.arena).map(Timestamp)
    }

    /// True while trading in the instrument is halted (false for an unknown instrument).
    pub fn is_halted(&self, instrument: InstrumentId) -> bool {
        self.instruments
            .get(instrument.0 as usize)
            .is_some_and(|i| i.halted)
    }

    /// True while the account's kill switch is on (false for an unknown account).
    pub fn kill_switch(&self, account: AccountId) -> bool {
        self.accounts
            .find(account)
            .is_some_and(|a| self.accounts.get(a).kill_switch)
    }

    fn open_order(&self, slot: u32) -> OpenOrder {
        let o: &Order = self.arena.get(slot);
        OpenOrder {
            account: self.accounts.get(o.account).id,
            id: o.id,
            order_id: o.order_id,
            instrument: InstrumentId(o.instrument),
            side: o.side,
            price: o.price,
            qty: o.qty,
            leaves: o.leaves,
            tif: o.tif,
            post_only: o.post_only,
            stp: o.stp,
            entered: o.entered,
        }
    }

    /// The engine clock (moved by time commands).
    pub fn clock(&self) -> Timestamp {
        self.clock
    }

    /// Open orders in the engine.
    pub fn open_orders(&self) -> u32 {
        self.arena.live()
    }

    /// The most events one command can produce under the configured limits: a taker meets at
    /// most every resting order (a trade and a fill, or a self-trade cancel, each), plus its own
    /// accepted and final event; a time command, mass cancel, disconnect or kill switch at most
    /// one event per open order (plus the kill switch's own). A quote adds a second taker, the
    /// previous quote's two cancels and `quoted`, and a market-maker protection trip adds its own
    /// event and the cancels of its account's quote orders, so every order accounts for at most
    /// three events plus a constant few.
    /// A sink pre-sized to this never grows on the order path. Liquidations are the exception:
    /// a mark change that liquidates many accounts emits several events per account (start,
    /// cancels, steps with their trades, deleveraging, insurance, end), so a sink may grow
    /// during such a cascade (an event rare enough to pay for its allocation).
    pub fn max_events_per_command(&self) -> usize {
        3 * self.config.capacity as usize + 8
    }
}
