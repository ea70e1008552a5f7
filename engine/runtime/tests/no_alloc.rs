//! The engine thread allocates nothing per request after warm-up: a counting global allocator
//! sees no allocation in the whole process while 50,000 requests flow through the runtime
//! (the test thread only submits pre-built commands and polls).

mod support;

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicU64, Ordering};
use support::*;
use tradestream_journal::FsyncPolicy;
use tradestream_model::{Command, Side, TimeInForce};
use tradestream_runtime::{AckMode, Out, Output, Request};

struct Counting;

static ALLOCS: AtomicU64 = AtomicU64::new(0);

// SAFETY: forwards to the system allocator; only counts.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: same contract as the caller's.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: same contract as the caller's.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: same contract as the caller's.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Submits `cmds` and polls until each is done, without allocating on this thread.
fn run(port: &mut tradestream_runtime::GatewayPort, cmds: &[Command], sink: &mut [Option<Out>]) {
    let mut next = 0;
    let mut done = 0;
    let mut k = 0;
    while done < cmds.len() {
        if next < cmds.len()
            && port
                .submit(1, next as u64, Request::Command(cmds[next]))
                .is_ok()
        {
            next += 1;
        }
        while let Some(out) = port.poll() {
            if matches!(out.output, Output::Done(_)) && out.origin.is_some() {
                done += 1;
            }
            sink[k % sink.len()] = Some(out);
            k += 1;
        }
    }
}

#[test]
fn the_runtime_allocates_nothing_per_request_after_warm_up() {
    let dir = tempfile::tempdir().unwrap();
    let (handle, mut port, _) = start(engine(dir.path(), FsyncPolicy::Never), AckMode::Durable);
    // Makers rest (warm-up); then takers trade with them (IOC buys) or miss (IOC sells below
    // the bids: none), and new resting orders are placed and cancelled at a bounded count.
    let mut warm = setup();
    for i in 0..500 {
        warm.push(order(
            2,
            &format!("m{i}"),
            Side::Sell,
            100 + i % 5,
            1_000_000,
            TimeInForce::Gtc,
        ));
    }
    let mut cmds = Vec::new();
    for i in 0..60_000u64 {
        let c = match i % 4 {
            0 | 1 => order(1, &format!("t{i}"), Side::Buy, 102, 1, TimeInForce::Ioc),
            2 => order(1, &format!("g{i}"), Side::Buy, 50, 1, TimeInForce::Gtc),
            _ => Command::Cancel {
                account: tradestream_model::AccountId(1),
                instrument: Some(tradestream_model::InstrumentId(0)),
                id: tradestream_model::ClientOrderId::new(&format!("g{}", i - 1)).unwrap(),
            },
        };
        cmds.push(c);
    }
    let mut sink = vec![None; 1024];
    run(&mut port, &warm, &mut sink);
    run(&mut port, &cmds[..10_000], &mut sink);
    let before = ALLOCS.load(Ordering::Relaxed);
    run(&mut port, &cmds[10_000..], &mut sink);
    let after = ALLOCS.load(Ordering::Relaxed);
    handle.stop(false).unwrap();
    assert_eq!(
        after - before,
        0,
        "allocations while 50,000 requests went through the engine thread"
    );
}
