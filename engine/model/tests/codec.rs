//! The command encoding: golden bytes, round trips of every variant, garbage never panics. The
//! event digest encoding: golden bytes (its codes are fixed forever: they enter the journal's
//! chain).

use proptest::prelude::*;
use tradestream_model::codec::{
    decode_command, encode_command, encode_event, CodecError, MAX_COMMAND_LEN,
};
use tradestream_model::decimal::{parse, Grid};
use tradestream_model::*;

fn enc(c: &Command) -> Vec<u8> {
    let mut v = Vec::new();
    encode_command(c, &mut v);
    v
}

fn name(s: &str) -> ShortName {
    ShortName::new(s).unwrap()
}

fn id(s: &str) -> ClientOrderId {
    ClientOrderId::new(s).unwrap()
}

#[test]
fn golden_time_command() {
    let bytes = enc(&Command::Time {
        ts: Timestamp(0x0102_0304),
    });
    assert_eq!(bytes, [1, 8, 0x04, 0x03, 0x02, 0x01, 0, 0, 0, 0]);
}

#[test]
fn golden_new_order() {
    let cmd = Command::New(NewOrder {
        account: AccountId(7),
        instrument: Some(InstrumentId(2)),
        id: id("ab"),
        side: Side::Sell,
        order_type: OrderType::Limit,
        price: Price(100),
        qty: Qty(5),
        tif: TimeInForce::Gtd(Timestamp(9)),
        post_only: true,
        stp: SelfTradePrevention::CancelBoth,
    });
    #[rustfmt::skip]
    let want: Vec<u8> = vec![
        1, 4,                               // version, tag
        7, 0, 0, 0, 0, 0, 0, 0,             // account
        2, 0, 0, 0,                         // instrument
        2, b'a', b'b',                      // id
        1, 0,                               // side sell, type limit
        100, 0, 0, 0, 0, 0, 0, 0,           // price
        5, 0, 0, 0, 0, 0, 0, 0,             // qty
        3, 9, 0, 0, 0, 0, 0, 0, 0,          // gtd, expire
        1, 3,                               // post only, cancel both
    ];
    assert_eq!(enc(&cmd), want);
    assert_eq!(decode_command(&want), Ok(cmd));
}

#[test]
fn golden_halt_and_resume() {
    let halt = Command::Halt {
        instrument: InstrumentId(3),
        halted: true,
    };
    let want: Vec<u8> = vec![1, 10, 3, 0, 0, 0, 1];
    assert_eq!(enc(&halt), want);
    assert_eq!(decode_command(&want), Ok(halt));
    let resume = Command::Halt {
        instrument: InstrumentId(0x0102_0304),
        halted: false,
    };
    assert_eq!(enc(&resume), [1, 10, 4, 3, 2, 1, 0]);
    // A flag byte other than 0 or 1 is refused: the encoding stays canonical.
    assert!(decode_command(&[1, 10, 3, 0, 0, 0, 2]).is_err());
}

#[test]
fn golden_kill_switch() {
    let cmd = Command::KillSwitch {
        account: AccountId(7),
        on: true,
    };
    #[rustfmt::skip]
    let want: Vec<u8> = vec![
        1, 11,                              // version, tag
        7, 0, 0, 0, 0, 0, 0, 0,             // account
        1,                                  // on
    ];
    assert_eq!(enc(&cmd), want);
    assert_eq!(decode_command(&want), Ok(cmd));
}

#[test]
fn golden_set_fees() {
    let cmd = Command::SetFees {
        instrument: InstrumentId(2),
        maker_fee_bps: -2,
        taker_fee_bps: 10,
    };
    #[rustfmt::skip]
    let want: Vec<u8> = vec![
        1, 12,                              // version, tag
        2, 0, 0, 0,                         // instrument
        0xFE, 0xFF, 0xFF, 0xFF,             // maker -2
        10, 0, 0, 0,                        // taker 10
    ];
    assert_eq!(enc(&cmd), want);
    assert_eq!(decode_command(&want), Ok(cmd));
}

#[test]
fn golden_disconnect() {
    let cmd = Command::Disconnect {
        account: AccountId(0x0102),
    };
    let want: Vec<u8> = vec![1, 13, 2, 1, 0, 0, 0, 0, 0, 0];
    assert_eq!(enc(&cmd), want);
    assert_eq!(decode_command(&want), Ok(cmd));
}

fn ev(e: &Event) -> Vec<u8> {
    let mut v = Vec::new();
    encode_event(e, &mut v);
    v
}

