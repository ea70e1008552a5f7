//! The command encoding: golden bytes, round trips of every variant, garbage never panics.

use proptest::prelude::*;
use tradestream_model::codec::{decode_command, encode_command, CodecError, MAX_COMMAND_LEN};
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
        })),
        Command::AddInstrument(spec(InstrumentKind::Perpetual {
            funding_interval_ms: 28_800_000,
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
    ]
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

proptest! {
    #[test]
    fn new_orders_round_trip(cmd in arb_new()) {
        prop_assert_eq!(decode_command(&enc(&cmd)), Ok(cmd));
    }

    #[test]
    fn garbage_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
        if let Ok(cmd) = decode_command(&bytes) {
            // Whatever decodes re-encodes to the same bytes: the encoding is canonical.
            prop_assert_eq!(enc(&cmd), bytes);
        }
    }
}
