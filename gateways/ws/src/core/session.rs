//! One WebSocket connection's state.

use crate::auth::Grant;

/// Where a connection is in its life.
#[derive(Debug, Clone)]
pub enum Phase {
    /// Connected, not logged on: public data only.
    Anonymous,
    /// A valid logon is waiting for the account snapshot.
    LoggingOn,
    /// Logged on.
    LoggedOn(Grant),
}

/// A connection.
#[derive(Debug, Clone)]
pub struct Session {
    /// Its number.
    pub id: u32,
    /// Logon state.
    pub phase: Phase,
    /// Cancel the account's orders when the connection drops without a logout.
    pub cancel_on_disconnect: bool,
    /// Set by `logout`: the connection ends without cancel-on-disconnect.
    pub logged_out: bool,
    /// Channels this connection subscribed to, by name.
    pub channels: Vec<String>,
}

impl Session {
    /// A new anonymous connection.
    pub fn new(id: u32) -> Session {
        Session {
            id,
            phase: Phase::Anonymous,
            cancel_on_disconnect: false,
            logged_out: false,
            channels: Vec::new(),
        }
    }

    /// The logon grant, if logged on.
    pub fn grant(&self) -> Option<&Grant> {
        match &self.phase {
            Phase::LoggedOn(g) => Some(g),
            _ => None,
        }
    }
}
