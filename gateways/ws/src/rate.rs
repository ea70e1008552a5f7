//! Per-account order-rate limits in fixed windows, sans I/O (the caller passes `now_ms`).
//!
//! Each account may spend `limit` units per window. Windows are aligned to multiples of
//! `window_ms` since the Unix epoch (`[k x window_ms, (k + 1) x window_ms)`), so every account's
//! budget refills at the same instants and `reset_ms` is the next multiple. A clock that steps
//! back into an earlier window keeps the later window's count (no fresh budget from a clock step).

use std::collections::HashMap;
use tradestream_model::AccountId;

/// An account's budget, as the `rate_limit` object of the answers reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Budget {
    /// Units per window.
    pub limit: u32,
    /// Units left in the current window.
    pub remaining: u32,
    /// The window's length.
    pub window_ms: i64,
    /// When the current window ends and the budget refills (ms since the epoch).
    pub reset_ms: i64,
}

/// Usage of one account in one window.
#[derive(Debug, Clone, Copy)]
struct Usage {
    start_ms: i64,
    used: u32,
}

/// Per-account fixed-window counters.
#[derive(Debug, Clone)]
pub struct RateLimiter {
    limit: u32,
    window_ms: i64,
    accounts: HashMap<AccountId, Usage>,
}

impl RateLimiter {
    /// `limit` units per account per `window_ms` (at least 1 ms; smaller values count as 1).
    pub fn new(limit: u32, window_ms: i64) -> RateLimiter {
        RateLimiter {
            limit,
            window_ms: window_ms.max(1),
            accounts: HashMap::new(),
        }
    }

    /// Takes one unit of `account`'s budget: `Ok` with the budget left, or `Err` with the
    /// exhausted budget (then nothing is taken).
    pub fn try_take(&mut self, account: AccountId, now_ms: i64) -> Result<Budget, Budget> {
        let start = self.window_start(now_ms);
        let usage = self.accounts.entry(account).or_insert(Usage {
            start_ms: start,
            used: 0,
        });
        if start > usage.start_ms {
            *usage = Usage {
                start_ms: start,
                used: 0,
            };
        }
        let exhausted = usage.used >= self.limit;
        if !exhausted {
            usage.used += 1;
        }
        let usage = *usage;
        if exhausted {
            Err(self.budget(usage))
        } else {
            Ok(self.budget(usage))
        }
    }

    /// `account`'s budget at `now_ms`, taking nothing.
    pub fn peek(&self, account: AccountId, now_ms: i64) -> Budget {
        let start = self.window_start(now_ms);
        let usage = match self.accounts.get(&account) {
            Some(u) if u.start_ms >= start => *u,
            _ => Usage {
                start_ms: start,
                used: 0,
            },
        };
        self.budget(usage)
    }

    /// Units per window.
    pub fn limit(&self) -> u32 {
        self.limit
    }

    /// The window's length.
    pub fn window_ms(&self) -> i64 {
        self.window_ms
    }

    fn window_start(&self, now_ms: i64) -> i64 {
        now_ms - now_ms.rem_euclid(self.window_ms)
    }

    fn budget(&self, usage: Usage) -> Budget {
        Budget {
            limit: self.limit,
            remaining: self.limit.saturating_sub(usage.used),
            window_ms: self.window_ms,
            reset_ms: usage.start_ms.saturating_add(self.window_ms),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_align_to_the_epoch() {
        let r = RateLimiter::new(3, 1000);
        let b = r.peek(AccountId(1), 1_763_790_000_412);
        assert_eq!(
            b,
            Budget {
                limit: 3,
                remaining: 3,
                window_ms: 1000,
                reset_ms: 1_763_790_001_000
            }
        );
        assert_eq!(r.peek(AccountId(1), -1).reset_ms, 0);
        assert_eq!(r.peek(AccountId(1), 0).reset_ms, 1000);
    }

    #[test]
    fn clock_stepping_back_gives_no_fresh_budget() {
        let mut r = RateLimiter::new(1, 1000);
        assert!(r.try_take(AccountId(1), 2500).is_ok());
        let e = r.try_take(AccountId(1), 1500).unwrap_err();
        assert_eq!((e.remaining, e.reset_ms), (0, 3000));
        assert_eq!(r.peek(AccountId(1), 1500).remaining, 0);
    }

    #[test]
    fn tiny_windows_are_clamped() {
        let r = RateLimiter::new(5, 0);
        assert_eq!(r.window_ms(), 1);
        assert_eq!(r.limit(), 5);
    }
}
