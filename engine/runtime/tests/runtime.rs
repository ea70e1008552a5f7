//! The engine thread end to end: requests in through a port, items out, durability gating,
//! account snapshots, GTD expiry, graceful stop with a snapshot.

mod support;

use std::time::{Duration, Instant};
use support::*;
use tradestream_journal::FsyncPolicy;
use tradestream_model::{AccountId, CancelReason, Event, Side, TimeInForce, Timestamp};
use tradestream_runtime::{AckMode, DoneKind, Output, Request};

#[test]
fn durable_mode_releases_nothing_before_the_watermark_covers_it() {
    let dir = tempfile::tempdir().unwrap();
    let engine = engine(dir.path(), FsyncPolicy::Always);
    let watermark = engine.watermark();
    let (handle, mut port, wake) = start(engine, AckMode::Durable);
    let mut cmds = setup();
    for i in 0..200 {
        let side = if i % 2 == 0 { Side::Buy } else { Side::Sell };
        cmds.push(order(
            1 + (i % 2),
            &format!("o{i}"),
            side,
            100,
            1,
            TimeInForce::Gtc,
        ));
    }
    let n = cmds.len();
    for (tag, c) in cmds.into_iter().enumerate() {
        port.submit(7, tag as u64, Request::Command(c)).unwrap();
    }
    let mut got = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut done = 0;
    while done < n {
        assert!(Instant::now() < deadline);
        if let Some(out) = port.poll() {
            assert!(
                out.seq <= watermark.get(),
                "item of seq {} released before durable {}",
                out.seq,
                watermark.get()
            );
            if let Output::Done(k) = out.output {
                assert_eq!(k, DoneKind::Applied);
                done += 1;
            }
            got.push(out);
        }
    }
    // Every request answered once, in submission order, with increasing sequence numbers.
    let dones: Vec<_> = got
        .iter()
        .filter(|o| matches!(o.output, Output::Done(_)))
        .collect();
    for (i, d) in dones.iter().enumerate() {
        let o = d.origin.unwrap();
        assert_eq!((o.gateway, o.session, o.tag), (0, 7, i as u64));
    }
    assert!(dones.windows(2).all(|w| w[0].seq < w[1].seq));
    let trades = got
        .iter()
        .filter(|o| matches!(o.output, Output::Event(Event::Trade { .. })))
        .count();
    assert_eq!(trades, 100, "each sell meets the buy before it");
    // Balances follow each trade's events: both accounts, both assets.
    let balances = got
        .iter()
        .filter(|o| matches!(o.output, Output::Balance { .. }))
        .count();
    assert!(balances >= 400, "{balances}");
    assert!(wake.0.load(std::sync::atomic::Ordering::Relaxed) > 0);
    let m = handle.metrics().clone();
    handle.stop(false).unwrap();
    assert_eq!(
        m.commands.load(std::sync::atomic::Ordering::Relaxed),
        n as u64
    );
    assert_eq!(m.trades.load(std::sync::atomic::Ordering::Relaxed), 100);
}

#[test]
fn fast_mode_answers_and_snapshots_reflect_the_sequence() {
    let dir = tempfile::tempdir().unwrap();
    let (handle, mut port, _) = start(engine(dir.path(), FsyncPolicy::Never), AckMode::Fast);
    let mut cmds = setup();
    cmds.push(order(1, "a", Side::Buy, 90, 3, TimeInForce::Gtc));
    cmds.push(order(1, "b", Side::Buy, 91, 2, TimeInForce::Gtc));
    let n = cmds.len();
    for (tag, c) in cmds.into_iter().enumerate() {
        port.submit(1, tag as u64, Request::Command(c)).unwrap();
    }
    port.submit(1, 99, Request::AccountSnapshot(AccountId(1)))
        .unwrap();
    let mut got = Vec::new();
    collect(&mut port, n + 1, &mut got);
    let snap: Vec<_> = got
        .iter()
        .skip_while(|o| o.origin.map(|x| x.tag) != Some(99))
        .collect();
    let orders: Vec<_> = snap
        .iter()
        .filter_map(|o| match o.output {
            Output::Order(o) => Some(o.id.as_str().to_string()),
            _ => None,
        })
        .collect();
    assert_eq!(orders, ["a", "b"], "acceptance order");
    let balances = snap
        .iter()
        .filter(|o| matches!(o.output, Output::Balance { .. }))
        .count();
    assert_eq!(balances, 2, "one per asset the engine knows");
    let last = snap.last().unwrap();
    assert!(matches!(last.output, Output::Done(DoneKind::Snapshot)));
    assert_eq!(
        last.seq,
        n as u64 + 1,
        "snapshot taken after the genesis record and every command"
    );
    handle.stop(false).unwrap();
}

