//! The order arena: pre-sized slots with a free list, addressed by slot plus generation.

use tradestream_model::{
    ClientOrderId, OrderId, Price, Qty, SelfTradePrevention, Side, TimeInForce, Timestamp,
};

/// No slot (end of an intrusive list).
pub const NIL: u32 = u32::MAX;

/// A reference to an order that stays valid only while that order is open: the slot plus the
/// generation the slot had when the order took it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Handle {
    /// Slot index.
    pub slot: u32,
    /// Generation of the slot.
    pub gen: u32,
}

impl Handle {
    /// A handle that never resolves: an order that is no longer (or never was) open.
    pub const CLOSED: Handle = Handle { slot: NIL, gen: 0 };
}

/// An open order.
#[derive(Debug, Clone, Copy)]
pub struct Order {
    /// Engine order id.
    pub order_id: OrderId,
    /// Owner (account index).
    pub account: u32,
    /// Instrument index.
    pub instrument: u32,
    /// Client order id.
    pub id: ClientOrderId,
    /// Side.
    pub side: Side,
    /// Limit price.
    pub price: Price,
    /// Total quantity.
    pub qty: Qty,
    /// Open quantity.
    pub leaves: Qty,
    /// Time in force (GTC or GTD once resting).
    pub tif: TimeInForce,
    /// Post-only flag.
    pub post_only: bool,
    /// Reduce-only (derivatives): amends that add quantity are checked against the position.
    pub reduce_only: bool,
    /// Self-trade prevention of this order.
    pub stp: SelfTradePrevention,
    /// Sequencer time of acceptance.
    pub entered: Timestamp,
    /// Previous order in the price level.
    pub prev: u32,
    /// Next order in the price level.
    pub next: u32,
}

impl Order {
    /// An order with every field empty: the filler of unused slots, and a base for tests.
    pub fn blank() -> Order {
        Order {
            order_id: OrderId(0),
            account: NIL,
            instrument: 0,
            id: ClientOrderId::new("-").expect("a one-byte id fits"),
            side: Side::Buy,
            price: Price(0),
            qty: Qty(0),
            leaves: Qty(0),
            tif: TimeInForce::Gtc,
            post_only: false,
            reduce_only: false,
            stp: SelfTradePrevention::None,
            entered: Timestamp(0),
            prev: NIL,
            next: NIL,
        }
    }
}

/// Cache-line aligned so that an order spans as few lines as possible.
#[repr(align(64))]
struct Slot {
    gen: u32,
    live: bool,
    order: Order,
}

/// Pre-sized storage for open orders.
pub struct Arena {
    slots: Vec<Slot>,
    free: Vec<u32>,
    capacity: u32,
    live: u32,
}

impl Arena {
    /// Reserves room for `capacity` open orders (memory is touched only as slots are used).
    pub fn with_capacity(capacity: u32) -> Arena {
        Arena {
            slots: Vec::with_capacity(capacity as usize),
            free: Vec::with_capacity(capacity as usize),
            capacity,
            live: 0,
        }
    }

    /// Writes every slot up to the capacity and puts them all on the free list, so that no page
    /// of the arena is first touched on the hot path.
    pub fn prefault(&mut self) {
        let blank = Order::blank();
        while self.slots.len() < self.capacity as usize {
            // Slots beyond the current length were never handed out, so none is on the free list.
            self.free.push(self.slots.len() as u32);
            self.slots.push(Slot {
                gen: 0,
                live: false,
                order: blank,
            });
        }
        // Hand out low slots first.
        self.free.sort_unstable_by(|a, b| b.cmp(a));
    }

    /// Open orders.
    pub fn live(&self) -> u32 {
        self.live
    }

    /// True when no slot is left.
    pub fn is_full(&self) -> bool {
        self.live >= self.capacity
    }

    /// Stores an order; the caller checked [`Arena::is_full`].
    pub fn insert(&mut self, order: Order) -> Handle {
        self.live += 1;
        if let Some(slot) = self.free.pop() {
            let s = &mut self.slots[slot as usize];
            s.live = true;
            s.order = order;
            Handle { slot, gen: s.gen }
        } else {
            let slot = self.slots.len() as u32;
            self.slots.push(Slot {
                gen: 0,
                live: true,
                order,
            });
            Handle { slot, gen: 0 }
        }
    }

    /// Frees a slot; every handle to it stops resolving.
    pub fn remove(&mut self, slot: u32) {
        let s = &mut self.slots[slot as usize];
        debug_assert!(s.live);
        s.live = false;
        s.gen = s.gen.wrapping_add(1);
        self.free.push(slot);
        self.live -= 1;
    }

    /// The slot of an open order, if the handle still refers to one.
    pub fn resolve(&self, h: Handle) -> Option<u32> {
        let s = self.slots.get(h.slot as usize)?;
        (s.live && s.gen == h.gen).then_some(h.slot)
    }

    /// The order in a live slot.
    pub fn get(&self, slot: u32) -> &Order {
        &self.slots[slot as usize].order
    }

    /// The order in a live slot, mutably.
    pub fn get_mut(&mut self, slot: u32) -> &mut Order {
        &mut self.slots[slot as usize].order
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn order(n: u64) -> Order {
        Order {
            order_id: OrderId(n),
            price: Price(1),
            qty: Qty(1),
            leaves: Qty(1),
            ..Order::blank()
        }
    }

    #[test]
    fn stale_handles_stop_resolving_when_a_slot_is_reused() {
        let mut a = Arena::with_capacity(2);
        let h1 = a.insert(order(1));
        assert_eq!(a.resolve(h1), Some(h1.slot));
        a.remove(h1.slot);
        assert_eq!(a.resolve(h1), None);
        let h2 = a.insert(order(2));
        assert_eq!(h2.slot, h1.slot, "the freed slot is reused");
        assert_ne!(h2.gen, h1.gen);
        assert_eq!(a.resolve(h1), None);
        assert_eq!(a.get(a.resolve(h2).unwrap()).order_id, OrderId(2));
        assert_eq!(a.resolve(Handle::CLOSED), None);
    }

    #[test]
    fn capacity_is_counted_in_live_orders() {
        let mut a = Arena::with_capacity(2);
        let h = a.insert(order(1));
        a.insert(order(2));
        assert!(a.is_full());
        a.remove(h.slot);
        assert!(!a.is_full());
        assert_eq!(a.live(), 1);
    }
}
