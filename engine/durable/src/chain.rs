//! The event-digest chain. For every journaled command the engine's events are digested and
//! chained: `chain_n = BLAKE3(chain_{n-1} || seq || ts || command bytes || canonical events)`.
//! The journal stores `chain_n` beside command `n`, so a replay proves it reproduced every output
//! (the first sequence number whose chain differs is where replay diverged), and any change to a
//! stored command or digest breaks every later link.

use tradestream_model::codec::encode_event;
use tradestream_model::Event;

/// A link of the chain.
pub type Digest = [u8; 32];

/// The running chain value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Chain {
    head: Digest,
}

impl Chain {
    /// A chain that continues from `head` (zero at the start of a journal).
    pub fn from_head(head: Digest) -> Chain {
        Chain { head }
    }

    /// The current value.
    pub fn head(&self) -> Digest {
        self.head
    }

    /// Advances by one command; `scratch` is a reusable buffer (no allocation once it has grown).
    pub fn advance(
        &mut self,
        seq: u64,
        ts: i64,
        command: &[u8],
        events: &[Event],
        scratch: &mut Vec<u8>,
    ) -> Digest {
        scratch.clear();
        for e in events {
            encode_event(e, scratch);
        }
        let mut h = blake3::Hasher::new();
        h.update(&self.head);
        h.update(&seq.to_le_bytes());
        h.update(&ts.to_le_bytes());
        h.update(&(command.len() as u32).to_le_bytes());
        h.update(command);
        h.update(scratch);
        self.head = *h.finalize().as_bytes();
        self.head
    }
}

/// Lower-case hex of a digest.
pub fn hex(d: &Digest) -> String {
    d.iter().map(|b| format!("{b:02x}")).collect()
}
