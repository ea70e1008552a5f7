//! Per-account session commands: the kill switch and cancel-on-disconnect.
//!
//! Kill switch on: the account is created if it does not exist yet (as a deposit would, so the
//! switch also stops its first order), its open orders are cancelled in acceptance order with
//! reason `kill_switch`, and then `KillSwitch { on: true }` is emitted. While it is on, the
//! account's new orders and amends are rejected `kill_switch`. Off: the flag is cleared and
//! `KillSwitch { on: false }` emitted (an unknown account is not created for that). Both answer
//! also when the switch was already in that state.
//!
//! Disconnect: every open order of the account is cancelled in acceptance order with reason
//! `disconnect`; nothing else is emitted, so an account with no open orders (or none at all)
//! gives no events.

use crate::{Engine, EventSink};
use tradestream_model::{AccountId, CancelReason, Event};

impl Engine {
    pub(crate) fn kill_switch_cmd(
        &mut self,
        account: AccountId,
        on: bool,
        sink: &mut impl EventSink,
    ) {
        if on {
            let acct = self.accounts.get_or_create(account, self.assets.len());
            self.accounts.get_mut(acct).kill_switch = true;
            self.cancel_all(acct, None, CancelReason::KillSwitch, sink);
        } else if let Some(acct) = self.accounts.find(account) {
            self.accounts.get_mut(acct).kill_switch = false;
        }
        sink.push(Event::KillSwitch { account, on });
    }

    pub(crate) fn disconnect(&mut self, account: AccountId, sink: &mut impl EventSink) {
        if let Some(acct) = self.accounts.find(account) {
            self.cancel_all(acct, None, CancelReason::Disconnect, sink);
        }
    }
}
