//! Market-maker protection over the WebSocket gateway: `admin.set_protection` and
//! `admin.reset_protection` (admin scope, journaled commands, answered from the engine's events)
//! and the `protection_*` messages of the account's `orders` stream.

use super::pending::PendingKind;
use super::private::Private;
use super::requests::Need;
use super::Gateway;
use crate::encode::answer;
use crate::encode::protection::{self, Change};
use crate::protocol::request::{ErrorCode, RequestId, SetProtection};
use tradestream_model::{AccountId, Command, Event, InstrumentId, ProtectionLimits, Timestamp};
use tradestream_runtime::Output;

impl Gateway {
    /// `admin.set_protection`: the quantity limits converted exactly to lots (off the lot grid:
    /// `invalid_params`, nothing submitted); both 0 removes the protection (all-zero limits).
    pub(super) fn set_protection(
        &mut self,
        session: u32,
        id: RequestId,
        sp: SetProtection,
        received_ns: u64,
    ) {
        let Some((_, listing)) = self.entry_with(session, &id, Need::Admin, &sp.symbol) else {
            return;
        };
        let Some(max_filled) = self.convert(
            session,
            &id,
            listing.limit_qty("params.max_filled", sp.max_filled),
        ) else {
            return;
        };
        let Some(max_delta) = self.convert(
            session,
            &id,
            listing.limit_qty("params.max_delta", sp.max_delta),
        ) else {
            return;
        };
        let limits = if max_filled == 0 && max_delta == 0 {
            ProtectionLimits::default()
        } else {
            ProtectionLimits {
                window_ms: sp.window_ms,
                max_filled,
                max_delta,
                freeze_ms: sp.freeze_ms,
            }
        };
        let instrument = listing.id;
        let cmd = Command::SetProtection {
            account: sp.account,
            instrument,
            limits,
        };
        let kind = PendingKind::Protection { instrument };
        self.submit_admin(session, id, cmd, kind, received_ns);
    }

    /// `admin.reset_protection`.
    pub(super) fn reset_protection(
        &mut self,
        session: u32,
        id: RequestId,
        account: AccountId,
        symbol: &str,
        received_ns: u64,
    ) {
        let Some((_, listing)) = self.entry_with(session, &id, Need::Admin, symbol) else {
            return;
        };
        let instrument = listing.id;
        let cmd = Command::ResetProtection {
            account,
            instrument,
        };
        let kind = PendingKind::Protection { instrument };
        self.submit_admin(session, id, cmd, kind, received_ns);
    }

    /// Writes the answer to a protection request from the batch's `ProtectionSet`,
    /// `ProtectionReset` or engine error into the buffer; false when there is nothing to answer.
    pub(super) fn protection_answer(
        &mut self,
        id: &RequestId,
        instrument: InstrumentId,
        seq: u64,
    ) -> bool {
        let Some(l) = self.listing(instrument).cloned() else {
            return false;
        };
        let found = self.batch.iter().find_map(|o| match o.output {
            Output::Event(
                e @ (Event::ProtectionSet { .. } | Event::ProtectionReset { .. } | Event::Error(_)),
            ) => Some(e),
            _ => None,
        });
        match found {
            Some(Event::ProtectionSet {
                account, limits, ..
            }) => answer::ok(&mut self.buf, id, |w| {
                w.uint("account", account.0)
                    .str("symbol", l.spec.symbol.as_str());
                protection::limits_fields(w, &l, &limits);
                w.uint("engine_seq", seq);
            }),
            Some(Event::ProtectionReset { account, .. }) => answer::ok(&mut self.buf, id, |w| {
                w.uint("account", account.0)
                    .str("symbol", l.spec.symbol.as_str())
                    .bool("reset", true)
                    .uint("engine_seq", seq);
            }),
            Some(Event::Error(e)) => answer::error(
                &mut self.buf,
                Some(id),
                ErrorCode::InvalidParams.as_str(),
                &e.to_string(),
                |_| {},
            ),
            _ => return false,
        }
        true
    }

    /// Pushes a change of the account's protection on `instrument` to its sessions subscribed
    /// to `orders` (the account's private sequence counts it either way).
    pub(super) fn protection_update(
        &mut self,
        account: AccountId,
        instrument: InstrumentId,
        change: Change,
        seq: u64,
        ts: Timestamp,
    ) {
        let Some(state) = self.accounts.get_mut(&account) else {
            return;
        };
        let Some(listing) = self.catalog.get(instrument) else {
            return;
        };
        let n = state.next_seq();
        protection::update(&mut self.buf, n, seq, listing, &change, ts);
        self.deliver_private(account, Private::Orders);
    }
}
