//! One module per command family.

mod admin;
mod amend;
mod cancel;
mod derivatives;
mod funds;
mod gates;
mod instrument_state;
mod new_order;
mod products;
mod protection;
mod quote;
mod session;
mod time;

pub(crate) use admin::unit_of;
