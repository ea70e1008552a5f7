//! Option pricing: Black-76 against independent reference values, and the risk-array scan.
//!
//! Reference prices were computed with Python's `mpmath` 1.3.0 at 50 significant digits
//! (`mpmath.ncdf`, undiscounted Black-76) and agree with a plain-f64 evaluation using
//! `math.erf` to 1e-14. At the money they also follow the closed form `F (2 N(vol √T / 2) - 1)`.

use proptest::prelude::*;
use tradestream_model::{OptionRight, Price, Timestamp};
use tradestream_risk::pricing::{
    price_option, Black76, Greeks, OptionQuote, PricingError, ScanRange,
};

use OptionRight::{Call, Put};

const DAY_MS: i64 = 86_400_000;
const YEAR_MS: i64 = 365 * DAY_MS;
const NOW: Timestamp = Timestamp(1_700_000_000_000);

fn b76(right: OptionRight, forward: f64, strike: f64, years: f64, vol: f64) -> Greeks {
    Black76 {
        right,
        forward,
        strike,
        years,
        vol,
    }
    .greeks()
}

fn close(got: f64, want: f64, tolerance: f64) {
    assert!(
        (got - want).abs() <= tolerance,
        "got {got}, want {want} (±{tolerance})"
    );
}

fn quote(right: OptionRight, underlying: i64, strike: i64, ms: i64, vol_ppm: u32) -> OptionQuote {
    let expiry = Timestamp(NOW.0 + ms);
    let range = ScanRange::default();
    price_option(
        right,
        Price(underlying),
        Price(strike),
        NOW,
        expiry,
        vol_ppm,
        range,
    )
    .unwrap()
}

// ---- Black-76 ----

#[test]
fn black76_matches_reference_values() {
    // (right, F, K, T, vol, price) from mpmath.
    let cases = [
        (Call, 100.0, 100.0, 1.0, 0.2, 7.965_567_455_405_797),
        (Put, 100.0, 100.0, 1.0, 0.2, 7.965_567_455_405_797),
        (Call, 100.0, 110.0, 0.5, 0.3, 4.745_683_813_458_089),
        (Put, 100.0, 110.0, 0.5, 0.3, 14.745_683_813_458_09),
        (Call, 50.0, 40.0, 0.25, 0.45, 10.848_197_150_201_218),
        (Put, 50.0, 40.0, 0.25, 0.45, 0.848_197_150_201_218_3),
        (Call, 1000.0, 1000.0, 1.0, 0.3, 119.235_384_74),
    ];
    for (right, f, k, t, vol, want) in cases {
        close(b76(right, f, k, t, vol).price, want, 1e-9);
    }
}

#[test]
fn put_call_parity() {
    for (f, k, t, vol) in [
        (100.0, 100.0, 1.0, 0.2),
        (100.0, 110.0, 0.5, 0.3),
        (50.0, 40.0, 0.25, 0.45),
        (1.0, 3.0, 2.0, 1.5),
        (12_345.0, 9_876.0, 0.01, 0.8),
    ] {
        let call = b76(Call, f, k, t, vol);
        let put = b76(Put, f, k, t, vol);
        close(call.price - put.price, f - k, 1e-9);
        close(call.delta - put.delta, 1.0, 1e-12);
        close(call.gamma, put.gamma, 1e-15);
        close(call.vega, put.vega, 1e-12);
        close(call.theta, put.theta, 1e-12);
    }
}

#[test]
fn greeks_match_finite_differences() {
    for right in [Call, Put] {
        for (f, k, t, vol) in [
            (100.0, 100.0, 1.0, 0.2),
            (100.0, 110.0, 0.5, 0.3),
            (50.0, 40.0, 0.25, 0.45),
        ] {
            let at = |f: f64, t: f64, vol: f64| b76(right, f, k, t, vol).price;
            let g = b76(right, f, k, t, vol);
            let h = 1e-3;
            close(
                g.delta,
                (at(f + h, t, vol) - at(f - h, t, vol)) / (2.0 * h),
                1e-8,
            );
            let second = at(f + h, t, vol) - 2.0 * at(f, t, vol) + at(f - h, t, vol);
            close(g.gamma, second / (h * h), 1e-5);
            let hv = 1e-6;
            close(
                g.vega,
                (at(f, t, vol + hv) - at(f, t, vol - hv)) / (2.0 * hv),
                1e-6,
            );
            let ht = 1e-6;
            close(
                g.theta,
                -(at(f, t + ht, vol) - at(f, t - ht, vol)) / (2.0 * ht),
                1e-5,
            );
            assert!(g.gamma > 0.0 && g.vega > 0.0 && g.theta < 0.0, "{g:?}");
        }
    }
}

