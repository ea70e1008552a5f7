//! JSON encoders for every message the server sends (see docs/ws-api.md).

pub mod answer;
pub mod order;
pub mod private;
pub mod protection;
pub mod public;
