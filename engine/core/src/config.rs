//! Engine limits and pre-sizing.

/// Limits and sizes fixed when the engine is created.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EngineConfig {
    /// Most open orders one account may hold (`too_many_orders` beyond).
    pub max_open_orders_per_account: u32,
    /// Most open orders the engine holds in all (`engine_capacity` beyond); the order arena is
    /// reserved for this many.
    pub capacity: u32,
    /// Client order ids to pre-size the id map for (ids are remembered forever).
    pub expected_client_ids: usize,
    /// Accounts to pre-size for.
    pub expected_accounts: usize,
    /// Price levels to pre-size each book side for.
    pub levels_per_side: usize,
}

impl Default for EngineConfig {
    fn default() -> Self {
        EngineConfig {
            max_open_orders_per_account: 10_000,
            capacity: 1_000_000,
            expected_client_ids: 1 << 16,
            expected_accounts: 1 << 10,
            levels_per_side: 64,
        }
    }
}
