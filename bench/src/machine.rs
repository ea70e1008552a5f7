//! What every table states: the machine (cores, CPU model, clock) and the git commit.

use std::fs;
use std::process::Command;

/// Facts about the run's machine and source tree.
#[derive(Debug, Clone)]
pub struct Machine {
    /// Logical CPUs available to this process.
    pub cores: usize,
    /// `model name` from /proc/cpuinfo, or `unknown`.
    pub cpu_model: String,
    /// `git rev-parse --short HEAD`, or `unknown` (no git, no commit yet).
    pub commit: String,
    /// Whether the CPU flags promise an invariant TSC (quanta then reads the TSC, else the OS).
    pub invariant_tsc: bool,
    /// The 1-minute load average when the benchmark started (other work on these cores).
    pub load: Option<f64>,
}

impl Machine {
    /// Gathers the facts; every source is optional and falls back to `unknown`.
    pub fn detect() -> Machine {
        let cpuinfo = fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
        let field = |name: &str| {
            cpuinfo
                .lines()
                .find(|l| l.starts_with(name))
                .and_then(|l| l.split_once(':'))
                .map(|(_, v)| v.trim().to_string())
        };
        let flags = field("flags").unwrap_or_default();
        let has = |flag: &str| flags.split_whitespace().any(|f| f == flag);
        Machine {
            cores: std::thread::available_parallelism().map_or(1, |n| n.get()),
            cpu_model: field("model name").unwrap_or_else(|| "unknown".into()),
            commit: git_commit().unwrap_or_else(|| "unknown".into()),
            invariant_tsc: has("constant_tsc") && has("nonstop_tsc") && has("rdtscp"),
            load: fs::read_to_string("/proc/loadavg")
                .ok()
                .and_then(|l| l.split_whitespace().next()?.parse().ok()),
        }
    }

    /// One line for the top of every table.
    pub fn describe(&self) -> String {
        format!(
            "machine: {} cores, {}; clock: {}; load average {} at start; commit {}",
            self.cores,
            self.cpu_model,
            if self.invariant_tsc {
                "TSC via quanta"
            } else {
                "no invariant TSC flag, quanta falls back to the OS clock"
            },
            self.load
                .map_or_else(|| "n/a".into(), |l| format!("{l:.2}")),
            self.commit
        )
    }

    /// The same facts as JSON.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "cores": self.cores,
            "cpu_model": self.cpu_model,
            "commit": self.commit,
            "invariant_tsc": self.invariant_tsc,
            "load_average_1m": self.load,
        })
    }
}

/// The short hash of HEAD, if git runs and the tree has a commit.
fn git_commit() -> Option<String> {
    let out = Command::new("git")
        .args(["rev-parse", "--short", "HEAD"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .ok()?;
    let hash = String::from_utf8(out.stdout).ok()?.trim().to_string();
    (out.status.success() && !hash.is_empty()).then_some(hash)
}
