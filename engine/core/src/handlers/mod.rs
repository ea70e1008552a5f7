//! One module per command family.

mod admin;
mod amend;
mod cancel;
mod funds;
mod new_order;
mod time;
