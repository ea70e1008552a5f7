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
        reduce_only: false,
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

/// The encoding of account 1's `Rejected` of order "a" for `reason`.
fn rejected(reason: RejectReason) -> Vec<u8> {
    ev(&Event::Rejected {
        account: AccountId(1),
        id: id("a"),
        reason,
    })
}

/// The encoding of account 1's `Cancelled` of order "a" (instrument 0, 2 left) for `reason`.
fn cancelled(reason: CancelReason) -> Vec<u8> {
    ev(&Event::Cancelled {
        account: AccountId(1),
        id: id("a"),
        instrument: InstrumentId(0),
        reason,
        leaves_qty: Qty(2),
    })
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
            basis_smoothing_ppm: 0,
            funding_cap_ppm: 0,
        })),
        Command::AddInstrument(spec(InstrumentKind::Perpetual {
            funding_interval_ms: 1,
            margin: Margin {
                initial_bps: 1,
                maintenance_bps: 1,
            },
            basis_smoothing_ppm: 1_000_000,
            funding_cap_ppm: u32::MAX,
        })),
        Command::AddInstrument(spec(InstrumentKind::Option {
            underlying: InstrumentId(3),
            right: OptionRight::Put,
            strike: Price(42),
            expiry: Timestamp(i64::MAX),
            margin: Margin {
                initial_bps: 10_000,
                maintenance_bps: 7_500,
            },
        })),
        Command::AddInstrument(spec(InstrumentKind::Option {
            underlying: InstrumentId(u32::MAX),
            right: OptionRight::Call,
            strike: Price(i64::MIN),
            expiry: Timestamp(0),
            margin: Margin::default(),
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
                max_position: None,
            },
        },
        Command::SetControls {
            instrument: InstrumentId(1),
            controls: Controls {
                max_position: Some(Qty(i64::MAX)),
                ..Controls::default()
            },
        },
        Command::SetControls {
            instrument: InstrumentId(1),
            controls: Controls {
                price_band_bps: Some(1),
                reference_price: Some(Price(1)),
                max_qty: Some(Qty(1)),
                max_notional: Some(Amount(1)),
                max_position: Some(Qty(-1)),
            },
        },
        Command::New(NewOrder {
            account: AccountId(1),
            instrument: Some(InstrumentId(2)),
            id: long_id,
            side: Side::Buy,
            order_type: OrderType::Market,
            price: Price(0),
            qty: Qty(1),
            tif: TimeInForce::Ioc,
            post_only: false,
            reduce_only: true,
            stp: SelfTradePrevention::None,
        }),
        Command::New(NewOrder {
            account: AccountId(1),
            instrument: None,
            id: long_id,
            side: Side::Sell,
            order_type: OrderType::Limit,
            price: Price(3),
            qty: Qty(1),
            tif: TimeInForce::Gtc,
            post_only: true,
            reduce_only: true,
            stp: SelfTradePrevention::CancelMaker,
        }),
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
        Command::OptionRisk {
            instrument: InstrumentId(4),
            vol_ppm: u32::MAX,
            mark: Price(0),
            values: [i64::MIN, -1, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, i64::MAX],
        },
        Command::Resolve {
            instrument: InstrumentId(5),
            yes: true,
        },
        Command::Resolve {
            instrument: InstrumentId(5),
            yes: false,
        },
        Command::FundPremium {
            instrument: InstrumentId(u32::MAX),
        },
        Command::InsuranceDeposit {
            asset: name("QUOTEQUOTEQUOTEQ"),
            amount: Amount(i128::MIN),
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
            basis_smoothing_ppm: 4,
            funding_cap_ppm: 5,
        },
        base: name("A"),
        quote: name("B"),
        tick: Grid::new(parse("1").unwrap()).unwrap(),
        lot: Grid::new(parse("1").unwrap()).unwrap(),
        maker_fee_bps: 0,
        taker_fee_bps: 0,
    });
    let bytes = enc(&c);
    // The perpetual's kind: tag 2, interval, initial and maintenance rates, then basis
    // smoothing and funding cap.
    #[rustfmt::skip]
    let kind = [
        2, 1, 0, 0, 0, 0, 0, 0, 0,          // tag, interval
        2, 0, 0, 0, 3, 0, 0, 0,             // initial, maintenance
        4, 0, 0, 0, 5, 0, 0, 0,             // basis smoothing, funding cap
    ];
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
            match (decode_command(&bytes[..cut]), cmd) {
                (Err(_), _) => {}
                // The position limit is a trailing field: without it, the same controls with
                // no limit (the older encoding) remain.
                (
                    Ok(Command::SetControls {
                        instrument,
                        controls,
                    }),
                    Command::SetControls {
                        instrument: i,
                        controls: c,
                    },
                ) if cut == bytes.len() - 9
                    && instrument == i
                    && controls
                        == (Controls {
                            max_position: None,
                            ..c
                        }) => {}
                (Ok(other), _) => panic!("prefix {cut} of {cmd:?} decoded as {other:?}"),
            }
        }
        let mut longer = bytes.clone();
        longer.push(0);
        let want = match cmd {
            // Controls without a position limit end where the limit's presence byte would go,
            // and a 0 presence byte is not canonical.
            Command::SetControls {
                controls: Controls {
                    max_position: None, ..
                },
                ..
            } => CodecError::Invalid {
                field: "max position",
                value: 0,
            },
            _ => CodecError::Trailing(1),
        };
        assert_eq!(decode_command(&longer), Err(want), "{cmd:?}");
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
        (any::<bool>(), any::<bool>()),
        0u8..4,
    )
        .prop_map(|(a, i, cid, sell, market, p, q, tif, exp, (po, ro), stp)| {
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
                reduce_only: ro,
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

/// Derivatives (issue 5): the order flags byte, the trailing position limit, the new kinds and
/// commands.
#[test]
fn golden_reduce_only_order_flags() {
    let order = |post_only, reduce_only| {
        Command::New(NewOrder {
            account: AccountId(7),
            instrument: Some(InstrumentId(2)),
            id: id("ab"),
            side: Side::Buy,
            order_type: OrderType::Market,
            price: Price(0),
            qty: Qty(5),
            tif: TimeInForce::Ioc,
            post_only,
            reduce_only,
            stp: SelfTradePrevention::None,
        })
    };
    #[rustfmt::skip]
    let head: Vec<u8> = vec![
        1, 4,                               // version, tag
        7, 0, 0, 0, 0, 0, 0, 0,             // account
        2, 0, 0, 0,                         // instrument
        2, b'a', b'b',                      // id
        0, 1,                               // side buy, type market
        0, 0, 0, 0, 0, 0, 0, 0,             // price
        5, 0, 0, 0, 0, 0, 0, 0,             // qty
        1, 0, 0, 0, 0, 0, 0, 0, 0,          // ioc, expire
    ];
    // Flags: bit 0 post-only, bit 1 reduce-only; then stp none.
    for (post_only, reduce_only, flags) in [
        (false, false, 0u8),
        (true, false, 1),
        (false, true, 2),
        (true, true, 3),
    ] {
        let mut want = head.clone();
        want.extend_from_slice(&[flags, 0]);
        let cmd = order(post_only, reduce_only);
        assert_eq!(enc(&cmd), want, "flags {flags}");
        assert_eq!(decode_command(&want), Ok(cmd));
    }
    // Any other flag bit is refused: the encoding stays canonical.
    for flags in [4u8, 5, 0x80, 0xFF] {
        let mut bad = head.clone();
        bad.extend_from_slice(&[flags, 0]);
        assert_eq!(
            decode_command(&bad),
            Err(CodecError::Invalid {
                field: "order flags",
                value: flags as u64,
            })
        );
    }
}

#[test]
fn golden_controls_with_and_without_position_limit() {
    let without = Command::SetControls {
        instrument: InstrumentId(2),
        controls: Controls {
            price_band_bps: Some(500),
            reference_price: None,
            max_qty: Some(Qty(9)),
            max_notional: None,
            max_position: None,
        },
    };
    // Exactly the bytes written before the position limit existed: old journals still decode.
    #[rustfmt::skip]
    let old: Vec<u8> = vec![
        1, 9,                               // version, tag
        2, 0, 0, 0,                         // instrument
        1, 0xF4, 1, 0, 0,                   // band 500
        0,                                  // no reference price
        1, 9, 0, 0, 0, 0, 0, 0, 0,          // max qty 9
        0,                                  // no max notional
    ];
    assert_eq!(enc(&without), old);
    assert_eq!(decode_command(&old), Ok(without));
    let all_off = Command::SetControls {
        instrument: InstrumentId(2),
        controls: Controls::default(),
    };
    assert_eq!(enc(&all_off), [1, 9, 2, 0, 0, 0, 0, 0, 0, 0]);

    let with = Command::SetControls {
        instrument: InstrumentId(2),
        controls: Controls {
            max_position: Some(Qty(0x0102)),
            ..Controls::default()
        },
    };
    #[rustfmt::skip]
    let want: Vec<u8> = vec![
        1, 9, 2, 0, 0, 0, 0, 0, 0, 0,       // as before, every control off
        1, 2, 1, 0, 0, 0, 0, 0, 0,          // max position 0x0102, trailing
    ];
    assert_eq!(enc(&with), want);
    assert_eq!(decode_command(&want), Ok(with));

    // Canonical: an absent limit is no byte at all, never a 0 presence byte.
    let mut explicit_none = enc(&all_off);
    explicit_none.push(0);
    assert_eq!(
        decode_command(&explicit_none),
        Err(CodecError::Invalid {
            field: "max position",
            value: 0,
        })
    );
    let mut bad_presence = enc(&all_off);
    bad_presence.extend_from_slice(&[2, 1, 0, 0, 0, 0, 0, 0, 0]);
    assert_eq!(
        decode_command(&bad_presence),
        Err(CodecError::Invalid {
            field: "max position",
            value: 2,
        })
    );
    // A presence byte with a cut value, or bytes after the value, are refused.
    assert!(matches!(
        decode_command(&want[..want.len() - 1]),
        Err(CodecError::Truncated(..))
    ));
    let mut longer = want.clone();
    longer.push(0);
    assert_eq!(decode_command(&longer), Err(CodecError::Trailing(1)));
}

fn unit_spec(kind: InstrumentKind) -> Command {
    Command::AddInstrument(InstrumentSpec {
        symbol: name("X"),
        kind,
        base: name("A"),
        quote: name("B"),
        tick: Grid::new(parse("1").unwrap()).unwrap(),
        lot: Grid::new(parse("1").unwrap()).unwrap(),
        maker_fee_bps: 0,
        taker_fee_bps: 0,
    })
}

#[test]
fn golden_option_and_binary_kinds() {
    #[rustfmt::skip]
    let head: Vec<u8> = vec![
        1, 1,                               // version, tag
        1, b'X', 1, b'A', 1, b'B',          // symbol, base, quote
    ];
    #[rustfmt::skip]
    let tail: Vec<u8> = vec![
        1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, // tick 1
        1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, // lot 1
        0, 0, 0, 0, 0, 0, 0, 0,             // fees
    ];
    let option = unit_spec(InstrumentKind::Option {
        underlying: InstrumentId(3),
        right: OptionRight::Put,
        strike: Price(0x0102),
        expiry: Timestamp(9),
        margin: Margin {
            initial_bps: 10_000,
            maintenance_bps: 5_000,
        },
    });
    #[rustfmt::skip]
    let kind: Vec<u8> = vec![
        3,                                  // option
        3, 0, 0, 0,                         // underlying
        1,                                  // put
        2, 1, 0, 0, 0, 0, 0, 0,             // strike
        9, 0, 0, 0, 0, 0, 0, 0,             // expiry
        0x10, 0x27, 0, 0, 0x88, 0x13, 0, 0, // initial 10000, maintenance 5000
    ];
    let want = [head.clone(), kind, tail.clone()].concat();
    assert_eq!(enc(&option), want);
    assert_eq!(decode_command(&want), Ok(option));
    // A right other than call (0) or put (1) is refused.
    let mut bad = want.clone();
    bad[head.len() + 5] = 2;
    assert_eq!(
        decode_command(&bad),
        Err(CodecError::Invalid {
            field: "option right",
            value: 2,
        })
    );

    let binary = unit_spec(InstrumentKind::Binary {
        expiry: Timestamp(0x0304),
    });
    let want = [head.clone(), vec![4, 4, 3, 0, 0, 0, 0, 0, 0], tail.clone()].concat();
    assert_eq!(enc(&binary), want);
    assert_eq!(decode_command(&want), Ok(binary));

    let perpetual = unit_spec(InstrumentKind::Perpetual {
        funding_interval_ms: 1,
        margin: Margin {
            initial_bps: 2,
            maintenance_bps: 3,
        },
        basis_smoothing_ppm: 1_000_000,
        funding_cap_ppm: 0,
    });
    #[rustfmt::skip]
    let kind: Vec<u8> = vec![
        2, 1, 0, 0, 0, 0, 0, 0, 0,          // perpetual, interval
        2, 0, 0, 0, 3, 0, 0, 0,             // initial, maintenance
        0x40, 0x42, 0x0F, 0, 0, 0, 0, 0,    // basis smoothing 10^6, funding cap 0
    ];
    let want = [head, kind, tail].concat();
    assert_eq!(enc(&perpetual), want);
    assert_eq!(decode_command(&want), Ok(perpetual));
}

#[test]
fn golden_option_risk() {
    let cmd = Command::OptionRisk {
        instrument: InstrumentId(2),
        vol_ppm: 600_000,
        mark: Price(125),
        values: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, -1],
    };
    let mut want: Vec<u8> = vec![
        1, 17, // version, tag
        2, 0, 0, 0, // instrument
        0xC0, 0x27, 0x09, 0, // vol 600000 ppm
        125, 0, 0, 0, 0, 0, 0, 0, // mark
    ];
    for v in 0..13u8 {
        want.extend_from_slice(&[v, 0, 0, 0, 0, 0, 0, 0]);
    }
    want.extend_from_slice(&[0xFF; 8]);
    assert_eq!(want.len(), 2 + 4 + 4 + 8 + 14 * 8);
    assert_eq!(enc(&cmd), want);
    assert_eq!(decode_command(&want), Ok(cmd));
    // Thirteen values are not a risk array.
    assert!(matches!(
        decode_command(&want[..want.len() - 8]),
        Err(CodecError::Truncated(..))
    ));
}

#[test]
fn golden_resolve_fund_premium_insurance() {
    let yes = Command::Resolve {
        instrument: InstrumentId(3),
        yes: true,
    };
    assert_eq!(enc(&yes), [1, 18, 3, 0, 0, 0, 1]);
    assert_eq!(decode_command(&[1, 18, 3, 0, 0, 0, 1]), Ok(yes));
    let no = Command::Resolve {
        instrument: InstrumentId(3),
        yes: false,
    };
    assert_eq!(enc(&no), [1, 18, 3, 0, 0, 0, 0]);
    assert_eq!(decode_command(&[1, 18, 3, 0, 0, 0, 0]), Ok(no));
    assert_eq!(
        decode_command(&[1, 18, 3, 0, 0, 0, 2]),
        Err(CodecError::Invalid {
            field: "outcome",
            value: 2,
        })
    );

    let premium = Command::FundPremium {
        instrument: InstrumentId(0x0102),
    };
    assert_eq!(enc(&premium), [1, 19, 2, 1, 0, 0]);
    assert_eq!(decode_command(&[1, 19, 2, 1, 0, 0]), Ok(premium));

    let deposit = Command::InsuranceDeposit {
        asset: name("USD"),
        amount: Amount(1_000),
    };
    #[rustfmt::skip]
    let want: Vec<u8> = vec![
        1, 20,                              // version, tag
        3, b'U', b'S', b'D',                // asset
        0xE8, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, // amount 1000
    ];
    assert_eq!(enc(&deposit), want);
    assert_eq!(decode_command(&want), Ok(deposit));
    // Tags past the last command are refused.
    assert_eq!(
        decode_command(&[1, 24]),
        Err(CodecError::Invalid {
            field: "command tag",
            value: 24,
        })
    );
}

#[test]
fn golden_derivatives_events() {
    assert_eq!(
        ev(&Event::OptionMarked {
            instrument: InstrumentId(1),
            vol_ppm: 600_000,
            mark: Price(5),
        }),
        vec![15, 1, 0, 0, 0, 0xC0, 0x27, 0x09, 0, 5, 0, 0, 0, 0, 0, 0, 0]
    );
    assert_eq!(
        ev(&Event::FundingRate {
            instrument: InstrumentId(1),
            rate_ppm: -2,
        }),
        vec![16, 1, 0, 0, 0, 0xFE, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]
    );
    #[rustfmt::skip]
    let want = [
        &[17u8][..],
        &[3, 0, 0, 0, 0, 0, 0, 0],          // account
        &[1, 0, 0, 0],                      // asset
        &[0xFF; 16],                        // equity -1
        &[2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], // maintenance 2
    ]
    .concat();
    assert_eq!(
        ev(&Event::LiquidationStarted {
            account: AccountId(3),
            asset: AssetId(1),
            equity: Amount(-1),
            maintenance: Amount(2),
        }),
        want
    );
    #[rustfmt::skip]
    let want: Vec<u8> = vec![
        18,
        3, 0, 0, 0, 0, 0, 0, 0,             // account
        2, 0, 0, 0,                         // instrument
        1,                                  // sell
        4, 0, 0, 0, 0, 0, 0, 0,             // qty
        5, 0, 0, 0, 0, 0, 0, 0,             // limit
        6, 0, 0, 0, 0, 0, 0, 0,             // filled
    ];
    assert_eq!(
        ev(&Event::LiquidationStep {
            account: AccountId(3),
            instrument: InstrumentId(2),
            side: Side::Sell,
            qty: Qty(4),
            limit: Price(5),
            filled: Qty(6),
        }),
        want
    );
    #[rustfmt::skip]
    let want: Vec<u8> = vec![
        19,
        3, 0, 0, 0, 0, 0, 0, 0,             // account
        4, 0, 0, 0, 0, 0, 0, 0,             // counterparty
        2, 0, 0, 0,                         // instrument
        0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, // qty -1
        7, 0, 0, 0, 0, 0, 0, 0,             // price
    ];
    assert_eq!(
        ev(&Event::Deleveraged {
            account: AccountId(3),
            counterparty: AccountId(4),
            instrument: InstrumentId(2),
            qty: -1,
            price: Price(7),
        }),
        want
    );
    let amount_event = |tag: u8, amount: u8| {
        #[rustfmt::skip]
        let v: Vec<u8> = [
            &[tag][..],
            &[3, 0, 0, 0, 0, 0, 0, 0],      // account
            &[1, 0, 0, 0],                  // asset
            &[amount], &[0; 15],            // amount
        ]
        .concat();
        v
    };
    assert_eq!(
        ev(&Event::InsurancePaid {
            account: AccountId(3),
            asset: AssetId(1),
            amount: Amount(9),
        }),
        amount_event(20, 9)
    );
    assert_eq!(
        ev(&Event::Liquidated {
            account: AccountId(3),
            asset: AssetId(1),
            balance: Amount(0),
        }),
        amount_event(21, 0)
    );
}

#[test]
fn golden_derivatives_codes() {
    use tradestream_model::codec::{cancel_code, reject_code};
    assert_eq!(reject_code(RejectReason::ReduceOnly), 17);
    assert_eq!(reject_code(RejectReason::PositionLimit), 18);
    assert_eq!(cancel_code(CancelReason::Liquidation), 9);
    assert_eq!(RejectReason::ReduceOnly.as_str(), "reduce_only");
    assert_eq!(RejectReason::PositionLimit.as_str(), "position_limit");
    assert_eq!(CancelReason::Liquidation.as_str(), "liquidation");
    // New reasons sit in the precedence after fok_unfilled and before the balance checks.
    assert!(RejectReason::FokUnfilled < RejectReason::ReduceOnly);
    assert!(RejectReason::ReduceOnly < RejectReason::PositionLimit);
    assert!(RejectReason::PositionLimit < RejectReason::InsufficientBalance);
    let rejected = ev(&Event::Rejected {
        account: AccountId(1),
        id: id("a"),
        reason: RejectReason::PositionLimit,
    });
    assert_eq!(rejected, [2, 1, 0, 0, 0, 0, 0, 0, 0, 1, b'a', 18]);

    // Engine errors 12..=16; code 3 (the retired `UnsupportedKind`) is never written.
    for (err, want) in [
        (EngineError::FundingTooEarly(2), vec![7, 12, 2, 0, 0, 0]),
        (EngineError::NoIndex(2), vec![7, 13, 2, 0, 0, 0]),
        (EngineError::BadRisk, vec![7, 14]),
        (EngineError::BadUnit, vec![7, 15]),
        (EngineError::BadUnderlying, vec![7, 16]),
    ] {
        assert_eq!(ev(&Event::Error(err)), want, "{err:?}");
    }
    let every_error = [
        EngineError::ClockBackwards { now: 1, ts: 0 },
        EngineError::DuplicateSymbol,
        EngineError::SameBaseQuote,
        EngineError::BadGrid,
        EngineError::BalanceOverflow,
        EngineError::UnknownInstrument(0),
        EngineError::NoMargin,
        EngineError::WrongKind(0),
        EngineError::BadPrice,
        EngineError::NoMark(0),
        EngineError::AlreadySettled(0),
        EngineError::FundingTooEarly(0),
        EngineError::NoIndex(0),
        EngineError::BadRisk,
        EngineError::BadUnit,
        EngineError::BadUnderlying,
    ];
    let mut codes: Vec<u8> = every_error
        .iter()
        .map(|e| ev(&Event::Error(*e))[1])
        .collect();
    assert!(!codes.contains(&3));
    codes.sort_unstable();
    codes.dedup();
    assert_eq!(codes.len(), every_error.len(), "error codes are distinct");
    assert_eq!(
        EngineError::FundingTooEarly(4).to_string(),
        "instrument id 4: the funding interval has not passed since the last funding"
    );
}

/// The derivatives commands in random shapes.
fn arb_derivatives() -> impl Strategy<Value = Command> {
    prop_oneof![
        (
            any::<u32>(),
            any::<u32>(),
            any::<i64>(),
            proptest::array::uniform14(any::<i64>())
        )
            .prop_map(|(i, vol_ppm, mark, values)| Command::OptionRisk {
                instrument: InstrumentId(i),
                vol_ppm,
                mark: Price(mark),
                values,
            }),
        (any::<u32>(), any::<bool>()).prop_map(|(i, yes)| Command::Resolve {
            instrument: InstrumentId(i),
            yes,
        }),
        any::<u32>().prop_map(|i| Command::FundPremium {
            instrument: InstrumentId(i),
        }),
        ("[A-Z]{1,16}", any::<i128>()).prop_map(|(a, v)| Command::InsuranceDeposit {
            asset: name(&a),
            amount: Amount(v),
        }),
        (
            any::<u32>(),
            proptest::option::of(any::<u32>()),
            proptest::option::of(any::<i64>()),
            proptest::option::of(any::<i64>()),
            proptest::option::of(any::<i128>()),
            proptest::option::of(any::<i64>()),
        )
            .prop_map(|(i, band, reference, max_qty, notional, pos)| {
                Command::SetControls {
                    instrument: InstrumentId(i),
                    controls: Controls {
                        price_band_bps: band,
                        reference_price: reference.map(Price),
                        max_qty: max_qty.map(Qty),
                        max_notional: notional.map(Amount),
                        max_position: pos.map(Qty),
                    },
                }
            }),
    ]
}

proptest! {
    #[test]
    fn derivatives_commands_round_trip(cmd in arb_derivatives()) {
        let bytes = enc(&cmd);
        prop_assert!(bytes.len() <= MAX_COMMAND_LEN);
        prop_assert_eq!(decode_command(&bytes), Ok(cmd));
    }
}

fn quote_cmd(bid_qty: i64, ask_qty: i64) -> Command {
    Command::Quote(Quote {
        account: AccountId(7),
        instrument: Some(InstrumentId(2)),
        id: id("q"),
        bid_id: id("b"),
        ask_id: id("a"),
        bid: QuoteSide {
            price: Price(99),
            qty: Qty(bid_qty),
        },
        ask: QuoteSide {
            price: Price(101),
            qty: Qty(ask_qty),
        },
    })
}

#[test]
fn golden_quote_and_protection_commands() {
    #[rustfmt::skip]
    let want: Vec<u8> = vec![
        1, 21,                              // version, tag
        7, 0, 0, 0, 0, 0, 0, 0,             // account
        2, 0, 0, 0,                         // instrument
        1, b'q', 1, b'b', 1, b'a',          // quote id, bid id, ask id
        99, 0, 0, 0, 0, 0, 0, 0,            // bid price
        3, 0, 0, 0, 0, 0, 0, 0,             // bid qty
        101, 0, 0, 0, 0, 0, 0, 0,           // ask price
        0, 0, 0, 0, 0, 0, 0, 0,             // ask qty 0: absent
    ];
    assert_eq!(enc(&quote_cmd(3, 0)), want);
    assert_eq!(decode_command(&want), Ok(quote_cmd(3, 0)));
    let set = Command::SetProtection {
        account: AccountId(7),
        instrument: InstrumentId(2),
        limits: ProtectionLimits {
            window_ms: 1_000,
            max_filled: 10,
            max_delta: -1,
            freeze_ms: 5,
        },
    };
    #[rustfmt::skip]
    let want: Vec<u8> = vec![
        1, 22,                              // version, tag
        7, 0, 0, 0, 0, 0, 0, 0,             // account
        2, 0, 0, 0,                         // instrument
        0xE8, 3, 0, 0, 0, 0, 0, 0,          // window 1,000 ms
        10, 0, 0, 0, 0, 0, 0, 0,            // max filled
        0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, // max delta -1
        5, 0, 0, 0, 0, 0, 0, 0,             // freeze
    ];
    assert_eq!(enc(&set), want);
    assert_eq!(decode_command(&want), Ok(set));
    let reset = Command::ResetProtection {
        account: AccountId(7),
        instrument: InstrumentId(2),
    };
    let want: Vec<u8> = vec![1, 23, 7, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0];
    assert_eq!(enc(&reset), want);
    assert_eq!(decode_command(&want), Ok(reset));
}

#[test]
fn the_longest_quote_fits_the_bound() {
    let long = id(&"x".repeat(36));
    let cmd = Command::Quote(Quote {
        account: AccountId(u64::MAX),
        instrument: None,
        id: long,
        bid_id: long,
        ask_id: long,
        bid: QuoteSide {
            price: Price(i64::MIN),
            qty: Qty(i64::MAX),
        },
        ask: QuoteSide {
            price: Price(i64::MAX),
            qty: Qty(i64::MIN),
        },
    });
    let bytes = enc(&cmd);
    assert_eq!(bytes.len(), 157);
    assert!(bytes.len() <= MAX_COMMAND_LEN);
    assert_eq!(decode_command(&bytes), Ok(cmd));
    for cut in 0..bytes.len() {
        assert!(decode_command(&bytes[..cut]).is_err(), "prefix {cut}");
    }
    let mut longer = bytes.clone();
    longer.push(0);
    assert_eq!(decode_command(&longer), Err(CodecError::Trailing(1)));
}

#[test]
fn golden_quote_and_protection_events_and_codes() {
    assert_eq!(
        ev(&Event::Quoted {
            account: AccountId(1),
            instrument: InstrumentId(2),
            id: id("q"),
            bid: Some(OrderId(3)),
            ask: None,
        }),
        [22, 1, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 1, b'q', 1, 3, 0, 0, 0, 0, 0, 0, 0, 0]
    );
    #[rustfmt::skip]
    let want: Vec<u8> = vec![
        23, 1, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0,
        1, 0, 0, 0, 0, 0, 0, 0,
        2, 0, 0, 0, 0, 0, 0, 0,
        3, 0, 0, 0, 0, 0, 0, 0,
        4, 0, 0, 0, 0, 0, 0, 0,
    ];
    assert_eq!(
        ev(&Event::ProtectionSet {
            account: AccountId(1),
            instrument: InstrumentId(2),
            limits: ProtectionLimits {
                window_ms: 1,
                max_filled: 2,
                max_delta: 3,
                freeze_ms: 4,
            },
        }),
        want
    );
    #[rustfmt::skip]
    let want: Vec<u8> = vec![
        24, 1, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0,
        5, 0, 0, 0, 0, 0, 0, 0,                                 // filled
        0xFB, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,         // delta -5
        1, 9, 0, 0, 0, 0, 0, 0, 0,                              // frozen until 9
    ];
    assert_eq!(
        ev(&Event::ProtectionTripped {
            account: AccountId(1),
            instrument: InstrumentId(2),
            filled: 5,
            delta: -5,
            frozen_until: Some(Timestamp(9)),
        }),
        want
    );
    assert_eq!(
        ev(&Event::ProtectionReset {
            account: AccountId(1),
            instrument: InstrumentId(2),
        }),
        [25, 1, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0]
    );
    assert_eq!(rejected(RejectReason::MmProtection)[11], 19);
    assert_eq!(rejected(RejectReason::CrossedQuote)[11], 20);
    assert_eq!(cancelled(CancelReason::Replaced)[15], 10);
    assert_eq!(cancelled(CancelReason::Protection)[15], 11);
    assert_eq!(
        cancelled(CancelReason::Liquidation)[15],
        9,
        "old codes stay"
    );
}

#[test]
fn quote_reasons_sit_in_their_place_of_the_precedence() {
    use RejectReason::*;
    let order = [
        InstrumentHalted,
        MmProtection,
        DuplicateId,
        InvalidQty,
        CrossedQuote,
        InvalidExpire,
    ];
    assert!(order.windows(2).all(|w| w[0] < w[1]));
    assert_eq!(MmProtection.as_str(), "mm_protection");
    assert_eq!(CrossedQuote.as_str(), "crossed_quote");
    assert_eq!(CancelReason::Replaced.as_str(), "replaced");
    assert_eq!(CancelReason::Protection.as_str(), "mm_protection");
}

/// Quotes and protection commands in random shapes.
fn arb_quotes() -> impl Strategy<Value = Command> {
    let side = (any::<i64>(), any::<i64>()).prop_map(|(p, q)| QuoteSide {
        price: Price(p),
        qty: Qty(q),
    });
    prop_oneof![
        (
            any::<u64>(),
            proptest::option::of(0..u32::MAX),
            "[a-z0-9-]{1,36}",
            "[a-z0-9-]{1,36}",
            "[a-z0-9-]{1,36}",
            side.clone(),
            side,
        )
            .prop_map(|(a, i, q, b, s, bid, ask)| Command::Quote(Quote {
                account: AccountId(a),
                instrument: i.map(InstrumentId),
                id: id(&q),
                bid_id: id(&b),
                ask_id: id(&s),
                bid,
                ask,
            })),
        (
            any::<u64>(),
            any::<u32>(),
            any::<u64>(),
            any::<i64>(),
            any::<i64>(),
            any::<u64>()
        )
            .prop_map(|(a, i, w, f, d, z)| Command::SetProtection {
                account: AccountId(a),
                instrument: InstrumentId(i),
                limits: ProtectionLimits {
                    window_ms: w,
                    max_filled: f,
                    max_delta: d,
                    freeze_ms: z,
                },
            }),
        (any::<u64>(), any::<u32>()).prop_map(|(a, i)| Command::ResetProtection {
            account: AccountId(a),
            instrument: InstrumentId(i),
        }),
    ]
}

proptest! {
    #[test]
    fn quote_and_protection_commands_round_trip(cmd in arb_quotes()) {
        let bytes = enc(&cmd);
        prop_assert!(bytes.len() <= MAX_COMMAND_LEN);
        prop_assert_eq!(decode_command(&bytes), Ok(cmd));
    }
}
