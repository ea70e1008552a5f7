//! The payload of a journaled command record: `ts: i64 | chain: [u8; 32] | command bytes`
//! (little-endian; the command in the versioned encoding of `tradestream_model::codec`).

use crate::chain::Digest;
use thiserror::Error;
use tradestream_engine::EngineConfig;
use tradestream_model::codec::{decode_command, encode_command, CodecError, MAX_COMMAND_LEN};
use tradestream_model::{Command, Timestamp};

/// Record kind of a sequenced command.
pub const KIND_COMMAND: u8 = 1;

/// Fixed bytes before the command.
pub const HEADER_LEN: usize = 8 + 32;

/// Largest payload of a command record.
pub const MAX_PAYLOAD: usize = HEADER_LEN + MAX_COMMAND_LEN;

/// A decoded command record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CommandRecord {
    /// Sequencer timestamp.
    pub ts: Timestamp,
    /// Chain value after this command.
    pub chain: Digest,
    /// The command.
    pub command: Command,
}

/// Why a record's payload does not decode.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum RecordError {
    /// Shorter than the fixed header.
    #[error("command record of {0} bytes is shorter than its {HEADER_LEN}-byte header")]
    Short(usize),
    /// A genesis record of the wrong size.
    #[error("genesis record of {0} bytes; expected 32")]
    Genesis(usize),
    /// The command bytes do not decode.
    #[error("command does not decode: {0}")]
    Command(#[from] CodecError),
}

/// Writes a record payload into `out` (cleared first) from already encoded command bytes.
pub fn encode(ts: Timestamp, chain: &Digest, command_bytes: &[u8], out: &mut Vec<u8>) {
    out.clear();
    out.extend_from_slice(&ts.0.to_le_bytes());
    out.extend_from_slice(chain);
    out.extend_from_slice(command_bytes);
}

/// Encodes a command (for [`encode`] and the chain) into `out` (cleared first).
pub fn command_bytes(command: &Command, out: &mut Vec<u8>) {
    out.clear();
    encode_command(command, out);
}

/// Record kind of the genesis record (sequence 1): the engine's configuration, so a replay never
/// reads a configuration file.
pub const KIND_GENESIS: u8 = 0;

/// The genesis payload: the engine limits.
pub fn encode_genesis(c: &EngineConfig) -> Vec<u8> {
    let mut out = Vec::with_capacity(32);
    out.extend_from_slice(&c.max_open_orders_per_account.to_le_bytes());
    out.extend_from_slice(&c.capacity.to_le_bytes());
    out.extend_from_slice(&(c.expected_client_ids as u64).to_le_bytes());
    out.extend_from_slice(&(c.expected_accounts as u64).to_le_bytes());
    out.extend_from_slice(&(c.levels_per_side as u64).to_le_bytes());
    out
}

/// Decodes a genesis payload.
pub fn decode_genesis(p: &[u8]) -> Result<EngineConfig, RecordError> {
    if p.len() != 32 {
        return Err(RecordError::Genesis(p.len()));
    }
    let u32_at = |i: usize| u32::from_le_bytes([p[i], p[i + 1], p[i + 2], p[i + 3]]);
    let u64_at = |i: usize| {
        let mut b = [0u8; 8];
        b.copy_from_slice(&p[i..i + 8]);
        u64::from_le_bytes(b) as usize
    };
    Ok(EngineConfig {
        max_open_orders_per_account: u32_at(0),
        capacity: u32_at(4),
        expected_client_ids: u64_at(8),
        expected_accounts: u64_at(16),
        levels_per_side: u64_at(24),
    })
}

/// Decodes a record payload.
pub fn decode(payload: &[u8]) -> Result<CommandRecord, RecordError> {
    if payload.len() < HEADER_LEN {
        return Err(RecordError::Short(payload.len()));
    }
    let mut ts = [0u8; 8];
    ts.copy_from_slice(&payload[..8]);
    let mut chain = [0u8; 32];
    chain.copy_from_slice(&payload[8..HEADER_LEN]);
    Ok(CommandRecord {
        ts: Timestamp(i64::from_le_bytes(ts)),
        chain,
        command: decode_command(&payload[HEADER_LEN..])?,
    })
}
