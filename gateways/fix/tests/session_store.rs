//! The session store's log file: a torn tail (the file cut at any byte of its last record)
//! or a damaged last record always reopens to the state before that record, and the log
//! goes on from there.

use std::path::Path;
use tradestream_fix::store::{Store, Sync};

/// What a store knows: next sender, next target, every sent message.
type State = (u64, u64, Vec<(u64, Vec<u8>)>);

fn state(s: &Store) -> State {
    (
        s.next_sender(),
        s.next_target(),
        s.sent(0, u64::MAX - 1)
            .map(|(n, b)| (n, b.to_vec()))
            .collect(),
    )
}

fn log_len(dir: &Path) -> u64 {
    std::fs::metadata(dir.join("session.log")).unwrap().len()
}

/// Operations on a store; each is one record.
#[derive(Debug, Clone)]
enum Op {
    Save(u64, Vec<u8>),
    Target(u64),
    Sender(u64),
    Reset,
}

fn apply(s: &mut Store, op: &Op) {
    match op {
        Op::Save(n, b) => s.save(*n, b),
        Op::Target(n) => s.set_next_target(*n),
        Op::Sender(n) => s.set_next_sender(*n),
        Op::Reset => s.reset().unwrap(),
    }
}

fn history() -> Vec<Op> {
    vec![
        Op::Save(1, b"8=FIX.4.4\x019=5\x0135=A\x0110=000\x01".to_vec()),
        Op::Target(2),
        Op::Save(2, b"second".to_vec()),
        Op::Save(3, vec![0xFF; 300]),
        Op::Target(3),
        Op::Sender(10),
        Op::Save(10, b"tenth".to_vec()),
    ]
}

/// Writes `ops` then `last`; returns the state before `last`, the state after it, the log
/// bytes, and where `last`'s record starts.
fn build(dir: &Path, ops: &[Op], last: &Op) -> (State, State, Vec<u8>, usize) {
    let mut s = Store::open(dir, Sync::Always).unwrap();
    for op in ops {
        apply(&mut s, op);
    }
    s.sync().unwrap();
    let before = state(&s);
    let start = log_len(dir) as usize;
    apply(&mut s, last);
    s.sync().unwrap();
    let after = state(&s);
    drop(s);
    let bytes = std::fs::read(dir.join("session.log")).unwrap();
    (before, after, bytes, start)
}

#[test]
fn reopening_replays_the_whole_log() {
    for last in [
        Op::Save(11, b"eleventh".to_vec()),
        Op::Target(7),
        Op::Sender(20),
        Op::Reset,
    ] {
        let dir = tempfile::tempdir().unwrap();
        let (_, after, _, _) = build(dir.path(), &history(), &last);
        let s = Store::open(dir.path(), Sync::Never).unwrap();
        assert_eq!(state(&s), after, "{last:?}");
    }
}

#[test]
fn a_torn_last_record_reopens_to_the_state_before_it_at_every_offset() {
    for last in [
        Op::Save(11, b"8=FIX.4.4\x01eleventh".to_vec()),
        Op::Target(7),
        Op::Sender(20),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let (before, after, bytes, start) = build(dir.path(), &history(), &last);
        assert_ne!(before, after);
        let path = dir.path().join("session.log");
        for cut in start..bytes.len() {
            std::fs::write(&path, &bytes[..cut]).unwrap();
            let mut s = Store::open(dir.path(), Sync::Always).unwrap();
            assert_eq!(
                state(&s),
                before,
                "{last:?} cut at {cut} of {}",
                bytes.len()
            );
            assert_eq!(
                log_len(dir.path()),
                start as u64,
                "the torn tail is truncated"
            );
            // the log goes on from there: the record appended now is the one replayed
            apply(&mut s, &last);
            drop(s);
            let s = Store::open(dir.path(), Sync::Never).unwrap();
            assert_eq!(state(&s), after, "{last:?} rewritten after a cut at {cut}");
            assert_eq!(std::fs::read(&path).unwrap(), bytes);
        }
    }
}

#[test]
fn a_torn_reset_reopens_empty() {
    // A reset empties the file before writing its record: torn, nothing is left, which is
    // the state the reset produces.
    let dir = tempfile::tempdir().unwrap();
    let (_, after, bytes, _) = build(dir.path(), &history(), &Op::Reset);
    assert_eq!(after, (1, 1, vec![]));
    let path = dir.path().join("session.log");
    for cut in 0..bytes.len() {
        std::fs::write(&path, &bytes[..cut]).unwrap();
        let s = Store::open(dir.path(), Sync::Never).unwrap();
        assert_eq!(state(&s), (1, 1, vec![]), "cut at {cut}");
    }
}

#[test]
fn a_damaged_last_record_reopens_to_the_state_before_it() {
    for last in [
        Op::Save(11, b"eleventh".to_vec()),
        Op::Target(7),
        Op::Sender(20),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let (before, _, bytes, start) = build(dir.path(), &history(), &last);
        let path = dir.path().join("session.log");
        for at in start..bytes.len() {
            for flip in [0x01u8, 0x80, 0xFF] {
                let mut damaged = bytes.clone();
                damaged[at] ^= flip;
                std::fs::write(&path, &damaged).unwrap();
                let s = Store::open(dir.path(), Sync::Never).unwrap();
                assert_eq!(state(&s), before, "{last:?} byte {at} ^ {flip:#x}");
            }
        }
    }
}

#[test]
fn a_damaged_record_in_the_middle_drops_everything_after_it() {
    let ops = history();
    // where the third record starts
    let third = {
        let d = tempfile::tempdir().unwrap();
        build(d.path(), &ops[..2], &ops[2]).3
    };
    let dir = tempfile::tempdir().unwrap();
    let (_, _, bytes, fourth) = build(dir.path(), &ops[..3], &ops[3]);
    assert!(third < fourth && fourth < bytes.len());
    let mut damaged = bytes.clone();
    damaged[third + 6] ^= 0x10; // inside the third record; the fourth is intact
    let path = dir.path().join("session.log");
    std::fs::write(&path, &damaged).unwrap();
    let s = Store::open(dir.path(), Sync::Never).unwrap();
    assert_eq!(
        state(&s),
        (
            2,
            2,
            vec![(1, b"8=FIX.4.4\x019=5\x0135=A\x0110=000\x01".to_vec())]
        )
    );
    assert_eq!(log_len(dir.path()), third as u64);
}
