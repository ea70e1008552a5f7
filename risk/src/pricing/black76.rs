//! Black-76 for options on a forward, undiscounted (the venue margins options futures-style).

use tradestream_model::OptionRight;

/// Inputs of Black-76 (all f64, prices in any one unit).
///
/// With `years <= 0` (at or after expiry), `vol <= 0`, or a non-positive forward or strike (the
/// limits of the formula), [`Black76::greeks`] returns the intrinsic value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Black76 {
    /// Call or put.
    pub right: OptionRight,
    /// Forward (here: the underlying's price).
    pub forward: f64,
    /// Strike, in the unit of the forward.
    pub strike: f64,
    /// Time to expiry in years.
    pub years: f64,
    /// Volatility per year, 1.00 = 100%.
    pub vol: f64,
}

/// Price and sensitivities (per unit of the forward; vega per 1.00 of vol; theta per year,
/// negative for decay).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Greeks {
    /// Option value.
    pub price: f64,
    /// dPrice / dForward.
    pub delta: f64,
    /// d²Price / dForward².
    pub gamma: f64,
    /// dPrice / dVol, per 1.00 of volatility.
    pub vega: f64,
    /// Change of the price per year of elapsed time (-dPrice / dYears).
    pub theta: f64,
}

impl Black76 {
    /// Price and greeks; the intrinsic value (delta 1/0 or -1/0, ±0.5 at the money, other greeks
    /// 0) at or after expiry or without volatility.
    pub fn greeks(&self) -> Greeks {
        let (f, k) = (self.forward, self.strike);
        let sd = self.vol * self.years.max(0.0).sqrt();
        // `sd > 0` also catches a product that underflows to zero.
        let priced = self.years > 0.0 && self.vol > 0.0 && f > 0.0 && k > 0.0 && sd > 0.0;
        if !priced {
            return self.intrinsic();
        }
        let d1 = ((f / k).ln() + 0.5 * sd * sd) / sd;
        let d2 = d1 - sd;
        let (price, delta) = match self.right {
            OptionRight::Call => (f * norm_cdf(d1) - k * norm_cdf(d2), norm_cdf(d1)),
            OptionRight::Put => (k * norm_cdf(-d2) - f * norm_cdf(-d1), -norm_cdf(-d1)),
        };
        let pdf = norm_pdf(d1);
        Greeks {
            price: price.max(0.0),
            delta,
            gamma: pdf / (f * sd),
            vega: f * pdf * self.years.sqrt(),
            theta: -f * pdf * self.vol / (2.0 * self.years.sqrt()),
        }
    }

    fn intrinsic(&self) -> Greeks {
        let (f, k) = (self.forward, self.strike);
        let (price, delta) = match self.right {
            OptionRight::Call => ((f - k).max(0.0), step(f, k)),
            OptionRight::Put => ((k - f).max(0.0), -step(k, f)),
        };
        Greeks {
            price,
            delta,
            gamma: 0.0,
            vega: 0.0,
            theta: 0.0,
        }
    }
}

/// 1 if `a > b`, 0.5 if equal, 0 otherwise.
fn step(a: f64, b: f64) -> f64 {
    match a.partial_cmp(&b) {
        Some(std::cmp::Ordering::Greater) => 1.0,
        Some(std::cmp::Ordering::Equal) => 0.5,
        _ => 0.0,
    }
}

/// Standard normal density.
fn norm_pdf(x: f64) -> f64 {
    const INV_SQRT_2PI: f64 = 0.398_942_280_401_432_7;
    INV_SQRT_2PI * (-0.5 * x * x).exp()
}

/// Standard normal distribution function, `erfc(-x / √2) / 2` (absolute error about 2e-16).
fn norm_cdf(x: f64) -> f64 {
    0.5 * erfc(-x * std::f64::consts::FRAC_1_SQRT_2)
}

