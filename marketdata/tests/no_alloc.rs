//! Proves the feed allocates nothing per command after warm-up: a counting global allocator
//! watches `Feed::command` (books, updates, every channel kind open, top-n views) through a
//! second pass of a mixed workload after a first pass warmed its buffers.

mod support;

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use support::world::channels;
use support::{engine, Renderer, Rng};
use tradestream_marketdata::{Feed, FeedOut};

struct Counting;

static COUNTING: AtomicBool = AtomicBool::new(false);
static ALLOCS: AtomicU64 = AtomicU64::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if COUNTING.load(Ordering::Relaxed) {
            ALLOCS.fetch_add(1, Ordering::Relaxed);
        }
        // SAFETY: forwarded unchanged to the system allocator.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded unchanged to the system allocator.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if COUNTING.load(Ordering::Relaxed) {
            ALLOCS.fetch_add(1, Ordering::Relaxed);
        }
        // SAFETY: forwarded unchanged to the system allocator.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

const INSTRUMENTS: u8 = 3;

#[test]
fn feed_allocates_nothing_per_command_after_warm_up() {
    const N: usize = 50_000;
    let mut engine = engine(INSTRUMENTS as usize);
    let mut feed = Feed::new(INSTRUMENTS as usize, 4096);
    for ch in channels(INSTRUMENTS) {
        feed.open(ch).unwrap();
    }
    let mut out = FeedOut::with_capacity(1024, 4096);
    let mut events = Vec::with_capacity(engine.max_events_per_command().min(1 << 16));
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut renderer = Renderer::default();
    let mut pass = |counting: bool| {
        let mut messages = 0;
        for _ in 0..N {
            let (cmd, ts) = renderer.render(&rng.op(INSTRUMENTS));
            events.clear();
            engine.apply(&cmd, ts, &mut events);
            COUNTING.store(counting, Ordering::SeqCst);
            feed.command(&events, ts, &mut out);
            messages += out.len();
            COUNTING.store(false, Ordering::SeqCst);
        }
        messages
    };
    let warm = pass(false);
    let measured = pass(true);
    assert!(
        warm > N && measured > N,
        "too few messages: {warm}, {measured}"
    );
    assert_eq!(
        ALLOCS.load(Ordering::SeqCst),
        0,
        "allocations after warm-up"
    );
}