#[test]
fn gtd_orders_expire_by_an_injected_journaled_time_command() {
    let dir = tempfile::tempdir().unwrap();
    let (handle, mut port, _) = start(engine(dir.path(), FsyncPolicy::Always), AckMode::Durable);
    let mut cmds = setup();
    let expiry = tradestream_runtime::wall_ms() + 100;
    cmds.push(order(
        1,
        "gtd",
        Side::Buy,
        90,
        1,
        TimeInForce::Gtd(Timestamp(expiry)),
    ));
    let n = cmds.len();
    for (tag, c) in cmds.into_iter().enumerate() {
        port.submit(1, tag as u64, Request::Command(c)).unwrap();
    }
    let mut got = Vec::new();
    collect(&mut port, n, &mut got);
    let deadline = Instant::now() + Duration::from_secs(10);
    let expired = loop {
        assert!(Instant::now() < deadline, "the GTD order never expired");
        match port.poll() {
            Some(out) => {
                if let Output::Event(Event::Cancelled {
                    reason: CancelReason::Expired,
                    ..
                }) = out.output
                {
                    break out;
                }
            }
            None => std::thread::sleep(Duration::from_millis(1)),
        }
    };
    assert!(expired.origin.is_none(), "the runtime injected it");
    assert!(expired.ts.0 >= expiry);
    handle.stop(false).unwrap();
}

#[test]
fn a_graceful_stop_writes_a_snapshot_and_a_restart_keeps_open_orders() {
    let dir = tempfile::tempdir().unwrap();
    let (handle, mut port, _) = start(engine(dir.path(), FsyncPolicy::Always), AckMode::Durable);
    let mut cmds = setup();
    cmds.push(order(1, "keep", Side::Buy, 90, 3, TimeInForce::Gtc));
    let n = cmds.len();
    for (tag, c) in cmds.into_iter().enumerate() {
        port.submit(1, tag as u64, Request::Command(c)).unwrap();
    }
    let mut got = Vec::new();
    collect(&mut port, n, &mut got);
    let report = handle.stop(true).unwrap();
    assert!(report.snapshot);
    assert_eq!(report.last_seq, n as u64 + 1);
    assert!(port.finished());
    let config = tradestream_durable::DurableConfig {
        engine: tradestream_engine::EngineConfig::default(),
        journal: tradestream_journal::JournalConfig::new(""),
        fsync: FsyncPolicy::Always,
        snapshot_every: 0,
        keep_snapshots: 2,
        prefault: false,
    };
    let (engine, recovered) = tradestream_durable::DurableEngine::open(
        tradestream_journal::FsStorage::new(dir.path()),
        config,
    )
    .unwrap();
    assert_eq!(recovered.snapshot_seq, Some(report.last_seq));
    assert_eq!(recovered.replayed, 0);
    let open: Vec<_> = engine
        .engine()
        .account_orders(AccountId(1))
        .map(|o| o.id.as_str().to_string())
        .collect();
    assert_eq!(open, ["keep"]);
    engine.close().unwrap();
}

#[test]
fn after_stop_submits_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (handle, mut port, _) = start(engine(dir.path(), FsyncPolicy::Never), AckMode::Fast);
    handle.stop_accepting();
    let e = port
        .submit(1, 1, Request::AccountSnapshot(AccountId(1)))
        .unwrap_err();
    assert_eq!(e, tradestream_runtime::SubmitError::Stopped);
    handle.stop(false).unwrap();
}
