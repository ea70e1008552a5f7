//! What flows through the rings: requests into the engine, items out of it.

use tradestream_engine::{Balance, OpenOrder};
use tradestream_model::{AccountId, Command, Event, ShortName, Timestamp};

/// Who sent a request, echoed on everything the request caused so the gateway can route it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Origin {
    /// The gateway's number (its index in the runtime's port list).
    pub gateway: u16,
    /// The gateway's session (connection) number.
    pub session: u32,
    /// The gateway's request token within the session.
    pub tag: u64,
}

/// A request to the engine thread.
#[derive(Debug, Clone, Copy)]
pub enum Request {
    /// A command to sequence, journal and apply.
    Command(Command),
    /// A read-only snapshot of an account's open orders and balances, taken in sequence with
    /// the stream (it reflects every command before it and none after).
    AccountSnapshot(AccountId),
}

/// A request with its routing and arrival time.
#[derive(Debug, Clone, Copy)]
pub struct Inbound {
    /// Who sent it.
    pub origin: Origin,
    /// What it asks.
    pub request: Request,
    /// [`crate::mono_ns`] when the gateway received it (for the latency metrics).
    pub received_ns: u64,
}

/// How a request ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DoneKind {
    /// The command was applied and journaled at `seq`.
    Applied,
    /// The account snapshot is complete; it reflects every command up to `seq`.
    Snapshot,
    /// The engine has halted (journal failure): nothing was applied.
    Halted,
}

/// One item the engine released.
#[derive(Debug, Clone, Copy)]
pub enum Output {
    /// An event of the command, in engine order.
    Event(Event),
    /// An account's balance in one asset after the command (for every account and asset the
    /// command touched), or as part of an account snapshot.
    Balance {
        /// Account.
        account: AccountId,
        /// Asset.
        asset: ShortName,
        /// Available and held.
        balance: Balance,
    },
    /// An open order, as part of an account snapshot.
    Order(OpenOrder),
    /// The last item of a request.
    Done(DoneKind),
}

/// An item on an outbound ring. Every gateway receives every item (it routes by account and
/// origin); the items of one request are contiguous and end with [`Output::Done`].
#[derive(Debug, Clone, Copy)]
pub struct Out {
    /// Journal sequence number of the command (for snapshots: of the last command before it).
    pub seq: u64,
    /// Sequencer stamp of the command.
    pub ts: Timestamp,
    /// The request's sender; `None` for commands the engine injected (time).
    pub origin: Option<Origin>,
    /// When the gateway received the request ([`crate::mono_ns`]), for latency metrics.
    pub received_ns: u64,
    /// The item.
    pub output: Output,
}
