//! The engine state and the command dispatch.

use crate::accounts::Accounts;
use crate::arena::Arena;
use crate::assets::Assets;
use crate::book::Book;
use crate::client_ids::ClientIds;
use crate::expiry::Expiries;
use crate::instruments::Instrument;
use crate::quoting::Quoting;
use crate::{EngineConfig, EventSink};
use rustc_hash::FxHashMap;
use tradestream_model::{
    Amount, AssetId, CancelReason, Command, Event, InstrumentId, ShortName, TimeInForce, Timestamp,
};

/// The matching engine. One thread owns it; every state change goes through [`Engine::apply`].
pub struct Engine {
    pub(crate) config: EngineConfig,
    pub(crate) clock: Timestamp,
    pub(crate) next_order_id: u64,
    pub(crate) next_trade_id: u64,
    pub(crate) assets: Assets,
    pub(crate) instruments: Vec<Instrument>,
    pub(crate) symbols: FxHashMap<ShortName, InstrumentId>,
    pub(crate) books: Vec<Book>,
    pub(crate) accounts: Accounts,
    pub(crate) arena: Arena,
    /// Every client order id ever accepted, per account index; the handle resolves while the
    /// order is open.
    pub(crate) ids: ClientIds,
    /// The fee account, per asset.
    pub(crate) fees: Vec<Amount>,
    /// The insurance fund, per asset.
    pub(crate) insurance: Vec<Amount>,
    /// Accounts whose derivative positions changed by trades in the current command: their
    /// maintenance margin is checked when the command's matching is done.
    pub(crate) touched: Vec<(u32, u32)>,
    /// Auto-deleveraging's queue within one command: (unrealized PnL, account index) of the
    /// positions opposing `ranking_key` (instrument, liquidated side long), most profitable
    /// first, consumed from `ranking_at`. Rebuilt when the key changes or the queue runs dry;
    /// forgotten at the start of every command.
    pub(crate) ranking: Vec<(i128, u32)>,
    pub(crate) ranking_key: Option<(u32, bool)>,
    pub(crate) ranking_at: usize,
    pub(crate) expiries: Expiries,
    /// Reused by mass cancels (pre-sized to the per-account limit).
    pub(crate) scratch_slots: Vec<u32>,
    /// Market makers' current quotes and protections.
    pub(crate) quoting: Quoting,
}

impl Engine {
    /// An empty engine with the given limits; structures are reserved, not yet touched.
    pub fn new(config: EngineConfig) -> Engine {
        Engine {
            config,
            clock: Timestamp(0),
            next_order_id: 1,
            next_trade_id: 1,
            assets: Assets::default(),
            instruments: Vec::new(),
            symbols: FxHashMap::default(),
            books: Vec::new(),
            accounts: Accounts::with_capacity(config.expected_accounts),
            arena: Arena::with_capacity(config.capacity),
            ids: ClientIds::with_capacity(config.expected_client_ids),
            fees: Vec::new(),
            insurance: Vec::new(),
            touched: Vec::with_capacity(64),
            ranking: Vec::new(),
            ranking_key: None,
            ranking_at: 0,
            expiries: Expiries::with_capacity(config.capacity as usize),
            scratch_slots: Vec::with_capacity(
                config.max_open_orders_per_account.min(1 << 20) as usize
            ),
            quoting: Quoting::new(),
        }
    }

    /// Makes room for `additional` more client order ids, so that accepting them later never
    /// grows the id map on the hot path (for example before a known batch or at start of day).
    pub fn reserve_client_ids(&mut self, additional: usize) {
        self.ids.reserve(additional);
    }

    /// Touches all pre-sized memory (order arena, id map, expiry heap) so that the operating
    /// system never faults a fresh page in on the hot path. Costs start-up time in proportion to
    /// the configured capacity; servers and benchmarks call it, short simulations need not.
    pub fn prefault(&mut self) {
        self.arena.prefault();
        self.expiries.prefault();
        self.ids.prefault();
    }

    /// The limits the engine was created with.
    pub fn config(&self) -> &EngineConfig {
        &self.config
    }