#[test]
fn golden_new_events() {
    assert_eq!(
        ev(&Event::Halted {
            instrument: InstrumentId(1),
            halted: false,
        }),
        [8, 1, 0, 0, 0, 0]
    );
    assert_eq!(
        ev(&Event::FeesChanged {
            instrument: InstrumentId(1),
            maker_fee_bps: -1,
            taker_fee_bps: 4,
        }),
        [9, 1, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF, 4, 0, 0, 0]
    );
    assert_eq!(
        ev(&Event::KillSwitch {
            account: AccountId(5),
            on: true,
        }),
        [10, 5, 0, 0, 0, 0, 0, 0, 0, 1]
    );
    assert_eq!(
        ev(&Event::Error(EngineError::UnknownInstrument(9))),
        [7, 6, 9, 0, 0, 0]
    );
}

#[test]
fn golden_reason_codes_old_and_new() {
    let rejected = |reason| {
        ev(&Event::Rejected {
            account: AccountId(1),
            id: id("a"),
            reason,
        })
    };
    let head = [2, 1, 0, 0, 0, 0, 0, 0, 0, 1, b'a'];
    // The codes existing journals hold do not move; new reasons take new codes.
    for (reason, code) in [
        (RejectReason::UnknownSymbol, 0),
        (RejectReason::DuplicateId, 1),
        (RejectReason::UnknownOrder, 2),
        (RejectReason::InvalidPrice, 3),
        (RejectReason::InsufficientBalance, 13),
        (RejectReason::KillSwitch, 14),
        (RejectReason::InstrumentHalted, 15),
        (RejectReason::InsufficientMargin, 16),
    ] {
        let mut want = head.to_vec();
        want.push(code);
        assert_eq!(rejected(reason), want, "{reason:?}");
    }
    let cancelled = |reason| {
        ev(&Event::Cancelled {
            account: AccountId(1),
            id: id("a"),
            instrument: InstrumentId(0),
            reason,
            leaves_qty: Qty(2),
        })
    };
    for (reason, code) in [
        (CancelReason::User, 0),
        (CancelReason::Expired, 4),
        (CancelReason::PriceBand, 5),
        (CancelReason::KillSwitch, 6),
        (CancelReason::Disconnect, 7),
    ] {
        #[rustfmt::skip]
        let want = vec![
            4, 1, 0, 0, 0, 0, 0, 0, 0, 1, b'a', // tag, account, id
            0, 0, 0, 0,                         // instrument
            code,                               // reason
            2, 0, 0, 0, 0, 0, 0, 0,             // leaves
        ];
        assert_eq!(cancelled(reason), want, "{reason:?}");
    }
}

#[test]
fn reject_reasons_are_declared_in_precedence_order() {
    use RejectReason::*;
    let order = [
        UnknownSymbol,
        KillSwitch,
        InstrumentHalted,
        DuplicateId,
        UnknownOrder,
        InvalidPrice,
    ];
    assert!(order.windows(2).all(|w| w[0] < w[1]));
    assert_eq!(KillSwitch.as_str(), "kill_switch");
    assert_eq!(InstrumentHalted.as_str(), "instrument_halted");
    assert_eq!(CancelReason::KillSwitch.as_str(), "kill_switch");
    assert_eq!(CancelReason::Disconnect.as_str(), "disconnect");
    assert_eq!(
        EngineError::UnknownInstrument(4).to_string(),
        "instrument id 4 is not listed"
    );
}

