//! `cancel` and `mass_cancel`, and the cancel-everything walk that mass cancels, kill switches
//! and disconnects share.

use crate::{Engine, EventSink};
use tradestream_model::{
    AccountId, CancelReason, ClientOrderId, Event, InstrumentId, RejectReason,
};

impl Engine {
    /// The index of a listed instrument, or `unknown_symbol`.
    pub(crate) fn listed(&self, instrument: Option<InstrumentId>) -> Result<u32, RejectReason> {
        instrument
            .filter(|i| (i.0 as usize) < self.instruments.len())
            .map(|i| i.0)
            .ok_or(RejectReason::UnknownSymbol)
    }

    /// The (instrument, account, slot) of an open order, or why there is none.
    pub(crate) fn find_open(
        &self,
        account: AccountId,
        instrument: Option<InstrumentId>,
        id: ClientOrderId,
    ) -> Result<(u32, u32, u32), RejectReason> {
        let inst = self.listed(instrument)?;
        let slot = self
            .ids
            .get(self.ids.hash(account, &id), account, &id)
            .and_then(|h| self.arena.resolve(h))
            .filter(|&s| self.arena.get(s).instrument == inst)
            .ok_or(RejectReason::UnknownOrder)?;
        Ok((inst, self.arena.get(slot).account, slot))
    }

    pub(crate) fn cancel(
        &mut self,
        account: AccountId,
        instrument: Option<InstrumentId>,
        id: ClientOrderId,
        sink: &mut impl EventSink,
    ) {
        match self.find_open(account, instrument, id) {
            Ok((_, _, slot)) => self.close_order(slot, CancelReason::User, sink),
            Err(reason) => sink.push(Event::Rejected {
                account,
                id,
                reason,
            }),
        }
    }

    /// Cancels the account's open orders (in one instrument when given), in acceptance order.
    /// An unknown symbol (`Some(None)`) or an unknown account has nothing to cancel.
    pub(crate) fn mass_cancel(
        &mut self,
        account: AccountId,
        instrument: Option<Option<InstrumentId>>,
        sink: &mut impl EventSink,
    ) {
        let filter = match instrument {
            None => None,
            Some(Some(i)) => Some(i.0),
            Some(None) => return,
        };
        if let Some(acct) = self.accounts.find(account) {
            self.cancel_all(acct, filter, CancelReason::Mass, sink);
        }
    }

    /// Cancels the open orders of the account with index `acct` (only those in instrument
    /// `filter` when given), in acceptance order, each with `reason`.
    pub(crate) fn cancel_all(
        &mut self,
        acct: u32,
        filter: Option<u32>,
        reason: CancelReason,
        sink: &mut impl EventSink,
    ) {
        // Collect first: closing orders may sweep the account's order list.
        let mut slots = std::mem::take(&mut self.scratch_slots);
        slots.clear();
        let a = self.accounts.get(acct);
        slots.extend(
            a.open_slots(&self.arena)
                .filter(|&s| filter.is_none_or(|i| i == self.arena.get(s).instrument)),
        );
        for &slot in &slots {
            self.close_order(slot, reason, sink);
        }
        self.scratch_slots = slots;
    }
}
