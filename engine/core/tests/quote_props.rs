//! Property tests over random quote workloads (market makers 0 to 4 quoting BTC-USD under
//! protections, IOC takers, resets, mass cancels, clock steps). After every command:
//! 1. a maker holds at most one open bid and one open ask (each quote replaces the last);
//! 2. `quoted` names, for each side, the order id its `accepted` (same command) gave the side;
//! 3. a quote rejected as a whole changes nothing (same state hash);
//! 4. a maker whose protection tripped holds no open order after the command, and is quoted
//!    again only at or after `frozen_until` or after a reset.
//!
//! Cases default to 64 (up to 400 commands each); `PROPTEST_CASES` overrides.

use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError};
use tradestream_model::{AccountId, Command, Event, Side};

mod mm;
use mm::*;

/// Checks the properties over `n` commands of the workload seeded `seed`.
fn check(seed: u64, n: u64) -> Result<(), TestCaseError> {
    let mut e = engine();
    for cmd in protections() {
        run(&mut e, cmd, 0);
    }
    let mut rng = Rng(seed | 1);
    let mut clock = 0;
    // Per maker: frozen until (None: not frozen; Some(None): until a reset).
    let mut frozen: [Option<Option<i64>>; MAKERS as usize] = [None; MAKERS as usize];
    for k in 0..n {
        let cmd = workload(&mut rng, 0, k, &mut clock);
        let before = e.state_hash();
        let ev = run(&mut e, cmd, clock);
        if let Command::Quote(q) = cmd {
            if ev == [rejected(q.account.0, q.id.as_str(), ev_reason(&ev))] {
                prop_assert_eq!(
                    e.state_hash(),
                    before,
                    "rejected quote changed state: {:?}",
                    cmd
                );
            }
        }
        for x in &ev {
            match *x {
                Event::Quoted {
                    account,
                    id,
                    bid,
                    ask,
                    ..
                } => {
                    let a = account.0 as usize;
                    if let Some(f) = frozen[a] {
                        prop_assert!(
                            f.is_some_and(|t| clock >= t),
                            "quoted while frozen: {:?}",
                            cmd
                        );
                    }
                    for (suffix, side) in [("b", bid), ("a", ask)] {
                        let want = format!("{}{suffix}", id.as_str());
                        let given = ev.iter().find_map(|y| match *y {
                            Event::Accepted {
                                account: b,
                                id,
                                order_id,
                                ..
                            } if b == account && id.as_str() == want => Some(order_id),
                            _ => None,
                        });
                        prop_assert_eq!(side, given, "{:?}", ev);
                    }
                }
                Event::ProtectionTripped {
                    account,
                    frozen_until,
                    ..
                } => frozen[account.0 as usize] = Some(frozen_until.map(|t| t.0)),
                Event::ProtectionReset { account, .. } => frozen[account.0 as usize] = None,
                _ => {}
            }
        }
        for m in 0..MAKERS {
            let open: Vec<_> = e.account_orders(AccountId(m)).collect();
            let bids = open.iter().filter(|o| o.side == Side::Buy).count();
            prop_assert!(
                bids <= 1 && open.len() - bids <= 1,
                "maker {} holds {:?}",
                m,
                open
            );
            let tripped = ev
                .iter()
                .any(|x| matches!(x, Event::ProtectionTripped { account, .. } if account.0 == m));
            prop_assert!(
                !tripped || open.is_empty(),
                "maker {} tripped but holds {:?}",
                m,
                open
            );
        }
    }
    Ok(())
}

/// The reason of a single `rejected` event (any other: a reason no quote gets).
fn ev_reason(ev: &[Event]) -> tradestream_model::RejectReason {
    match ev {
        [Event::Rejected { reason, .. }] => *reason,
        _ => tradestream_model::RejectReason::UnknownOrder,
    }
}

proptest! {
    #![proptest_config(Config::with_cases(
        std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(64)
    ))]
    #[test]
    fn quotes_replace_report_and_respect_protection(seed in any::<u64>(), n in 50u64..400) {
        check(seed, n)?;
    }
}
