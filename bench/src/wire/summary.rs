//! The JSON summary: every run of every row, the medians the tables quote, the ratios to the
//! floors, the target's verdicts and the market-data delay.

use serde_json::{json, Value};

use super::results::{Measured, Results};
use super::settings::Settings;
use super::target::{Ratios, P50_TARGET, P99_TARGET, TARGET_RATE};
use crate::journal::latency::Latency;
use crate::ws::results::{latency, med, problems};
use crate::ws::settings::Ack;

/// The measurements as JSON (the caller adds machine, storage and settings).
pub fn results(r: &Results, settings: &Settings) -> Value {
    let ratios = |gateway, measured, rate| {
        let l = r.latency(gateway, measured, rate)?;
        let floor = r.latency(gateway, Measured::Floor, rate)?;
        Some(Ratios::of(&l, &floor))
    };
    json!({
        "rows": r.rows.iter().map(|row| {
            let x = match row.measured {
                Measured::Floor => None,
                m => ratios(row.gateway, m, row.rate),
            };
            json!({
                "gateway": row.gateway.name(),
                "measured": row.measured.name(),
                "rate": row.rate,
                "order_wire_bytes": row.bytes,
                "median": {
                    "latency": latency(&row.runs, |s| s.latency).map(Latency::to_json),
                    "sent": med(&row.runs, |s| s.sent as f64),
                    "answered": med(&row.runs, |s| s.answered as f64),
                },
                "over_floor": x.map(|x| json!({"p50": x.p50, "p99": x.p99, "p99_9": x.p999})),
                "problems": problems(&row.runs, |s| &s.problems).to_json(),
                "runs": row.runs.iter().map(|s| json!({
                    "latency": s.latency.to_json(),
                    "send_lateness": s.lateness.map(Latency::to_json),
                    "sent": s.sent,
                    "answered": s.answered,
                    "problems": s.problems.to_json(),
                    "noise": s.noise.to_json(),
                })).collect::<Vec<_>>(),
            })
        }).collect::<Vec<_>>(),
        "target": {
            "rate": TARGET_RATE,
            "fast_p50_over_floor_at_most": P50_TARGET,
            "fast_p99_over_floor_at_most": P99_TARGET,
            "gateways": settings.gateways.iter().map(|&g| {
                let x = ratios(g, Measured::Gateway(Ack::Fast), TARGET_RATE);
                json!({
                    "gateway": g.name(),
                    "fast_p50_over_floor": x.map(|x| x.p50),
                    "p50_met": x.map(|x| x.p50_met()),
                    "fast_p99_over_floor": x.map(|x| x.p99),
                    "p99_met": x.map(|x| x.p99_met()),
                })
            }).collect::<Vec<_>>(),
        },
        "market_data": r.md.iter().map(|row| json!({
            "gateway": row.gateway.name(),
            "ack": row.ack.name(),
            "rate": settings.md_rate,
            "median": latency(&row.runs, |m| m.latency).map(Latency::to_json),
            "problems": problems(&row.runs, |m| &m.problems).to_json(),
            "runs": row.runs.iter().map(|m| json!({
                "latency": m.latency.to_json(),
                "placed": m.placed,
                "shown": m.shown,
                "problems": m.problems.to_json(),
                "noise": m.noise.to_json(),
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "failures": r.failures,
    })
}