fn samples() -> Vec<Command> {
    let g = |s: &str| Grid::new(parse(s).unwrap()).unwrap();
    let spec = |kind| InstrumentSpec {
        symbol: name("ABCDEFGHIJKLMNOP"),
        kind,
        base: name("BASEBASEBASEBASE"),
        quote: name("QUOTEQUOTEQUOTEQ"),
        tick: g("0.000000000000000001"),
        lot: g("100"),
        maker_fee_bps: -2,
        taker_fee_bps: 10_000,
    };
    let long_id = id("123456789012345678901234567890123456");
    vec![
        Command::AddInstrument(spec(InstrumentKind::Spot)),
        Command::AddInstrument(spec(InstrumentKind::DatedFuture {
            expiry: Timestamp(5),
            margin: Margin {
                initial_bps: 1_000,
                maintenance_bps: 500,
            },
        })),
        Command::AddInstrument(spec(InstrumentKind::Perpetual {
            funding_interval_ms: 28_800_000,
            margin: Margin {
                initial_bps: u32::MAX,
                maintenance_bps: 0,
            },
        })),
        Command::AddInstrument(spec(InstrumentKind::Option {
            underlying: InstrumentId(3),
            right: OptionRight::Put,
            strike: Price(42),
            expiry: Timestamp(i64::MAX),
        })),
        Command::AddInstrument(spec(InstrumentKind::Binary {
            expiry: Timestamp(1),
        })),
        Command::AddInstrument(spec(InstrumentKind::ComputeFuture {
            expiry: Timestamp(2),
            hours_per_contract: 100,
            margin: Margin {
                initial_bps: 1,
                maintenance_bps: 1,
            },
        })),
        Command::Deposit {
            account: AccountId(u64::MAX >> 1),
            asset: name("USD"),
            amount: Amount(i128::MAX),
        },
        Command::Withdraw {
            account: AccountId(1),
            asset: name("BTC"),
            amount: Amount(1),
            id: long_id,
        },
        Command::Cancel {
            account: AccountId(1),
            instrument: None,
            id: long_id,
        },
        Command::Amend {
            account: AccountId(1),
            instrument: Some(InstrumentId(0)),
            id: long_id,
            price: Some(Price(-1)),
            qty: None,
        },
        Command::Amend {
            account: AccountId(1),
            instrument: Some(InstrumentId(0)),
            id: long_id,
            price: None,
            qty: Some(Qty(3)),
        },
        Command::MassCancel {
            account: AccountId(1),
            instrument: None,
        },
        Command::MassCancel {
            account: AccountId(1),
            instrument: Some(None),
        },
        Command::MassCancel {
            account: AccountId(1),
            instrument: Some(Some(InstrumentId(4))),
        },
        Command::Time { ts: Timestamp(-5) },
        Command::SetControls {
            instrument: InstrumentId(1),
            controls: Controls::default(),
        },
        Command::SetControls {
            instrument: InstrumentId(1),
            controls: Controls {
                price_band_bps: Some(500),
                reference_price: Some(Price(10)),
                max_qty: Some(Qty(9)),
                max_notional: Some(Amount(1 << 100)),
            },
        },
        Command::Halt {
            instrument: InstrumentId(u32::MAX),
            halted: true,
        },
        Command::Halt {
            instrument: InstrumentId(0),
            halted: false,
        },
        Command::KillSwitch {
            account: AccountId(u64::MAX),
            on: false,
        },
        Command::KillSwitch {
            account: AccountId(1),
            on: true,
        },
        Command::SetFees {
            instrument: InstrumentId(1),
            maker_fee_bps: i32::MIN,
            taker_fee_bps: i32::MAX,
        },
        Command::Disconnect {
            account: AccountId(3),
        },
        Command::SetPrice {
            instrument: InstrumentId(2),
            kind: PriceKind::Mark,
            price: Price(i64::MAX),
        },
        Command::Fund {
            instrument: InstrumentId(2),
            rate_ppm: i64::MIN,
        },
        Command::Settle {
            instrument: InstrumentId(1),
            price: Price(7),
        },
    ]
}

#[test]
fn golden_derivative_commands() {
    let cmd = Command::SetPrice {
        instrument: InstrumentId(2),
        kind: PriceKind::Mark,
        price: Price(0x0102),
    };
    let want: Vec<u8> = vec![1, 14, 2, 0, 0, 0, 1, 2, 1, 0, 0, 0, 0, 0, 0];
    assert_eq!(enc(&cmd), want);
    let cmd = Command::Fund {
        instrument: InstrumentId(1),
        rate_ppm: -1,
    };
    let want: Vec<u8> = vec![1, 15, 1, 0, 0, 0, 255, 255, 255, 255, 255, 255, 255, 255];
    assert_eq!(enc(&cmd), want);
    let cmd = Command::Settle {
        instrument: InstrumentId(1),
        price: Price(3),
    };
    let want: Vec<u8> = vec![1, 16, 1, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0];
    assert_eq!(enc(&cmd), want);
    let c = Command::AddInstrument(InstrumentSpec {
        symbol: name("X"),
        kind: InstrumentKind::Perpetual {
            funding_interval_ms: 1,
            margin: Margin {
                initial_bps: 2,
                maintenance_bps: 3,
            },
        },
        base: name("A"),
        quote: name("B"),
        tick: Grid::new(parse("1").unwrap()).unwrap(),
        lot: Grid::new(parse("1").unwrap()).unwrap(),
        maker_fee_bps: 0,
        taker_fee_bps: 0,
    });
    let bytes = enc(&c);
    // The perpetual's kind: tag 2, interval, then initial and maintenance rates.
    let kind = [2, 1, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0];
    assert!(bytes.windows(kind.len()).any(|w| w == kind), "{bytes:?}");
}