#[test]
fn at_the_money_greeks_in_closed_form() {
    // F = K = 100, T = 1, vol = 0.2: d1 = 0.1, φ(0.1) = 0.396952547477011765 (mpmath).
    let g = b76(Call, 100.0, 100.0, 1.0, 0.2);
    let pdf = 0.396_952_547_477_011_8;
    close(g.delta, 0.539_827_837_277_029, 1e-15); // Φ(0.1)
    close(g.gamma, pdf / 20.0, 1e-15);
    close(g.vega, 100.0 * pdf, 1e-12);
    close(g.theta, -100.0 * pdf * 0.2 / 2.0, 1e-12);
}

#[test]
fn intrinsic_at_and_after_expiry_or_without_vol() {
    for (years, vol) in [(0.0, 0.2), (-1.0, 0.2), (1.0, 0.0)] {
        let flat = |right, f, price, delta| {
            let want = Greeks {
                price,
                delta,
                gamma: 0.0,
                vega: 0.0,
                theta: 0.0,
            };
            assert_eq!(b76(right, f, 100.0, years, vol), want);
        };
        flat(Call, 120.0, 20.0, 1.0);
        flat(Call, 80.0, 0.0, 0.0);
        flat(Call, 100.0, 0.0, 0.5);
        flat(Put, 80.0, 20.0, -1.0);
        flat(Put, 120.0, 0.0, 0.0);
        flat(Put, 100.0, 0.0, -0.5);
    }
}

// ---- price_option ----

#[test]
fn marks_round_to_the_nearest_tick() {
    assert_eq!(
        quote(Call, 10_000, 10_000, YEAR_MS, 200_000).mark,
        Price(797)
    ); // 796.557
    assert_eq!(
        quote(Put, 10_000, 10_000, YEAR_MS, 200_000).mark,
        Price(797)
    );
    assert_eq!(quote(Call, 100, 110, YEAR_MS / 2, 300_000).mark, Price(5)); // 4.746
    assert_eq!(quote(Put, 100, 110, YEAR_MS / 2, 300_000).mark, Price(15)); // 14.746
    assert_eq!(quote(Call, 1000, 1000, YEAR_MS, 300_000).mark, Price(119)); // 119.235
}

#[test]
fn quote_carries_the_unshifted_greeks() {
    let q = quote(Call, 10_000, 10_000, YEAR_MS, 200_000);
    assert_eq!(q.greeks, b76(Call, 10_000.0, 10_000.0, 1.0, 0.2));
    close(q.greeks.price, 796.556_745_540_579_7, 1e-9);
}

#[test]
fn risk_array_layout_at_expiry_is_intrinsic() {
    // Moves of -15%, -10%, -5%, 0, 5%, 10%, 15% of 3000: 2550 .. 3450, the same for both vols.
    let call = quote(Call, 3000, 3000, 0, 200_000);
    assert_eq!(call.mark, Price(0));
    assert_eq!(
        call.values,
        [0, 0, 0, 0, 0, 0, 0, 0, 150, 150, 300, 300, 450, 450]
    );
    let put = quote(Put, 3000, 3000, -DAY_MS, 200_000);
    assert_eq!(
        put.values,
        [450, 450, 300, 300, 150, 150, 0, 0, 0, 0, 0, 0, 0, 0]
    );
}

#[test]
fn risk_array_revalues_each_scenario() {
    let q = quote(Call, 10_000, 10_000, YEAR_MS, 200_000);
    for m in 0..7 {
        let forward = 10_000.0 * (1.0 + (m as f64 - 3.0) * 0.05);
        let up = b76(Call, forward, 10_000.0, 1.0, 0.3).price.round() as i64;
        let down = b76(Call, forward, 10_000.0, 1.0, 0.1).price.round() as i64;
        assert_eq!(
            (q.values[2 * m], q.values[2 * m + 1]),
            (up, down),
            "m = {m}"
        );
    }
    // At the money: 10000 x (2 Φ(0.15) - 1) = 1192.35 with vol 0.3, 398.78 with vol 0.1.
    assert_eq!((q.values[6], q.values[7]), (1192, 399));
}

#[test]
fn unshifted_middle_scenario_is_the_mark() {
    let range = ScanRange {
        move_bps: 1500,
        vol_shift_ppm: 0,
    };
    for right in [Call, Put] {
        let expiry = Timestamp(NOW.0 + 90 * DAY_MS);
        let q = price_option(right, Price(4321), Price(4000), NOW, expiry, 650_000, range).unwrap();
        assert_eq!(q.values[6], q.mark.0);
        assert_eq!(q.values[7], q.mark.0);
        for m in 0..7 {
            assert_eq!(q.values[2 * m], q.values[2 * m + 1], "no shift, same value");
        }
    }
}

#[test]
fn values_move_with_the_underlying_and_the_vol() {
    let call = quote(Call, 10_000, 10_500, 60 * DAY_MS, 600_000);
    let put = quote(Put, 10_000, 10_500, 60 * DAY_MS, 600_000);
    for m in 0..6 {
        for v in 0..2 {
            assert!(
                call.values[2 * m + v] < call.values[2 * m + 2 + v],
                "call at m = {m}"
            );
            assert!(
                put.values[2 * m + v] > put.values[2 * m + 2 + v],
                "put at m = {m}"
            );
        }
    }
    for m in 0..7 {
        assert!(
            call.values[2 * m] > call.values[2 * m + 1],
            "call vol-up above vol-down"
        );
        assert!(
            put.values[2 * m] > put.values[2 * m + 1],
            "put vol-up above vol-down"
        );
    }
}

