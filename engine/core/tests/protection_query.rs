//! `Engine::protection_limits`: the limits as applied (window 0 held as 1), `None` without a
//! protection or once all-zero limits removed it, unchanged by a reset.

use tradestream_model::{AccountId, InstrumentId, ProtectionLimits};

mod mm;
use mm::*;

#[test]
fn protection_limits_reads_the_applied_limits() {
    let mut e = engine();
    let acct = AccountId(1);
    assert_eq!(e.protection_limits(acct, BTC), None);
    run(&mut e, protect(1, 0, 5, 3, 250), 0);
    let applied = ProtectionLimits {
        window_ms: 1,
        max_filled: 5,
        max_delta: 3,
        freeze_ms: 250,
    };
    assert_eq!(e.protection_limits(acct, BTC), Some(applied));
    assert_eq!(e.protection_limits(AccountId(2), BTC), None);
    assert_eq!(e.protection_limits(acct, InstrumentId(7)), None);
    run(&mut e, reset(1), 1);
    assert_eq!(e.protection_limits(acct, BTC), Some(applied));
    run(&mut e, protect(1, 0, 0, 0, 0), 2);
    assert_eq!(e.protection_limits(acct, BTC), None);
}