#[test]
fn golden_derivative_events_and_codes() {
    assert_eq!(
        ev(&Event::PriceSet {
            instrument: InstrumentId(1),
            kind: PriceKind::Index,
            price: Price(2),
        }),
        vec![11, 1, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0]
    );
    assert_eq!(
        ev(&Event::Settled {
            instrument: InstrumentId(1),
            price: Price(2),
        }),
        vec![14, 1, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0]
    );
    assert_eq!(ev(&Event::Error(EngineError::NoMargin)), vec![7, 7]);
    assert_eq!(CancelReason::Settled.as_str(), "settled");
    assert_eq!(
        tradestream_model::codec::cancel_code(CancelReason::Settled),
        8
    );
}

#[test]
fn every_variant_round_trips_within_the_bound() {
    for cmd in samples() {
        let bytes = enc(&cmd);
        assert!(
            bytes.len() <= MAX_COMMAND_LEN,
            "{} bytes for {cmd:?}",
            bytes.len()
        );
        assert_eq!(decode_command(&bytes), Ok(cmd));
        for cut in 0..bytes.len() {
            assert!(
                decode_command(&bytes[..cut]).is_err(),
                "prefix {cut} of {cmd:?} decoded"
            );
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert_eq!(decode_command(&longer), Err(CodecError::Trailing(1)));
    }
}

#[test]
fn other_versions_are_refused() {
    let mut bytes = enc(&Command::Time { ts: Timestamp(1) });
    bytes[0] = 2;
    assert_eq!(decode_command(&bytes), Err(CodecError::Version(2)));
}

fn arb_new() -> impl Strategy<Value = Command> {
    (
        any::<u64>(),
        proptest::option::of(
            any::<u32>().prop_filter("not the unlisted marker", |v| *v != u32::MAX),
        ),
        "[a-zA-Z0-9-]{1,36}",
        any::<bool>(),
        any::<bool>(),
        any::<i64>(),
        any::<i64>(),
        0u8..4,
        any::<i64>(),
        any::<bool>(),
        0u8..4,
    )
        .prop_map(|(a, i, cid, sell, market, p, q, tif, exp, po, stp)| {
            Command::New(NewOrder {
                account: AccountId(a),
                instrument: i.map(InstrumentId),
                id: id(&cid),
                side: if sell { Side::Sell } else { Side::Buy },
                order_type: if market {
                    OrderType::Market
                } else {
                    OrderType::Limit
                },
                price: Price(p),
                qty: Qty(q),
                tif: [
                    TimeInForce::Gtc,
                    TimeInForce::Ioc,
                    TimeInForce::Fok,
                    TimeInForce::Gtd(Timestamp(exp)),
                ][tif as usize],
                post_only: po,
                stp: [
                    SelfTradePrevention::None,
                    SelfTradePrevention::CancelTaker,
                    SelfTradePrevention::CancelMaker,
                    SelfTradePrevention::CancelBoth,
                ][stp as usize],
            })
        })
}

/// The operator and session commands: halt, kill switch, fees, disconnect.
fn arb_operator() -> impl Strategy<Value = Command> {
    prop_oneof![
        (any::<u32>(), any::<bool>()).prop_map(|(i, halted)| Command::Halt {
            instrument: InstrumentId(i),
            halted,
        }),
        (any::<u64>(), any::<bool>()).prop_map(|(a, on)| Command::KillSwitch {
            account: AccountId(a),
            on,
        }),
        (any::<u32>(), any::<i32>(), any::<i32>()).prop_map(|(i, m, t)| Command::SetFees {
            instrument: InstrumentId(i),
            maker_fee_bps: m,
            taker_fee_bps: t,
        }),
        any::<u64>().prop_map(|a| Command::Disconnect {
            account: AccountId(a),
        }),
    ]
}

proptest! {
    #[test]
    fn new_orders_round_trip(cmd in arb_new()) {
        prop_assert_eq!(decode_command(&enc(&cmd)), Ok(cmd));
    }

    #[test]
    fn operator_commands_round_trip(cmd in prop_oneof![arb_new(), arb_operator()]) {
        let bytes = enc(&cmd);
        prop_assert!(bytes.len() <= MAX_COMMAND_LEN);
        prop_assert_eq!(decode_command(&bytes), Ok(cmd));
    }

    #[test]
    fn garbage_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
        if let Ok(cmd) = decode_command(&bytes) {
            // Whatever decodes re-encodes to the same bytes: the encoding is canonical.
            prop_assert_eq!(enc(&cmd), bytes);
        }
    }
}
