//! SIGKILL at random points of `tradestream simulate --journal`, with real processes and files.
//!
//! A large seeded stream of command lines is run once cleanly (plain, and journaled, then
//! replayed) to get the reference outputs. Then workers each drive one journal: start
//! `simulate --journal DIR --fsync batch` on the rest of the stream (everything after what the
//! journal holds), SIGKILL it after a seeded random delay (often within the first tens of
//! milliseconds, so some kills land in start-up and recovery; otherwise anywhere in the run,
//! snapshots included), and check, after every kill:
//!
//! - everything the child printed (events are printed only once durable) is, byte for byte once
//!   its `seq` is rebased from the child's line numbers to the stream's, a prefix of the clean
//!   output from that point;
//! - `replay --verify --events` of the killed journal passes, its events are exactly the clean
//!   journal's events up to its last sequence number, which covers the last line printed and
//!   never falls below what was recovered before;
//! - its final state hash equals `simulate --state-hash` run cleanly on that prefix of lines;
//! - the next child recovers exactly that sequence number (it says so on stderr).
//!
//! When a child finishes the stream before its kill, its whole output and the journal are
//! checked against the clean run and the worker starts a new journal.
//!
//! `CRASH_KILLS` (default 100) sets the number of kills, `CRASH_JOBS` (default 2) the parallel
//! workers, `CRASH_LINES` (default 20000) the stream length, `CRASH_SEED` the seed (default:
//! from the clock; printed), `CRASH_DEBUG=1` prints one line per kill. Kill times are real time,
//! so a seed fixes the stream and the delays but not exactly where each kill lands.
//! `scripts/crash-soak.sh` runs 1,000 kills.

use std::io::Read as _;
use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::{
    command_stream, env_u64, first_difference, first_lines, rebase, replay_report, run, run_ok,
    seed_from_env, seq_of, simulate_state_hash, skip_lines, Rng, TempDir, BIN,
};

/// The reference: the stream and what clean runs of it print.
struct Clean {
    stream: String,
    lines: usize,
    /// `simulate` output (seq = line number).
    out: Vec<u8>,
    /// `out_after[k]`: offset in `out` of the first event of a line after line `k`.
    out_after: Vec<usize>,
    /// `replay --events` of a clean journal (seq = journal sequence number = line + 1).
    replay: Vec<u8>,
    /// `replay_upto[s]`: offset in `replay` of the first event of a record after `s`.
    replay_upto: Vec<usize>,
    final_hash: String,
    /// Wall time of the clean journaled run.
    journaled_run: Duration,
    /// Wall time of recovering the whole clean journal (a run with no input).
    recovery: Duration,
}

/// `offsets[k]`: offset of the first line whose seq is above `k`, for `k` in `0..=max`.
fn index_by_seq(out: &[u8], max: usize) -> Vec<usize> {
    let mut offsets = vec![out.len(); max + 1];
    let (mut pos, mut k) = (0, 0);
    for line in out.split_inclusive(|&b| b == b'\n') {
        let seq = seq_of(line);
        while k < seq && k <= max {
            offsets[k] = pos;
            k += 1;
        }
        pos += line.len();
    }
    offsets
}

fn clean_runs(tmp: &TempDir, seed: u64, lines: usize) -> Clean {
    let stream = command_stream(seed, lines);
    let path = tmp.join("stream.jsonl");
    std::fs::write(&path, &stream).expect("write stream");
    let input = path.to_str().expect("utf-8 path");
    let plain = run_ok(&["simulate", "--input", input, "--state-hash"]);
    let final_hash = simulate_state_hash(&plain.stderr);
    let dir = tmp.join("clean-journal");
    let started = Instant::now();
    let journaled = run_ok(&[
        "simulate",
        "--input",
        input,
        "--state-hash",
        "--journal",
        dir.to_str().expect("path"),
        "--snapshot-every",
        "1000",
    ]);
    let journaled_run = started.elapsed();
    assert!(
        journaled.stdout == plain.stdout,
        "journaling changed the output: {}",
        first_difference(&plain.stdout, &journaled.stdout)
    );
    assert_eq!(
        simulate_state_hash(&journaled.stderr),
        final_hash,
        "journaled run state hash"
    );
    let replay = run_ok(&[
        "replay",
        "--journal",
        dir.to_str().expect("path"),
        "--verify",
        "--events",
    ]);
    let report = replay_report(&replay.stderr);
    assert_eq!(
        report.last_seq,
        lines as u64 + 1,
        "every line is a command: journal = lines + genesis"
    );
    assert_eq!(report.state_hash, final_hash, "replayed state hash");
    let empty = tmp.join("empty.jsonl");
    std::fs::write(&empty, "").expect("write");
    let started = Instant::now();
    let recovered = run_ok(&[
        "simulate",
        "--input",
        empty.to_str().expect("path"),
        "--journal",
        dir.to_str().expect("path"),
    ]);
    let recovery = started.elapsed();
    assert!(recovered.stdout.is_empty());
    let out_after = index_by_seq(&plain.stdout, lines);
    let replay_upto = index_by_seq(&replay.stdout, lines + 1);
    Clean {
        stream,
        lines,
        out: plain.stdout,
        out_after,
        replay: replay.stdout,
        replay_upto,
        final_hash,
        journaled_run,
        recovery,
    }
}

