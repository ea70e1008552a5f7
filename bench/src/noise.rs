//! How much of a run the machine took away from us: steal time from `/proc/stat` (the
//! hypervisor ran someone else on our vCPUs) and involuntary context switches of this process
//! from `/proc/self/status` (another process on this VM took our core).

use std::fs;

/// The aggregate `cpu` line of `/proc/stat`, in clock ticks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CpuTimes {
    /// user + nice + system + idle + iowait + irq + softirq + steal.
    total: u64,
    /// steal.
    steal: u64,
}

impl CpuTimes {
    /// Reads the counters now; `None` where `/proc/stat` is missing or not in the Linux format.
    pub fn read() -> Option<CpuTimes> {
        let stat = fs::read_to_string("/proc/stat").ok()?;
        CpuTimes::parse(stat.lines().next()?)
    }

    /// Parses `cpu  user nice system idle iowait irq softirq steal ...`.
    fn parse(line: &str) -> Option<CpuTimes> {
        let mut fields = line.split_whitespace();
        if fields.next()? != "cpu" {
            return None;
        }
        let values: Vec<u64> = fields
            .take(8)
            .map(|f| f.parse().ok())
            .collect::<Option<_>>()?;
        if values.len() < 8 {
            return None;
        }
        Some(CpuTimes {
            total: values.iter().sum(),
            steal: values[7],
        })
    }

    /// Steal as a percentage of all CPU time between `self` and `later`; `None` if no tick passed.
    pub fn steal_percent_until(&self, later: &CpuTimes) -> Option<f64> {
        let total = later.total.checked_sub(self.total)?;
        let steal = later.steal.checked_sub(self.steal)?;
        (total > 0).then(|| 100.0 * steal as f64 / total as f64)
    }
}

/// This process's involuntary context switches so far.
fn preemptions() -> Option<u64> {
    let status = fs::read_to_string("/proc/self/status").ok()?;
    parse_preemptions(&status)
}

/// The `nonvoluntary_ctxt_switches` line of a `/proc/<pid>/status` text.
fn parse_preemptions(status: &str) -> Option<u64> {
    status
        .lines()
        .find_map(|l| l.strip_prefix("nonvoluntary_ctxt_switches:"))
        .and_then(|v| v.trim().parse().ok())
}

/// What the machine took from one run; each part is `None` where the OS does not say.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Noise {
    /// Steal, percent of all CPU time during the run.
    pub steal: Option<f64>,
    /// Times this process was preempted during the run.
    pub preempted: Option<u64>,
}

/// Measures [`Noise`] around one run: `let m = NoiseMeter::start(); ...; m.stop()`.
#[derive(Debug, Clone, Copy)]
pub struct NoiseMeter {
    cpu: Option<CpuTimes>,
    preempted: Option<u64>,
}

impl NoiseMeter {
    /// Reads the counters at the start of a run.
    pub fn start() -> NoiseMeter {
        NoiseMeter {
            cpu: CpuTimes::read(),
            preempted: preemptions(),
        }
    }

    /// The noise since `start` (steal is `None` for a run shorter than one clock tick).
    pub fn stop(&self) -> Noise {
        Noise {
            steal: self
                .cpu
                .zip(CpuTimes::read())
                .and_then(|(a, b)| a.steal_percent_until(&b)),
            preempted: self
                .preempted
                .zip(preemptions())
                .and_then(|(a, b)| b.checked_sub(a)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_cpu_line_and_computes_steal() {
        let a = CpuTimes::parse("cpu  100 0 50 800 10 0 5 35 0 0").expect("valid line");
        let b = CpuTimes::parse("cpu  150 0 60 870 10 0 5 45 0 0").expect("valid line");
        assert_eq!(a.total, 1000);
        assert_eq!(a.steal, 35);
        let pct = a.steal_percent_until(&b).expect("ticks passed");
        assert!((pct - 100.0 * 10.0 / 140.0).abs() < 1e-9, "{pct}");
    }

    #[test]
    fn reads_involuntary_switches() {
        let status = "Name:\tbench\nvoluntary_ctxt_switches:\t12\nnonvoluntary_ctxt_switches:\t7\n";
        assert_eq!(parse_preemptions(status), Some(7));
        assert_eq!(parse_preemptions("Name:\tbench\n"), None);
        assert!(NoiseMeter::start().stop().preempted.is_some());
    }

    #[test]
    fn rejects_other_lines() {
        assert_eq!(CpuTimes::parse("cpu0 1 2 3 4 5 6 7 8"), None);
        assert_eq!(CpuTimes::parse("cpu 1 2 3"), None);
    }
}