    /// Applies one sequenced command stamped `ts` by the sequencer, pushing its events into `sink`.
    pub fn apply(&mut self, cmd: &Command, ts: Timestamp, sink: &mut impl EventSink) {
        self.ranking_key = None;
        self.quoting.now = ts.0.max(0) as u64;
        match cmd {
            Command::AddInstrument(spec) => self.add_instrument(spec, sink),
            Command::Deposit {
                account,
                asset,
                amount,
            } => self.deposit(*account, *asset, *amount, sink),
            Command::Withdraw {
                account,
                asset,
                amount,
                id,
            } => self.withdraw(*account, *asset, *amount, *id, sink),
            Command::New(order) => self.new_order(order, ts, sink),
            Command::Cancel {
                account,
                instrument,
                id,
            } => self.cancel(*account, *instrument, *id, sink),
            Command::Amend {
                account,
                instrument,
                id,
                price,
                qty,
            } => self.amend(*account, *instrument, *id, *price, *qty, sink),
            Command::MassCancel {
                account,
                instrument,
            } => self.mass_cancel(*account, *instrument, sink),
            Command::Time { ts } => self.advance_clock(*ts, sink),
            Command::SetControls {
                instrument,
                controls,
            } => self.set_controls(*instrument, *controls),
            Command::Halt { instrument, halted } => self.halt(*instrument, *halted, sink),
            Command::KillSwitch { account, on } => self.kill_switch_cmd(*account, *on, sink),
            Command::SetFees {
                instrument,
                maker_fee_bps,
                taker_fee_bps,
            } => self.set_fees(*instrument, *maker_fee_bps, *taker_fee_bps, sink),
            Command::Disconnect { account } => self.disconnect(*account, sink),
            Command::SetPrice {
                instrument,
                kind,
                price,
            } => self.set_price(*instrument, *kind, *price, sink),
            Command::Fund {
                instrument,
                rate_ppm,
            } => self.fund(*instrument, *rate_ppm, sink),
            Command::Settle { instrument, price } => {
                self.settle_instrument(*instrument, *price, sink)
            }
            Command::OptionRisk {
                instrument,
                vol_ppm,
                mark,
                values,
            } => self.option_risk(*instrument, *vol_ppm, *mark, values, sink),
            Command::Resolve { instrument, yes } => self.resolve(*instrument, *yes, sink),
            Command::FundPremium { instrument } => self.fund_premium(*instrument, sink),
            Command::InsuranceDeposit { asset, amount } => {
                self.insurance_deposit(*asset, *amount, sink)
            }
            Command::Quote(q) => self.quote(q, ts, sink),
            Command::SetProtection {
                account,
                instrument,
                limits,
            } => self.set_protection(*account, *instrument, *limits, sink),
            Command::ResetProtection {
                account,
                instrument,
            } => self.reset_protection(*account, *instrument, sink),
        }
        if !self.touched.is_empty() {
            self.drain_touched(sink);
        }
        // Protections tripped by this command's fills (liquidations' included) act last.
        if !self.quoting.tripped.is_empty() {
            self.apply_trips(sink);
        }
    }

    /// The asset and amount an open order holds.
    pub(crate) fn hold_of(&self, slot: u32) -> (AssetId, Amount) {
        let o = self.arena.get(slot);
        self.hold_for(o.instrument, o.side, o.price, o.leaves)
    }

    /// Takes an open order out of the engine: off its book, its hold released, off its account's
    /// list, its slot freed, and emits `cancelled` with `reason`.
    pub(crate) fn close_order(
        &mut self,
        slot: u32,
        reason: CancelReason,
        sink: &mut impl EventSink,
    ) {
        let o = *self.arena.get(slot);
        let (asset, held) = self.hold_for(o.instrument, o.side, o.price, o.leaves);
        let acct = self.accounts.get_mut(o.account);
        let b = acct.balance_mut(asset);
        b.held -= held;
        b.available += held;
        sink.push(Event::Cancelled {
            account: acct.id,
            id: o.id,
            instrument: InstrumentId(o.instrument),
            reason,
            leaves_qty: o.leaves,
        });
        self.books[o.instrument as usize]
            .side_mut(o.side)
            .unlink(&mut self.arena, slot);
        self.release_slot(slot, o.account, o.tif);
    }

    /// Frees the slot of an order that is already off its book.
    pub(crate) fn release_slot(&mut self, slot: u32, account: u32, tif: TimeInForce) {
        self.arena.remove(slot);
        self.accounts.order_closed(&self.arena, account);
        if matches!(tif, TimeInForce::Gtd(_)) {
            self.expiries.closed(&self.arena);
        }
    }
}
