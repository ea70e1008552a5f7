//! The JSON summary: every run of every measurement, plus the medians the tables quote and the
//! ratios to the floors.

use serde_json::{json, Value};

use super::floor::Mode;
use super::latency::Latency;
use super::results::{latency, med, problems, ratio, Results};
use super::settings::{Ack, Settings};
use super::tables::{DURABLE_TARGET, P50_TARGET, P99_TARGET, TARGET_RATE};

/// The measurements as JSON (the caller adds machine, storage and settings).
pub fn results(r: &Results, settings: &Settings) -> Value {
    let fsync_p50 = r.fsync(Mode::Append).map(|l| l.p50());
    json!({
        "frame_wire_bytes": r.frame_bytes,
        "failures": r.failures,
        "fdatasync": r.fsync.iter().map(|row| json!({
            "mode": row.mode.name(),
            "what": row.mode.describe(),
            "median": latency(&row.runs, |x| x.latency).map(Latency::to_json),
            "runs": row.runs.iter().map(|run| json!({
                "latency": run.latency.to_json(),
                "noise": run.noise.to_json(),
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "fdatasync_p50_ns": fsync_p50,
        "tcp_echo": r.echo.iter().map(|row| json!({
            "rate": row.rate,
            "median": latency(&row.runs, |x| x.latency).map(Latency::to_json),
            "runs": row.runs.iter().map(|run| json!({
                "latency": run.latency.to_json(),
                "message_bytes": run.bytes,
                "noise": run.noise.to_json(),
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "order_entry": r.entry.iter().map(|row| json!({
            "ack": row.ack.name(),
            "rate": row.rate,
            "median": {
                "latency": latency(&row.runs, |x| x.latency).map(Latency::to_json),
                "send_lateness": latency(&row.runs, |x| x.lateness).map(Latency::to_json),
                "answer_bytes": med(&row.runs, |x| x.answer_bytes),
            },
            "problems": problems(&row.runs, |x| &x.problems).to_json(),
            "runs": row.runs.iter().map(|run| json!({
                "latency": run.latency.to_json(),
                "send_lateness": run.lateness.to_json(),
                "sent": run.sent,
                "answered": run.answered,
                "answer_bytes": run.answer_bytes,
                "frame_wire_bytes": run.frame_bytes,
                "problems": run.problems.to_json(),
                "noise": run.noise.to_json(),
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "against_floor": settings.rates.iter().map(|&rate| {
            let (echo, fast, durable) =
                (r.echo(rate), r.entry(Ack::Fast, rate), r.entry(Ack::Durable, rate));
            let q = |l: Option<Latency>, i: usize| l.map(|l| l.quantiles[i]);
            let extra = fast.zip(durable).map(|(f, d)| d.p50() as f64 - f.p50() as f64);
            json!({
                "rate": rate,
                "fast_p50_over_echo_p50": q(fast, 0).zip(q(echo, 0)).map(|(a, b)| ratio(a, b)),
                "fast_p99_over_echo_p99": q(fast, 2).zip(q(echo, 2)).map(|(a, b)| ratio(a, b)),
                "fast_p999_over_echo_p999": q(fast, 3).zip(q(echo, 3)).map(|(a, b)| ratio(a, b)),
                "durable_minus_fast_p50_ns": extra,
                "durable_minus_fast_p50_in_fdatasyncs":
                    extra.zip(fsync_p50).map(|(e, s)| e / s.max(1) as f64),
            })
        }).collect::<Vec<_>>(),
        "targets": {
            "rate": TARGET_RATE,
            "fast_p50_over_echo_p50": P50_TARGET,
            "fast_p99_over_echo_p99": P99_TARGET,
            "durable_minus_fast_p50_in_fdatasyncs_at_most": DURABLE_TARGET,
        },
        "fanout": r.fanout.iter().map(|row| json!({
            "ack": row.ack.name(),
            "rate": row.rate,
            "median": {
                "every_subscriber": latency(&row.runs, |x| x.all).map(Latency::to_json),
                "last_subscriber": latency(&row.runs, |x| x.last).map(Latency::to_json),
            },
            "problems": problems(&row.runs, |x| &x.problems).to_json(),
            "runs": row.runs.iter().map(|run| json!({
                "every_subscriber": run.all.to_json(),
                "last_subscriber": run.last.to_json(),
                "subscribers": run.subscribers,
                "updates": run.updates,
                "seq_gaps": run.gaps,
                "cut_off": run.closed,
                "setup_secs": run.setup_secs,
                "problems": run.problems.to_json(),
                "noise": run.noise.to_json(),
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
    })
}