/// Complementary error function by W. J. Cody's rational Chebyshev approximations ("Rational
/// Chebyshev approximations for the error function", Math. Comp. 23 (1969) 631-637; the double
/// precision coefficients of his CALERF routine), relative error near 1e-16 on each interval.
#[allow(clippy::excessive_precision)] // Cody's published coefficients, kept verbatim.
fn erfc(x: f64) -> f64 {
    const A: [f64; 5] = [
        3.16112374387056560e00,
        1.13864154151050156e02,
        3.77485237685302021e02,
        3.20937758913846947e03,
        1.85777706184603153e-1,
    ];
    const B: [f64; 4] = [
        2.36012909523441209e01,
        2.44024637934444173e02,
        1.28261652607737228e03,
        2.84423683343917062e03,
    ];
    const C: [f64; 9] = [
        5.64188496988670089e-1,
        8.88314979438837594e00,
        6.61191906371416295e01,
        2.98635138197400131e02,
        8.81952221241769090e02,
        1.71204761263407058e03,
        2.05107837782607147e03,
        1.23033935479799725e03,
        2.15311535474403846e-8,
    ];
    const D: [f64; 8] = [
        1.57449261107098347e01,
        1.17693950891312499e02,
        5.37181101862009858e02,
        1.62138957456669019e03,
        3.29079923573345963e03,
        4.36261909014324716e03,
        3.43936767414372164e03,
        1.23033935480374942e03,
    ];
    const P: [f64; 6] = [
        3.05326634961232344e-1,
        3.60344899949804439e-1,
        1.25781726111229246e-1,
        1.60837851487422766e-2,
        6.58749161529837803e-4,
        1.63153871373020978e-2,
    ];
    const Q: [f64; 5] = [
        2.56852019228982242e00,
        1.87295284992346047e00,
        5.27905102951428412e-1,
        6.05183413124413191e-2,
        2.33520497626869185e-3,
    ];
    /// 1 / √π.
    const FRAC_1_SQRT_PI: f64 = 5.6418958354775628695e-1;

    let y = x.abs();
    if y <= 0.468_75 {
        // erf(x) = x R(x²) near zero.
        let z = y * y;
        let (mut num, mut den) = (A[4] * z, z);
        for (a, b) in A[..3].iter().zip(&B[..3]) {
            num = (num + a) * z;
            den = (den + b) * z;
        }
        return 1.0 - x * (num + A[3]) / (den + B[3]);
    }
    // erfc(y) = exp(-y²) R(y), with R rational in y (y <= 4) or in 1/y² (y > 4).
    let scaled = if y <= 4.0 {
        let (mut num, mut den) = (C[8] * y, y);
        for (c, d) in C[..7].iter().zip(&D[..7]) {
            num = (num + c) * y;
            den = (den + d) * y;
        }
        (num + C[7]) / (den + D[7])
    } else if y < 26.543 {
        let z = 1.0 / (y * y);
        let (mut num, mut den) = (P[5] * z, z);
        for (p, q) in P[..4].iter().zip(&Q[..4]) {
            num = (num + p) * z;
            den = (den + q) * z;
        }
        (FRAC_1_SQRT_PI - z * (num + P[4]) / (den + Q[4])) / y
    } else {
        0.0 // erfc underflows
    };
    // exp(-y²) in two factors, so the rounding of y² does not cost accuracy.
    let head = (y * 16.0).trunc() / 16.0;
    let result = (-head * head).exp() * (-(y - head) * (y + head)).exp() * scaled;
    if x < 0.0 {
        2.0 - result
    } else {
        result
    }
}

#[cfg(test)]
mod tests {
    use super::norm_cdf;

    /// Φ(x) from Python mpmath 1.3.0 at 40 significant digits (`mpmath.ncdf`), rounded to f64.
    const REFERENCE: [(f64, f64); 12] = [
        (-37.5, 4.605353009581955e-308),
        (-20.0, 2.7536241186062337e-89),
        (-8.0, 6.220960574271784e-16),
        (-5.0, 2.866515718791939e-07),
        (-2.0, 0.02275013194817921),
        (-1.0, 0.15865525393145705),
        (-0.5, 0.3085375387259869),
        (0.0, 0.5),
        (0.3, 0.6179114221889527),
        (1.5, 0.9331927987311419),
        (3.0, 0.9986501019683699),
        (8.0, 0.9999999999999993),
    ];

    #[test]
    fn normal_cdf_matches_high_precision_reference() {
        for (x, want) in REFERENCE {
            let got = norm_cdf(x);
            assert!((got - want).abs() < 1e-15, "Φ({x}) = {got}, want {want}");
            if want > 0.0 {
                assert!(((got - want) / want).abs() < 1e-12, "Φ({x}) relative error");
            }
        }
    }

    #[test]
    fn normal_cdf_is_symmetric_and_monotone() {
        let mut previous = 0.0;
        for i in -4000..=4000 {
            let x = f64::from(i) / 500.0;
            let p = norm_cdf(x);
            assert!(p >= previous, "Φ decreases at {x}");
            assert!(
                (p + norm_cdf(-x) - 1.0).abs() < 2e-16,
                "Φ({x}) + Φ(-{x}) != 1"
            );
            previous = p;
        }
    }
}
