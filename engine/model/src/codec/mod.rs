//! The versioned binary encoding of commands (and, for digests, of events): fixed little-endian
//! fields, strings as a length byte plus bytes. It is what the journal stores; JSON never appears
//! on this path. [`FORMAT_VERSION`] changes whenever a layout changes.

mod command;
mod event;
pub mod wire;

pub use command::{decode_command, encode_command, MAX_COMMAND_LEN};
pub use event::{cancel_code, encode_event, reject_code};
pub use wire::{CodecError, Reader, Writer};

/// Version of the command layout.
pub const FORMAT_VERSION: u8 = 1;
