//! A session's sequence numbers and the messages it sent (for resends), in memory and, for a
//! durable session, in an append-only log file.
//!
//! The log holds records `[len u32][kind u8][payload][crc32c u32]`: a sent message (its
//! sequence number and bytes), the next expected inbound sequence number, or a reset. Opening
//! replays it; a torn or corrupt tail is truncated. Appends collect in memory; the acceptor
//! calls [`Store::sync`] before any byte they produced is written to a socket: one write of
//! everything appended and, with [`Sync::Always`], one fdatasync, so a message the
//! counterparty saw is never lost and a sequence number is never reused after a crash: the
//! journal's guarantee.

mod log;

use std::collections::BTreeMap;
use std::io;
use std::path::Path;

/// When appended records are made durable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sync {
    /// fdatasync before the bytes leave (durable acknowledgement).
    Always,
    /// Never explicitly (the page cache decides; fast acknowledgement).
    Never,
}

/// Sequence numbers and sent messages of one session.
#[derive(Debug)]
pub struct Store {
    next_sender: u64,
    next_target: u64,
    sent: BTreeMap<u64, Vec<u8>>,
    log: Option<log::Log>,
    sync: Sync,
}

impl Store {
    /// A store kept in memory only (lost on restart).
    pub fn memory() -> Store {
        Store {
            next_sender: 1,
            next_target: 1,
            sent: BTreeMap::new(),
            log: None,
            sync: Sync::Never,
        }
    }

    /// Opens (or creates) the store in `dir`, replaying its log.
    pub fn open(dir: &Path, sync: Sync) -> io::Result<Store> {
        std::fs::create_dir_all(dir)?;
        let mut store = Store::memory();
        store.sync = sync;
        let log = log::Log::open(&dir.join("session.log"), |rec| match rec {
            log::Record::Sent { seq, bytes } => {
                store.next_sender = seq + 1;
                store.sent.insert(seq, bytes);
            }
            log::Record::Target(n) => store.next_target = n,
            log::Record::Sender(n) => store.next_sender = n,
            log::Record::Reset => {
                store.next_sender = 1;
                store.next_target = 1;
                store.sent.clear();
            }
        })?;
        store.log = Some(log);
        Ok(store)
    }

    /// The sequence number of the next message this side sends.
    pub fn next_sender(&self) -> u64 {
        self.next_sender
    }

    /// The sequence number expected on the next inbound message.
    pub fn next_target(&self) -> u64 {
        self.next_target
    }

    /// Records a sent message under `seq` and advances the sender number past it (the log
    /// record reaches the file at the next [`Store::sync`]).
    pub fn save(&mut self, seq: u64, bytes: &[u8]) {
        if let Some(log) = &mut self.log {
            log.append_sent(seq, bytes);
        }
        self.sent.insert(seq, bytes.to_vec());
        self.next_sender = seq + 1;
    }

    /// Sets the next expected inbound number.
    pub fn set_next_target(&mut self, n: u64) {
        if let Some(log) = &mut self.log {
            log.append(&log::Record::Target(n));
        }
        self.next_target = n;
    }

    /// Sets the next outbound number (an operator's sequence reset).
    pub fn set_next_sender(&mut self, n: u64) {
        if let Some(log) = &mut self.log {
            log.append(&log::Record::Sender(n));
        }
        self.next_sender = n;
    }

    /// Sent messages with `begin <= seq <= end`, in order.
    pub fn sent(&self, begin: u64, end: u64) -> impl Iterator<Item = (u64, &[u8])> {
        self.sent
            .range(begin..=end.max(begin))
            .map(|(s, b)| (*s, b.as_slice()))
    }

    /// Both numbers back to 1 and no sent messages (ResetOnLogon, ResetSeqNumFlag).
    pub fn reset(&mut self) -> io::Result<()> {
        if let Some(log) = &mut self.log {
            log.reset()?;
        }
        self.next_sender = 1;
        self.next_target = 1;
        self.sent.clear();
        Ok(())
    }

    /// Writes everything appended so far to the log (one write) and, with [`Sync::Always`],
    /// makes it durable. Nothing to do when nothing was appended since.
    pub fn sync(&mut self) -> io::Result<()> {
        match (&mut self.log, self.sync) {
            (Some(log), _) if !log.is_dirty() => Ok(()),
            (Some(log), Sync::Always) => log.sync(),
            (Some(log), Sync::Never) => log.flush(),
            (None, _) => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn survives_a_reopen_and_a_torn_tail() {
        let dir = tempfile::tempdir().unwrap();
        {
            let mut s = Store::open(dir.path(), Sync::Always).unwrap();
            s.save(1, b"one");
            s.save(2, b"two");
            s.set_next_target(7);
            s.sync().unwrap();
        }
        let path = dir.path().join("session.log");
        let mut bytes = std::fs::read(&path).unwrap();
        bytes.extend_from_slice(&[9, 0, 0, 0, 1, 2]);
        std::fs::write(&path, &bytes).unwrap();
        let mut s = Store::open(dir.path(), Sync::Always).unwrap();
        assert_eq!((s.next_sender(), s.next_target()), (3, 7));
        let sent: Vec<_> = s.sent(1, 5).map(|(n, b)| (n, b.to_vec())).collect();
        assert_eq!(sent, vec![(1, b"one".to_vec()), (2, b"two".to_vec())]);
        s.save(3, b"three");
        s.reset().unwrap();
        s.save(1, b"again");
        drop(s);
        let s = Store::open(dir.path(), Sync::Never).unwrap();
        assert_eq!((s.next_sender(), s.next_target()), (2, 1));
        assert_eq!(s.sent(1, 9).count(), 1);
    }
}
