//! Market-maker quotes and protections through the journal: a live run, `replay --verify` and
//! recovery (from snapshots taken while quotes rest and protections are frozen) agree with a
//! plain engine, event for event and hash for hash.

mod support;

use support::{commands, durable_config, replay_all, verify_opts, Clean, Stamped, ACCOUNTS};
use tradestream_durable::DurableEngine;
use tradestream_journal::sim::{SimDisk, SimRng};
use tradestream_journal::FsyncPolicy;
use tradestream_model::{
    AccountId, CancelReason, ClientOrderId, Command, Event, InstrumentId, Price, ProtectionLimits,
    Qty, Quote, QuoteSide, RejectReason,
};

/// Accounts that quote (the generated stream's other commands use them too).
const MAKERS: u64 = 4;

fn id(s: String) -> ClientOrderId {
    ClientOrderId::new(&s).expect("client id")
}

/// The generated stream of `seed` with, after the set-up, protections of every maker on both
/// instruments and then, about every third command, a quote (prices around the generated
/// market's, some one-sided or crossed), a protection reset or a protection change.
fn with_quotes(seed: u64, n: usize) -> Vec<Stamped> {
    let base = commands(seed, n);
    let setup = 2 + 3 * ACCOUNTS as usize;
    let mut rng = SimRng::new(seed ^ 0x9007);
    let mut out = Vec::with_capacity(2 * n);
    let mut k = 0u64;
    for (i, (cmd, ts)) in base.into_iter().enumerate() {
        if i == setup {
            for a in 0..MAKERS {
                for inst in 0..2 {
                    let limits = ProtectionLimits {
                        window_ms: 50,
                        max_filled: 60 + 20 * a as i64,
                        max_delta: 40,
                        freeze_ms: [0, 30][a as usize % 2],
                    };
                    let account = AccountId(a);
                    let instrument = InstrumentId(inst);
                    out.push((
                        Command::SetProtection {
                            account,
                            instrument,
                            limits,
                        },
                        ts,
                    ));
                }
            }
        }
        if i > setup && rng.chance(1, 3) {
            k += 1;
            let account = AccountId(rng.below(MAKERS));
            let instrument = InstrumentId(rng.below(2) as u32);
            let op = match rng.below(20) {
                0 => Command::ResetProtection {
                    account,
                    instrument,
                },
                1 => Command::SetProtection {
                    account,
                    instrument,
                    limits: ProtectionLimits {
                        window_ms: 20 + rng.below(50),
                        max_filled: rng.below(3) as i64 * 40,
                        max_delta: rng.below(3) as i64 * 30,
                        freeze_ms: rng.below(40),
                    },
                },
                _ => {
                    let mid = 995 + rng.below(11) as i64;
                    let bid = mid - 1 - rng.below(4) as i64;
                    let ask = match rng.below(15) {
                        0 => bid,
                        _ => mid + 1 + rng.below(4) as i64,
                    };
                    let side = |rng: &mut SimRng, price: i64| QuoteSide {
                        price: Price(price),
                        qty: Qty(rng.below(30) as i64),
                    };
                    Command::Quote(Quote {
                        account,
                        instrument: Some(instrument),
                        id: id(format!("q{k}")),
                        bid_id: id(format!("q{k}b")),
                        ask_id: id(format!("q{k}a")),
                        bid: side(&mut rng, bid),
                        ask: side(&mut rng, ask),
                    })
                }
            };
            out.push((op, ts));
        }
        out.push((cmd, ts));
    }
    out
}

#[test]
fn quotes_and_protections_journal_replay_and_recover_to_the_same_state() {
    // Quoted, tripped, refused while frozen, replaced, cancelled by a trip.
    let mut seen = [0usize; 5];
    for seed in 0..8u64 {
        let cmds = with_quotes(seed, 600);
        let every = [0, 40][seed as usize % 2];
        let config = durable_config(8192, 64, FsyncPolicy::Always, every, 2);
        let clean = Clean::run(config.engine, &cmds);
        for e in clean.events.iter().flatten() {
            match e {
                Event::Quoted { .. } => seen[0] += 1,
                Event::ProtectionTripped { .. } => seen[1] += 1,
                Event::Rejected {
                    reason: RejectReason::MmProtection,
                    ..
                } => seen[2] += 1,
                Event::Cancelled {
                    reason: CancelReason::Replaced,
                    ..
                } => seen[3] += 1,
                Event::Cancelled {
                    reason: CancelReason::Protection,
                    ..
                } => seen[4] += 1,
                _ => {}
            }
        }
        let disk = SimDisk::new();
        let (mut engine, rec) = DurableEngine::open(disk.clone(), config.clone()).expect("open");
        assert!(rec.created);
        let mut events = Vec::new();
        for (cmd, ts) in &cmds {
            engine.apply(cmd, *ts, &mut events).expect("apply");
        }
        let hash = engine.engine().state_hash();
        engine.close().expect("close");
        let n = cmds.len();
        assert_eq!(hash, clean.hashes[n], "seed {seed}: live and plain engine");
        assert_eq!(events, clean.events.concat(), "seed {seed}: live events");
        let (summary, derived) = replay_all(&disk, verify_opts()).expect("replay --verify");
        assert_eq!(summary.state_hash, hash, "seed {seed}: replayed state hash");
        support::assert_clean_prefix(&clean, &derived, n as u64 + 1, &format!("seed {seed}"));
        let (engine, rec) = DurableEngine::open(disk, config.clone()).expect("reopen");
        assert_eq!(engine.engine().state_hash(), hash, "seed {seed}: recovered");
        if every > 0 {
            assert!(rec.snapshot_seq.is_some(), "seed {seed}: from a snapshot");
        }
        engine.close().expect("close");
    }
    assert!(
        seen.iter().all(|&k| k > 20),
        "the stream must reach quotes, trips, frozen rejects, replacements and trip cancels: \
         {seen:?}"
    );
}
