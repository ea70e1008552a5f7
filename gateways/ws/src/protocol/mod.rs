//! The request side of the JSON protocol (docs/ws-api.md), sans I/O.
//!
//! [`request::parse`] turns one text frame into a typed [`request::Request`]: an echoable
//! [`id::RequestId`] and a [`method::Method`] whose parameters are already converted into the
//! domain's types (decimals checked strictly, names bounded, enums closed). Anything wrong with the
//! frame becomes a [`error::RequestError`] with the protocol's error code and a message that names
//! the offending parameter. Nothing here knows about sockets, sessions, clocks or instruments:
//! grid checks (tick and lot), logon state, scopes and rate limits belong to the layers above.

pub mod error;
mod field;
pub mod id;
pub mod method;
mod params;
mod protection;
pub mod request;
