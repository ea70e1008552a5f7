//! Requests submitted to the engine and waiting for their outcome.

use crate::auth::Grant;
use crate::protocol::request::RequestId;
use crate::rate::Budget;
use tradestream_model::{AccountId, ClientOrderId, InstrumentId};

/// What was asked, to build the answer from the command's events.
#[derive(Debug, Clone)]
pub enum PendingKind {
    /// `logon`: waiting for the account snapshot.
    Logon {
        /// The verified grant.
        grant: Grant,
    },
    /// `place`.
    Place {
        /// The order.
        id: ClientOrderId,
        /// Its instrument.
        instrument: InstrumentId,
    },
    /// `cancel`.
    Cancel {
        /// The order.
        id: ClientOrderId,
        /// Its instrument.
        instrument: InstrumentId,
    },
    /// `amend`.
    Amend {
        /// The order.
        id: ClientOrderId,
        /// Its instrument.
        instrument: InstrumentId,
    },
    /// `mass_cancel`.
    MassCancel,
    /// `admin.halt` / `admin.resume`.
    Halt {
        /// The instrument.
        instrument: InstrumentId,
    },
    /// `admin.kill_switch`.
    KillSwitch {
        /// The account.
        account: AccountId,
    },
    /// `admin.set_fees`.
    SetFees {
        /// The instrument.
        instrument: InstrumentId,
    },
    /// `admin.set_protection` / `admin.reset_protection`.
    Protection {
        /// The instrument.
        instrument: InstrumentId,
    },
}

/// A submitted request.
#[derive(Debug, Clone)]
pub struct Pending {
    /// The session that asked (it may have gone since).
    pub session: u32,
    /// Its account (0 before logon).
    pub account: AccountId,
    /// The request id to echo.
    pub id: RequestId,
    /// What was asked.
    pub kind: PendingKind,
    /// The account's order budget after this request (order entry only).
    pub budget: Option<Budget>,
    /// When the frame arrived ([`tradestream_runtime::mono_ns`]).
    pub received_ns: u64,
}