#[test]
fn down_shifted_vol_is_floored_at_one_percent() {
    // 5% - 10 points floors at 1%: 1_000_000 x (2 Φ(0.005) - 1) = 3989.41.
    let q = quote(Call, 1_000_000, 1_000_000, YEAR_MS, 50_000);
    assert_eq!(q.values[7], 3989);
    // A vol already below 1% is not raised: 0.5% gives 1994.71, the mark.
    let q = quote(Call, 1_000_000, 1_000_000, YEAR_MS, 5_000);
    assert_eq!((q.mark, q.values[7]), (Price(1995), 1995));
}

#[test]
fn deep_out_of_the_money_marks_zero() {
    // 2.6e-5 and 1.3e-5 ticks.
    let call = quote(Call, 1000, 2000, 30 * DAY_MS, 500_000);
    assert_eq!(call.mark, Price(0));
    let put = quote(Put, 1000, 500, 30 * DAY_MS, 500_000);
    assert_eq!(put.mark, Price(0));
    assert_eq!(put.values[12..], [0, 0]);
}

#[test]
fn bad_inputs_are_rejected() {
    let price = |underlying, strike, vol_ppm, range| {
        let expiry = Timestamp(NOW.0 + YEAR_MS);
        price_option(
            Call,
            Price(underlying),
            Price(strike),
            NOW,
            expiry,
            vol_ppm,
            range,
        )
    };
    let range = ScanRange::default();
    assert_eq!(
        price(0, 100, 200_000, range),
        Err(PricingError::NonPositiveUnderlying)
    );
    assert_eq!(
        price(-5, 100, 200_000, range),
        Err(PricingError::NonPositiveUnderlying)
    );
    assert_eq!(
        price(100, 0, 200_000, range),
        Err(PricingError::NonPositiveStrike)
    );
    assert_eq!(
        price(100, -1, 200_000, range),
        Err(PricingError::NonPositiveStrike)
    );
    assert_eq!(price(100, 100, 0, range), Err(PricingError::BadVol));
    assert_eq!(
        price(100, 100, 10_000_001, range),
        Err(PricingError::BadVol)
    );
    assert!(price(100, 100, 10_000_000, range).is_ok());
    // +3 thirds of 300% quadruples the underlying: beyond i64 ticks.
    let wide = ScanRange {
        move_bps: 30_000,
        vol_shift_ppm: 0,
    };
    assert_eq!(
        price(i64::MAX / 2, 1, 200_000, wide),
        Err(PricingError::Overflow)
    );
    assert_eq!(
        PricingError::BadVol.to_string(),
        "the volatility must be 1 to 10000000 ppm"
    );
}

#[test]
fn moves_below_minus_100_percent_floor_the_underlying_at_zero() {
    // -3 thirds of 150% would be -50%: the put is worth its strike, the call nothing.
    let range = ScanRange {
        move_bps: 15_000,
        vol_shift_ppm: 0,
    };
    let expiry = Timestamp(NOW.0 + YEAR_MS);
    let put = price_option(Put, Price(100), Price(80), NOW, expiry, 200_000, range).unwrap();
    assert_eq!(put.values[..2], [80, 80]);
    let call = price_option(Call, Price(100), Price(80), NOW, expiry, 200_000, range).unwrap();
    assert_eq!(call.values[..2], [0, 0]);
}

proptest! {
    #[test]
    fn values_are_monotone_in_the_move_and_non_negative(
        call in any::<bool>(),
        underlying in 1i64..1_000_000_000,
        strike in 1i64..1_000_000_000,
        ms in -YEAR_MS..3 * YEAR_MS,
        vol_ppm in 1u32..=10_000_000,
        move_bps in 0u32..5_000,
        vol_shift_ppm in 0u32..1_000_000,
    ) {
        let right = if call { Call } else { Put };
        let range = ScanRange { move_bps, vol_shift_ppm };
        let expiry = Timestamp(NOW.0 + ms);
        let q = price_option(right, Price(underlying), Price(strike), NOW, expiry, vol_ppm, range)
            .unwrap();
        prop_assert!(q.mark.0 >= 0);
        prop_assert!(q.values.iter().all(|&v| v >= 0));
        for m in 0..6 {
            for v in 0..2 {
                let (here, next) = (q.values[2 * m + v], q.values[2 * m + 2 + v]);
                match right {
                    Call => prop_assert!(here <= next, "call {:?}", q.values),
                    Put => prop_assert!(here >= next, "put {:?}", q.values),
                }
            }
        }
        for m in 0..7 {
            prop_assert!(q.values[2 * m] >= q.values[2 * m + 1], "vol {:?}", q.values);
        }
    }
}