/// What the kills reached.
#[derive(Debug, Default, Clone)]
struct Stats {
    kills: u64,
    completed_runs: u64,
    /// Killed before it printed anything or the journal advanced (start-up, recovery).
    early: u64,
    /// Killed before it had reported its recovery, on an existing journal.
    in_recovery: u64,
    /// Killed before the genesis record was written.
    before_genesis: u64,
    /// A snapshot `.tmp` file was left behind.
    mid_snapshot: u64,
    /// Replay saw a torn tail.
    torn: u64,
    /// The journal was past three quarters of the stream.
    late: u64,
}

impl Stats {
    fn add(&mut self, o: &Stats) {
        self.kills += o.kills;
        self.completed_runs += o.completed_runs;
        self.early += o.early;
        self.in_recovery += o.in_recovery;
        self.before_genesis += o.before_genesis;
        self.mid_snapshot += o.mid_snapshot;
        self.torn += o.torn;
        self.late += o.late;
    }
}

/// A finished child: what it printed and how it ended.
struct Child {
    stdout: Vec<u8>,
    stderr: String,
    killed: bool,
    /// When it reported its recovery, after the spawn.
    recovered_after: Option<Duration>,
}

/// Runs `simulate --journal` on `rest`, killing it with SIGKILL after `delay` (unless it finished).
fn run_and_kill(dir: &Path, rest: &Path, snapshot_every: u64, keep: u64, delay: Duration) -> Child {
    let mut child = Command::new(BIN)
        .args(["simulate", "--journal"])
        .arg(dir)
        .arg("--input")
        .arg(rest)
        .args([
            "--fsync",
            "batch",
            "--snapshot-every",
            &snapshot_every.to_string(),
            "--keep-snapshots",
            &keep.to_string(),
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn simulate");
    let mut out = child.stdout.take().expect("stdout");
    let mut err = child.stderr.take().expect("stderr");
    let reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = out.read_to_end(&mut buf);
        buf
    });
    let spawned = Instant::now();
    let err_reader = std::thread::spawn(move || {
        let mut buf = String::new();
        let mut when = None;
        let mut lines = std::io::BufReader::new(&mut err);
        loop {
            match std::io::BufRead::read_line(&mut lines, &mut buf) {
                Ok(0) | Err(_) => break,
                Ok(_) if when.is_none() && buf.contains("recovered journal") => {
                    when = Some(spawned.elapsed())
                }
                Ok(_) => {}
            }
        }
        (buf, when)
    });
    std::thread::sleep(delay);
    // Child::kill sends SIGKILL on Unix; harmless if the child already exited.
    let _ = child.kill();
    let status = child.wait().expect("wait");
    let stdout = reader.join().expect("stdout reader");
    let (stderr, recovered_after) = err_reader.join().expect("stderr reader");
    const SIGKILL: i32 = 9;
    let killed = status.signal() == Some(SIGKILL);
    assert!(
        killed || status.success(),
        "simulate --journal failed ({status}): {stderr}"
    );
    Child {
        stdout,
        stderr,
        killed,
        recovered_after,
    }
}

/// Snapshot temporary files in `dir` with their sizes and modification times.
fn snapshot_tmps(dir: &Path) -> Vec<(std::ffi::OsString, u64, Option<std::time::SystemTime>)> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .map(|e| {
            let meta = e.metadata().ok();
            (
                e.file_name(),
                meta.as_ref().map_or(0, |m| m.len()),
                meta.and_then(|m| m.modified().ok()),
            )
        })
        .collect()
}

/// The sequence number a child said it recovered to, if it got that far.
fn recovered_to(stderr: &str) -> Option<u64> {
    let rest = stderr.split("recovered journal to sequence ").nth(1)?;
    rest.split_whitespace().next()?.parse().ok()
}

