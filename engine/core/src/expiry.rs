//! GTD expiries: a pre-sized min-heap of (expire, order id), earliest first, then in acceptance
//! order. Closed orders leave stale entries that are skipped when popped and swept out when they
//! outnumber the live ones. Stale entries at the top are popped as soon as their order closes,
//! so after every command the top entry (if any) is a live order: the next expiry is a peek.

use crate::arena::{Arena, Handle};
use std::cmp::Reverse;
use std::collections::BinaryHeap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Entry {
    expire: i64,
    order_id: u64,
    slot: u32,
    gen: u32,
}

/// Pending expiries.
pub struct Expiries {
    heap: BinaryHeap<Reverse<Entry>>,
    live: usize,
}

impl Expiries {
    /// Pre-sized for `capacity` entries.
    pub fn with_capacity(capacity: usize) -> Expiries {
        Expiries {
            heap: BinaryHeap::with_capacity(capacity),
            live: 0,
        }
    }

    /// Touches the heap's reserved memory (only while it is empty), so the hot path never
    /// faults it in.
    pub fn prefault(&mut self) {
        if self.heap.is_empty() {
            let blank = Reverse(Entry {
                expire: 0,
                order_id: 0,
                slot: 0,
                gen: 0,
            });
            let mut v = std::mem::take(&mut self.heap).into_vec();
            v.resize(v.capacity(), blank);
            v.clear();
            // An empty vector is a valid heap: no rebuild.
            self.heap = BinaryHeap::from(v);
        }
    }

    /// Registers a resting GTD order.
    pub fn push(&mut self, expire: i64, order_id: u64, h: Handle) {
        self.heap.push(Reverse(Entry {
            expire,
            order_id,
            slot: h.slot,
            gen: h.gen,
        }));
        self.live += 1;
    }

    /// Notes that a GTD order closed (its slot already freed); drops stale entries from the top
    /// and sweeps them all out when they dominate.
    pub fn closed(&mut self, arena: &Arena) {
        self.live -= 1;
        while self
            .heap
            .peek()
            .is_some_and(|Reverse(e)| !is_live(e, arena))
        {
            self.heap.pop();
        }
        if self.heap.len() > 2 * self.live + 1024 {
            self.heap.retain(|Reverse(e)| {
                arena
                    .resolve(Handle {
                        slot: e.slot,
                        gen: e.gen,
                    })
                    .is_some()
            });
        }
    }

    /// The earliest expiry of an open order. O(1) while the top entry is live (always so between
    /// commands); otherwise the live entries are searched.
    pub fn next(&self, arena: &Arena) -> Option<i64> {
        match self.heap.peek() {
            None => None,
            Some(Reverse(e)) if is_live(e, arena) => Some(e.expire),
            Some(_) => self
                .heap
                .iter()
                .filter(|Reverse(e)| is_live(e, arena))
                .map(|Reverse(e)| e.expire)
                .min(),
        }
    }

    /// The slot of the next open order whose expiry is at or before `now`.
    pub fn pop_due(&mut self, now: i64, arena: &Arena) -> Option<u32> {
        while let Some(Reverse(e)) = self.heap.peek().copied() {
            if e.expire > now {
                return None;
            }
            self.heap.pop();
            if let Some(slot) = arena.resolve(Handle {
                slot: e.slot,
                gen: e.gen,
            }) {
                if arena.get(slot).order_id.0 == e.order_id {
                    return Some(slot);
                }
            }
        }
        None
    }
}

/// True when the entry's order is still open.
fn is_live(e: &Entry, arena: &Arena) -> bool {
    arena
        .resolve(Handle {
            slot: e.slot,
            gen: e.gen,
        })
        .is_some_and(|slot| arena.get(slot).order_id.0 == e.order_id)
}
