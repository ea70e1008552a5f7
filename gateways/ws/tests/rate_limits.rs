//! Per-account fixed-window order budgets.

use tradestream_model::AccountId;
use tradestream_ws::rate::{Budget, RateLimiter};

const A: AccountId = AccountId(1);
const B: AccountId = AccountId(2);

#[test]
fn exhaustion_consumes_nothing() {
    let mut r = RateLimiter::new(3, 1_000);
    let t = 1_763_790_000_412;
    for remaining in [2, 1, 0] {
        let b = r.try_take(A, t).unwrap();
        assert_eq!(
            b,
            Budget {
                limit: 3,
                remaining,
                window_ms: 1_000,
                reset_ms: 1_763_790_001_000
            }
        );
    }
    let refused = r.try_take(A, t + 1).unwrap_err();
    assert_eq!(
        refused,
        Budget {
            limit: 3,
            remaining: 0,
            window_ms: 1_000,
            reset_ms: 1_763_790_001_000
        }
    );
    assert_eq!(r.try_take(A, t + 2), Err(refused));
    assert_eq!(r.peek(A, t + 3), refused);
}

#[test]
fn resets_at_the_boundary() {
    let mut r = RateLimiter::new(2, 1_000);
    assert!(r.try_take(A, 5_000).is_ok());
    assert!(r.try_take(A, 5_999).is_ok());
    assert_eq!(r.try_take(A, 5_999).unwrap_err().reset_ms, 6_000);
    // The next window starts exactly at the multiple of the window length.
    assert_eq!(
        r.peek(A, 6_000),
        Budget {
            limit: 2,
            remaining: 2,
            window_ms: 1_000,
            reset_ms: 7_000
        }
    );
    assert_eq!(r.try_take(A, 6_000).unwrap().remaining, 1);
    // Windows are fixed, not sliding: a window skipped entirely changes nothing.
    assert_eq!(
        r.try_take(A, 9_500).unwrap(),
        Budget {
            limit: 2,
            remaining: 1,
            window_ms: 1_000,
            reset_ms: 10_000
        }
    );
}

#[test]
fn accounts_are_independent() {
    let mut r = RateLimiter::new(1, 1_000);
    assert!(r.try_take(A, 100).is_ok());
    assert!(r.try_take(A, 200).is_err());
    assert_eq!(r.peek(B, 200).remaining, 1);
    assert!(r.try_take(B, 200).is_ok());
    assert!(r.try_take(B, 300).is_err());
    assert!(r.try_take(A, 1_000).is_ok());
}

#[test]
fn peek_never_takes() {
    let r = RateLimiter::new(5, 60_000);
    for t in [0, 1, 59_999] {
        assert_eq!(
            r.peek(A, t),
            Budget {
                limit: 5,
                remaining: 5,
                window_ms: 60_000,
                reset_ms: 60_000
            }
        );
    }
    let mut r = RateLimiter::new(0, 1_000);
    assert_eq!(r.try_take(A, 0).unwrap_err().remaining, 0);
}