/// One worker: kills children on its own journal until it has `quota` kills.
fn worker(clean: &Clean, tmp: &TempDir, seed: u64, id: u64, quota: u64) -> Stats {
    let mut rng = Rng::new(seed.wrapping_add(id.wrapping_mul(0x9E37_79B9_7F4A_7C15)));
    let mut stats = Stats::default();
    let rest_path = tmp.join(&format!("rest-{id}.jsonl"));
    let prefix_path = tmp.join(&format!("prefix-{id}.jsonl"));
    // Kill times: in start-up, in or just after recovery, or anywhere in a run after recovery
    // (a child that finishes first closes the cycle).
    // The recovery estimate follows what the children report (it grows with the journal and
    // with the machine's load).
    let mut recovery = (clean.recovery.as_millis() as u64).clamp(20, 1000);
    let run_time = (clean.journaled_run.as_millis() as u64).clamp(100, 2000);
    let mut hashed: Option<(u64, String)> = None;
    let mut cycle = 0;
    while stats.kills < quota {
        cycle += 1;
        let dir = tmp.join(&format!("journal-{id}-{cycle}"));
        // The journal's last sequence number (1: genesis only, or nothing yet).
        let mut last = 1u64;
        let mut kill_in_cycle = 0;
        loop {
            let done = (last - 1) as usize;
            std::fs::write(&rest_path, skip_lines(&clean.stream, done)).expect("write rest");
            let remaining = run_time * (clean.lines - done) as u64 / clean.lines as u64;
            let delay = match rng.below(10) {
                0 | 1 => rng.below(60),
                2 | 3 => rng.below(recovery + 30),
                _ => recovery + rng.below(remaining + 30),
            };
            let tmp_before = snapshot_tmps(&dir);
            let journal_existed = dir.join("00000000000000000001.seg").exists();
            let every = [500, 1000, 2500][rng.below(3) as usize];
            let keep = rng.range(1, 3);
            let child = run_and_kill(&dir, &rest_path, every, keep, Duration::from_millis(delay));
            let what = format!("seed {seed} worker {id} cycle {cycle} kill {kill_in_cycle} (journal at {last}, killed after {delay} ms, snapshot every {every})");
            if std::env::var("CRASH_DEBUG").is_ok() {
                eprintln!("DBG w{id} delay {delay} rec_est {recovery} recovered_after {:?} existed {journal_existed} killed {} printed {} last {last}", child.recovered_after, child.killed, child.stdout.len());
            }
            match (child.recovered_after, journal_existed) {
                (Some(t), true) => recovery = (3 * recovery + t.as_millis() as u64) / 4,
                // Killed before it recovered: recovery takes longer than that.
                (None, true) if child.killed => recovery = recovery.max(delay + 20).min(1000),
                _ => {}
            }
            if let Some(r) = recovered_to(&child.stderr) {
                assert_eq!(
                    r, last,
                    "{what}: the child recovered a different end than replay saw; stderr: {}",
                    child.stderr
                );
            }
            // What the child printed, with seq rebased to the stream's line numbers.
            let (complete, partial) = rebase(&child.stdout, done as i64);
            let expected = &clean.out[clean.out_after[done]..];
            assert!(
                expected.starts_with(&complete),
                "{what}: printed output is not a prefix of the clean run: {}",
                first_difference(&complete, expected)
            );
            if let Some(p) = partial {
                assert!(
                    expected[complete.len()..].starts_with(&p),
                    "{what}: the partial last line differs from the clean run"
                );
            }
            let last_printed = complete.rsplit(|&b| b == b'\n').nth(1).map_or(done, seq_of);

            if !child.killed {
                // Finished before the kill: the whole rest, then a complete, clean journal.
                assert!(
                    complete == expected,
                    "{what}: a finished run printed something else: {}",
                    first_difference(&complete, expected)
                );
                let replay = run_ok(&[
                    "replay",
                    "--journal",
                    dir.to_str().expect("path"),
                    "--verify",
                    "--events",
                ]);
                let report = replay_report(&replay.stderr);
                assert_eq!(
                    report.last_seq,
                    clean.lines as u64 + 1,
                    "{what}: finished journal"
                );
                assert_eq!(
                    report.state_hash, clean.final_hash,
                    "{what}: finished state"
                );
                assert!(
                    replay.stdout == clean.replay,
                    "{what}: finished journal's events: {}",
                    first_difference(&replay.stdout, &clean.replay)
                );
                let inspect = run_ok(&["journal", "inspect", dir.to_str().expect("path")]);
                let text = String::from_utf8_lossy(&inspect.stdout);
                assert!(
                    text.contains(&format!("verdict: clean, last seq {}", clean.lines + 1)),
                    "{what}: {text}"
                );
                stats.completed_runs += 1;
                break;
            }
            stats.kills += 1;
            kill_in_cycle += 1;
            if !child.stderr.contains("recovered journal") && journal_existed {
                stats.in_recovery += 1;
            }
            // A snapshot being written when the kill landed leaves a new (or rewritten) `.tmp`.
            stats.mid_snapshot +=
                u64::from(snapshot_tmps(&dir).iter().any(|t| !tmp_before.contains(t)));

            let replay = run(&[
                "replay",
                "--journal",
                dir.to_str().expect("path"),
                "--verify",
                "--events",
            ]);
            if !replay.status.success() && last == 1 {
                // Killed while creating the journal: nothing may be in it yet.
                let inspect = run(&["journal", "inspect", dir.to_str().expect("path")]);
                let text = String::from_utf8_lossy(&inspect.stdout).to_string();
                let empty = !inspect.status.success()
                    || text.contains("last seq 0")
                    || text.contains("last valid seq 0");
                assert!(
                    empty && complete.is_empty(),
                    "{what}: replay failed on a journal that is not empty: {} / {text}",
                    String::from_utf8_lossy(&replay.stderr)
                );
                stats.before_genesis += 1;
                stats.early += 1;
                if stats.kills >= quota {
                    break;
                }
                continue;
            }
            assert!(
                replay.status.success(),
                "{what}: replay --verify failed after a kill: {}",
                String::from_utf8_lossy(&replay.stderr)
            );
            let report = replay_report(&replay.stderr);
            let now = report.last_seq;
            assert!(
                now >= last,
                "{what}: the journal went back from {last} to {now}"
            );
            assert!(now > last_printed as u64, "{what}: line {last_printed} was printed (so durable) but the journal ends at {now}");
            assert!(
                now <= clean.lines as u64 + 1,
                "{what}: journal beyond the stream"
            );
            let want = &clean.replay[..clean.replay_upto[now as usize]];
            assert!(
                replay.stdout == want,
                "{what}: recovered events are not the clean prefix up to {now}: {}",
                first_difference(&replay.stdout, want)
            );
            // The state hash of a clean run over the same prefix of lines.
            let clean_hash = match &hashed {
                Some((s, h)) if *s == now => h.clone(),
                _ => {
                    std::fs::write(&prefix_path, first_lines(&clean.stream, (now - 1) as usize))
                        .expect("write prefix");
                    let p = run_ok(&[
                        "simulate",
                        "--input",
                        prefix_path.to_str().expect("path"),
                        "--state-hash",
                    ]);
                    let want = &clean.out[..clean.out_after[(now - 1) as usize]];
                    assert!(
                        p.stdout == want,
                        "{what}: a clean run of the prefix printed something else"
                    );
                    let h = simulate_state_hash(&p.stderr);
                    hashed = Some((now, h.clone()));
                    h
                }
            };
            assert_eq!(
                report.state_hash,
                clean_hash,
                "{what}: replayed state differs from a clean run of the first {} lines",
                now - 1
            );
            stats.torn += u64::from(report.torn_bytes > 0);
            stats.early += u64::from(complete.is_empty() && now == last);
            stats.late += u64::from((now - 1) as usize * 4 >= clean.lines * 3);
            last = now;
            if stats.kills >= quota {
                break;
            }
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
    stats
}

#[test]
fn sigkill_at_random_points_loses_nothing_printed_and_recovers_a_clean_prefix() {
    let seed = seed_from_env("CRASH_SEED");
    let kills = env_u64("CRASH_KILLS", 100);
    let jobs = env_u64("CRASH_JOBS", 2).max(1);
    let lines = env_u64("CRASH_LINES", 20_000) as usize;
    eprintln!("crash test: seed {seed} (rerun with CRASH_SEED={seed}), {kills} kills, {jobs} workers, {lines} lines");
    let started = Instant::now();
    let tmp = TempDir::new("kill");
    let clean = clean_runs(&tmp, seed, lines);
    eprintln!(
        "clean runs done in {:.1?} (journaled run {:.1?}, recovery {:.1?})",
        started.elapsed(),
        clean.journaled_run,
        clean.recovery
    );
    let mut total = Stats::default();
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..jobs)
            .map(|id| {
                let quota = kills / jobs + u64::from(id < kills % jobs);
                let (clean, tmp) = (&clean, &tmp);
                s.spawn(move || worker(clean, tmp, seed, id, quota))
            })
            .collect();
        for h in handles {
            match h.join() {
                Ok(st) => total.add(&st),
                Err(e) => std::panic::resume_unwind(e),
            }
        }
    });
    eprintln!(
        "crash test seed {seed}: {total:?} in {:.1?}",
        started.elapsed()
    );
    assert_eq!(total.kills, kills, "every kill landed while the child ran");
    if kills >= 50 {
        assert!(
            total.early > 0,
            "some kills land in start-up or recovery: {total:?}"
        );
        assert!(
            total.late > 0,
            "some kills land late in the stream: {total:?}"
        );
    }
}
