//! What every table states: the machine (cores, CPU model, clock) and the git commit.

use std::fs;
use std::process::Command;

/// Facts about the run's machine and source tree.
#[derive(Debug, Clone)]
pub struct Machine {
    /// Logical CPUs of the machine (not only those this process may use).
    pub cores: usize,
    /// `model name` from /proc/cpuinfo, or `unknown`.
    pub cpu_model: String,
    /// `git rev-parse --short HEAD`, or `unknown` (no git, no commit yet).
    pub commit: String,
    /// Whether the CPU flags promise an invariant TSC (quanta then reads the TSC, else the OS).
    pub invariant_tsc: bool,
    /// The 1-minute load average when the benchmark started (other work on these cores).
    pub load: Option<f64>,
    /// This process's scheduling policy and allowed CPUs, e.g. `SCHED_FIFO 50 on CPUs 1`
    /// (set from outside with `chrt` and `taskset`).
    pub scheduling: String,
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
            cores: match cpuinfo
                .lines()
                .filter(|l| l.starts_with("processor"))
                .count()
            {
                0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
                n => n,
            },
            cpu_model: field("model name").unwrap_or_else(|| "unknown".into()),
            commit: git_commit().unwrap_or_else(|| "unknown".into()),
            invariant_tsc: has("constant_tsc") && has("nonstop_tsc") && has("rdtscp"),
            load: fs::read_to_string("/proc/loadavg")
                .ok()
                .and_then(|l| l.split_whitespace().next()?.parse().ok()),
            scheduling: scheduling().unwrap_or_else(|| "unknown".into()),
        }
    }

    /// One line for the top of every table.
    pub fn describe(&self) -> String {
        format!(
            "machine: {} cores, {}; clock: {}; load average {} at start; scheduling: {}; \
             commit {}",
            self.cores,
            self.cpu_model,
            if self.invariant_tsc {
                "TSC via quanta"
            } else {
                "no invariant TSC flag, quanta falls back to the OS clock"
            },
            self.load
                .map_or_else(|| "n/a".into(), |l| format!("{l:.2}")),
            self.scheduling,
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
            "scheduling": self.scheduling,
        })
    }
}

/// Policy, real-time priority and allowed CPUs of this process, from /proc/self.
fn scheduling() -> Option<String> {
    let stat = fs::read_to_string("/proc/self/stat").ok()?;
    let status = fs::read_to_string("/proc/self/status").ok()?;
    let cpus = status
        .lines()
        .find_map(|l| l.strip_prefix("Cpus_allowed_list:"))?
        .trim()
        .to_string();
    Some(format!("{} on CPUs {cpus}", policy(&stat)?))
}

/// `SCHED_FIFO 50`, `SCHED_OTHER`, ... from the text of `/proc/<pid>/stat`.
fn policy(stat: &str) -> Option<String> {
    // Fields after the command name (which may hold spaces); field 3 is the first of them.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let priority: u32 = fields.get(40 - 3)?.parse().ok()?;
    let name = match fields.get(41 - 3)?.parse::<u32>().ok()? {
        0 => "SCHED_OTHER",
        1 => "SCHED_FIFO",
        2 => "SCHED_RR",
        3 => "SCHED_BATCH",
        5 => "SCHED_IDLE",
        6 => "SCHED_DEADLINE",
        _ => "unknown policy",
    };
    Some(if priority > 0 {
        format!("{name} {priority}")
    } else {
        name.to_string()
    })
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

#[cfg(test)]
mod tests {
    use super::policy;

    #[test]
    fn reads_the_policy_from_proc_stat() {
        let mut fields = vec!["0"; 50];
        fields[40 - 3] = "50";
        fields[41 - 3] = "1";
        let stat = format!("123 (bench (x)) {}", fields.join(" "));
        assert_eq!(policy(&stat).as_deref(), Some("SCHED_FIFO 50"));
        fields[40 - 3] = "0";
        fields[41 - 3] = "0";
        let stat = format!("123 (bench) {}", fields.join(" "));
        assert_eq!(policy(&stat).as_deref(), Some("SCHED_OTHER"));
    }
}
