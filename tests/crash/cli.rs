//! Damaged journals and determinism at the command line.
//!
//! - A bit flipped in an earlier (vouched-for) batch: `replay --verify` and `simulate --journal`
//!   exit non-zero naming the segment file and the batch's byte offset, `journal inspect` shows
//!   the same place, and nothing is truncated.
//! - A command record whose price byte was changed, with the batch CRC fixed up so the journal
//!   layer accepts it: `replay --verify` fails naming that sequence number as the divergence, and
//!   so does recovery (`simulate --journal`) when it replays from genesis.
//! - A damaged newest snapshot: recovery falls back to the previous one, then to genesis, with
//!   the same final state hash; `replay --verify` still passes.
//! - `simulate`, `simulate --journal` and two `replay`s print the same events and state hash.

use std::path::Path;

use crate::support::{
    batches, command_stream, first_difference, fix_batch_crc, rebase, records, replay_report, run,
    run_ok, seq_of, simulate_state_hash, Batch, Rng, TempDir,
};

const SEGMENT: &str = "00000000000000000001.seg";

/// A journal of `lines` seeded lines in `tmp/journal`, with `simulate --fsync always` so that it
/// holds many batches, each vouching for the ones before. Returns the stream path, the journal
/// directory and `simulate`'s state hash.
fn build(tmp: &TempDir, seed: u64, lines: usize, extra: &[&str]) -> (String, String, String) {
    let stream = tmp.join("stream.jsonl");
    std::fs::write(&stream, command_stream(seed, lines)).expect("write stream");
    let dir = tmp.join("journal");
    let (stream, dir) = (
        stream.to_str().expect("path").to_string(),
        dir.to_str().expect("path").to_string(),
    );
    let mut args = vec![
        "simulate",
        "--input",
        &stream,
        "--journal",
        &dir,
        "--fsync",
        "always",
        "--state-hash",
    ];
    args.extend_from_slice(extra);
    let out = run_ok(&args);
    (stream, dir, simulate_state_hash(&out.stderr))
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn a_flipped_bit_is_refused_naming_the_file_and_offset() {
    for seed in 1..=3u64 {
        let tmp = TempDir::new("flip");
        let (_, dir, _) = build(&tmp, seed, 3000, &["--snapshot-every", "0"]);
        let seg = Path::new(&dir).join(SEGMENT);
        let mut bytes = std::fs::read(&seg).expect("segment");
        let all = batches(&bytes);
        assert!(
            all.len() > 5,
            "seed {seed}: want many batches, got {}",
            all.len()
        );
        // A batch that a later one vouches for: written before a sync the later one saw.
        let vouched: Vec<&Batch> = all
            .iter()
            .filter(|b| {
                all.iter()
                    .any(|w| w.first_seq > b.last_seq && w.durable_seq >= b.first_seq)
            })
            .collect();
        let mut rng = Rng::new(seed);
        let victim = vouched[rng.below(vouched.len() as u64) as usize].clone();
        let bit = rng.range(
            victim.offset as u64 * 8,
            (victim.offset + victim.len) as u64 * 8 - 1,
        );
        bytes[(bit / 8) as usize] ^= 1 << (bit % 8);
        std::fs::write(&seg, &bytes).expect("write damaged segment");
        let what = format!(
            "seed {seed}: bit {bit} flipped in the batch at offset {} (seqs {}..={})",
            victim.offset, victim.first_seq, victim.last_seq
        );
        let place = format!("{SEGMENT}\" at byte {}", victim.offset);

        let replay = run(&["replay", "--journal", &dir, "--verify"]);
        assert!(
            !replay.status.success(),
            "{what}: replay --verify accepted it"
        );
        assert!(
            stderr(&replay).contains(&place),
            "{what}: replay's error does not name {place}: {}",
            stderr(&replay)
        );

        let empty = tmp.join("empty.jsonl");
        std::fs::write(&empty, "").expect("write");
        let sim = run(&[
            "simulate",
            "--journal",
            &dir,
            "--input",
            empty.to_str().expect("path"),
        ]);
        assert!(
            !sim.status.success(),
            "{what}: simulate --journal started on it"
        );
        assert!(
            stderr(&sim).contains(&place),
            "{what}: simulate's error does not name {place}: {}",
            stderr(&sim)
        );
        assert!(
            stderr(&sim).contains("not a torn tail"),
            "{what}: {}",
            stderr(&sim)
        );
        assert!(
            std::fs::read(&seg).expect("segment") == bytes,
            "{what}: the refused journal was modified"
        );

        let inspect = run_ok(&["journal", "inspect", &dir]);
        let text = String::from_utf8_lossy(&inspect.stdout);
        assert!(
            text.contains(&format!(
                "verdict: CORRUPT at {SEGMENT} offset {}",
                victim.offset
            )),
            "{what}: {text}"
        );
    }
}

#[test]
fn a_forged_command_record_fails_verify_at_its_sequence_number() {
    for seed in 4..=6u64 {
        let tmp = TempDir::new("forge");
        let (_, dir, _) = build(&tmp, seed, 3000, &["--snapshot-every", "0"]);
        let seg = Path::new(&dir).join(SEGMENT);
        let mut bytes = std::fs::read(&seg).expect("segment");
        // New-order records: payload `ts (8) | chain (32) | version, tag 4, account u64,
        // instrument u32, id (length byte + bytes), side, type, price i64 LE, ...`.
        let mut orders = Vec::new();
        for b in batches(&bytes) {
            for (seq, kind, at, len) in records(&bytes, &b) {
                if kind == 1 && len > 56 && bytes[at + 41] == 4 {
                    let price = at + 57 + bytes[at + 54] as usize;
                    orders.push((b.clone(), seq, price));
                }
            }
        }
        let mut rng = Rng::new(seed);
        let (batch, seq, price) = orders[rng.below(orders.len() as u64) as usize].clone();
        bytes[price] = bytes[price].wrapping_add(1);
        fix_batch_crc(&mut bytes, batch.offset);
        std::fs::write(&seg, &bytes).expect("write forged segment");
        let what = format!("seed {seed}: price of record {seq} changed by one tick");

        let inspect = run_ok(&["journal", "inspect", &dir]);
        assert!(
            String::from_utf8_lossy(&inspect.stdout).contains("verdict: clean"),
            "{what}: the forged CRC should pass the journal layer"
        );
        run_ok(&["replay", "--journal", &dir]);
        let verify = run(&["replay", "--journal", &dir, "--verify"]);
        assert!(
            !verify.status.success(),
            "{what}: replay --verify accepted it"
        );
        let named = format!("diverged at sequence {seq}:");
        assert!(
            stderr(&verify).contains(&named),
            "{what}: {}",
            stderr(&verify)
        );

        let empty = tmp.join("empty.jsonl");
        std::fs::write(&empty, "").expect("write");
        let sim = run(&[
            "simulate",
            "--journal",
            &dir,
            "--input",
            empty.to_str().expect("path"),
        ]);
        assert!(!sim.status.success(), "{what}: recovery accepted it");
        assert!(stderr(&sim).contains(&named), "{what}: {}", stderr(&sim));
    }
}

#[test]
fn a_damaged_newest_snapshot_falls_back_with_the_same_state_hash() {
    let tmp = TempDir::new("snap");
    let (_, dir, hash) = build(
        &tmp,
        8,
        3000,
        &["--snapshot-every", "500", "--keep-snapshots", "3"],
    );
    let snap = |seq: u64| Path::new(&dir).join(format!("snapshot-{seq:020}.snap"));
    for s in [2000, 2500, 3000] {
        assert!(snap(s).exists(), "snapshot {s}");
    }
    let empty = tmp.join("empty.jsonl");
    std::fs::write(&empty, "").expect("write");
    let empty = empty.to_str().expect("path");
    for (damaged, from, skipped) in [
        (3000, "snapshot 2500", 1),
        (2500, "snapshot 2000", 2),
        (2000, "genesis", 3),
    ] {
        let mut bytes = std::fs::read(snap(damaged)).expect("snapshot");
        let i = bytes.len() / 2;
        bytes[i] ^= 0x10;
        std::fs::write(snap(damaged), &bytes).expect("damage snapshot");
        let out = run_ok(&[
            "simulate",
            "--journal",
            &dir,
            "--input",
            empty,
            "--state-hash",
        ]);
        let text = stderr(&out);
        assert!(
            text.contains(&format!("recovered journal to sequence 3001 from {from} (")),
            "{damaged} damaged: {text}"
        );
        assert!(
            text.contains(&format!("{skipped} corrupt snapshots skipped")),
            "{damaged} damaged: {text}"
        );
        assert_eq!(
            simulate_state_hash(&out.stderr),
            hash,
            "{damaged} damaged: state after falling back to {from}"
        );
        let verify = run_ok(&["replay", "--journal", &dir, "--verify"]);
        assert_eq!(
            replay_report(&verify.stderr).state_hash,
            hash,
            "{damaged} damaged"
        );
        assert!(
            stderr(&verify).contains(&format!("{} snapshot state hash(es)", 3 - skipped)),
            "{}",
            stderr(&verify)
        );
    }
}

#[test]
fn simulate_journaled_simulate_and_replays_print_the_same_events() {
    let tmp = TempDir::new("determinism");
    let stream = tmp.join("stream.jsonl");
    std::fs::write(&stream, command_stream(11, 6000)).expect("write");
    let stream = stream.to_str().expect("path");
    let dir = tmp.join("journal");
    let dir = dir.to_str().expect("path");
    let a = run_ok(&["simulate", "--input", stream, "--state-hash"]);
    let b = run_ok(&["simulate", "--input", stream, "--state-hash"]);
    let j = run_ok(&[
        "simulate",
        "--input",
        stream,
        "--state-hash",
        "--journal",
        dir,
        "--snapshot-every",
        "700",
    ]);
    assert!(
        a.stdout == b.stdout,
        "two simulate runs differ: {}",
        first_difference(&a.stdout, &b.stdout)
    );
    assert!(
        a.stdout == j.stdout,
        "journaled simulate differs: {}",
        first_difference(&a.stdout, &j.stdout)
    );
    let hash = simulate_state_hash(&a.stderr);
    assert_eq!(simulate_state_hash(&b.stderr), hash);
    assert_eq!(simulate_state_hash(&j.stderr), hash);

    let r1 = run_ok(&["replay", "--journal", dir, "--events"]);
    let r2 = run_ok(&["replay", "--journal", dir, "--verify", "--events"]);
    assert!(
        r1.stdout == r2.stdout,
        "two replays differ: {}",
        first_difference(&r1.stdout, &r2.stdout)
    );
    for r in [&r1, &r2] {
        let report = replay_report(&r.stderr);
        assert_eq!(
            (report.last_seq, report.state_hash.as_str()),
            (6001, hash.as_str()),
            "replay summary"
        );
    }
    // Every line is a command, so replay's seq (journal sequence number) is simulate's + 1.
    let (rebased, partial) = rebase(&r1.stdout, -1);
    assert!(partial.is_none());
    assert!(
        rebased == a.stdout,
        "replay --events and simulate differ: {}",
        first_difference(&rebased, &a.stdout)
    );
    // From a later sequence number (a snapshot is old enough): the same tail.
    let r3 = run_ok(&[
        "replay",
        "--journal",
        dir,
        "--verify",
        "--events",
        "--from",
        "5700",
    ]);
    assert!(stderr(&r3).contains("from snapshot "), "{}", stderr(&r3));
    let tail_start: usize = r1
        .stdout
        .split_inclusive(|&c| c == b'\n')
        .take_while(|l| seq_of(l) < 5700)
        .map(<[u8]>::len)
        .sum();
    assert!(
        r3.stdout == r1.stdout[tail_start..],
        "replay --from 5700: {}",
        first_difference(&r3.stdout, &r1.stdout[tail_start..])
    );
    assert_eq!(replay_report(&r3.stderr).state_hash, hash);
}
