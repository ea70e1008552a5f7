//! The trading gates: an account's kill switch and an instrument's halt. They refuse new orders
//! and amends right after `unknown_symbol` in the precedence (`kill_switch`, then
//! `instrument_halted`, then the rest); cancels, mass cancels, disconnects and expiries pass.

use crate::Engine;
use tradestream_model::RejectReason;

impl Engine {
    /// Why an order or amend of the account with index `acct` (`None`: not created yet) in the
    /// listed instrument `inst` may not trade now, if it may not.
    pub(crate) fn gate(&self, acct: Option<u32>, inst: u32) -> Result<(), RejectReason> {
        if acct.is_some_and(|a| self.accounts.get(a).kill_switch) {
            return Err(RejectReason::KillSwitch);
        }
        let i = &self.instruments[inst as usize];
        if i.halted || i.settled {
            return Err(RejectReason::InstrumentHalted);
        }
        Ok(())
    }
}
