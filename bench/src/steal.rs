//! Steal time from `/proc/stat`: the share of a run the hypervisor gave our vCPUs to others.

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
        let values: Vec<u64> = fields.take(8).map(|f| f.parse().ok()).collect::<Option<_>>()?;
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

/// Measures steal around one run: `let s = StealMeter::start(); ...; s.stop()`.
#[derive(Debug, Clone, Copy)]
pub struct StealMeter {
    start: Option<CpuTimes>,
}

impl StealMeter {
    /// Reads the counters at the start of a run.
    pub fn start() -> StealMeter {
        StealMeter {
            start: CpuTimes::read(),
        }
    }

    /// Steal percentage since `start`, `None` when unknown (no /proc/stat, or a run too short
    /// for one clock tick).
    pub fn stop(&self) -> Option<f64> {
        self.start?.steal_percent_until(&CpuTimes::read()?)
    }
}

#[cfg(test)]
mod tests {
    use super::CpuTimes;

    #[test]
    fn parses_the_cpu_line_and_computes_steal() {
        let a = CpuTimes::parse("cpu  100 0 50 800 10 0 5 35 0 0").expect("valid line");
        let b = CpuTimes::parse("cpu  150 0 60 870 10 0 5 45 0 0").expect("valid line");
        assert_eq!(a.total, 1000);
        assert_eq!(a.steal, 35);
        let pct = a.steal_percent_until(&b).expect("ticks passed");
        assert!((pct - 7.692).abs() < 0.01, "{pct}");
    }

    #[test]
    fn rejects_other_lines() {
        assert_eq!(CpuTimes::parse("cpu0 1 2 3 4 5 6 7 8"), None);
        assert_eq!(CpuTimes::parse("cpu 1 2 3"), None);
    }
}
