//! End-to-end test of `tradestream serve` through its WebSocket API (docs/ws-api.md).
//!
//! Runs the Python suite in `tests/e2e` (`python3 -m unittest discover -s tests/e2e -v`) against
//! the real server binary of this package: each Python test starts `tradestream serve` on a fresh
//! temporary data dir with a config of its own, talks to it over WebSocket and HTTP, and stops it.
//! The suite covers signed logon, order entry, trades between accounts, market data, cancel on
//! disconnect, rate limits, protocol errors, operator methods, restart recovery and /health and
//! /metrics.
//!
//! It needs Python 3 with two packages: `pip install websockets cryptography`. Without them this
//! test fails (it does not skip). The suite's output is streamed as it runs (visible with
//! `cargo test --test ws_e2e -- --nocapture`) and repeated in the failure message. To run the suite
//! by hand: `TRADESTREAM_BIN=target/release/tradestream python3 -m unittest discover -s tests/e2e -v`.

use std::io::{BufRead, BufReader, Read};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

/// The whole suite takes well under two minutes; this only stops a hung run.
const SUITE_TIMEOUT: Duration = Duration::from_secs(600);

const INSTALL: &str =
    "the WebSocket end-to-end suite needs Python 3 with `websockets` and `cryptography`: \
                       run `pip install websockets cryptography`";

fn python_ready() {
    let check = Command::new("python3")
        .args([
            "-c",
            "import websockets, cryptography; from websockets.asyncio.client import connect",
        ])
        .output();
    match check {
        Err(e) => panic!("cannot run python3 ({e}); {INSTALL}"),
        Ok(out) if !out.status.success() => {
            panic!(
                "{INSTALL}\npython3 said:\n{}",
                String::from_utf8_lossy(&out.stderr)
            )
        }
        Ok(_) => {}
    }
}

/// Copies `stream` line by line to standard error (captured by the test harness unless
/// `--nocapture`) and into `log`.
fn pump(stream: impl Read + Send + 'static, log: Arc<Mutex<String>>) -> thread::JoinHandle<()> {
    thread::spawn(move || {
        for line in BufReader::new(stream).lines() {
            let Ok(line) = line else { break };
            eprintln!("{line}");
            let mut log = log.lock().unwrap();
            log.push_str(&line);
            log.push('\n');
        }
    })
}

#[test]
fn websocket_api_end_to_end() {
    python_ready();
    let root = env!("CARGO_MANIFEST_DIR");
    let mut child = Command::new("python3")
        .args(["-m", "unittest", "discover", "-s", "tests/e2e", "-v"])
        .current_dir(root)
        .env("TRADESTREAM_BIN", env!("CARGO_BIN_EXE_tradestream"))
        .env("PYTHONUNBUFFERED", "1")
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start python3 ({e}); {INSTALL}"));
    let log = Arc::new(Mutex::new(String::new()));
    let readers = [
        pump(child.stdout.take().unwrap(), log.clone()),
        pump(child.stderr.take().unwrap(), log.clone()),
    ];
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("waiting for python3") {
            break Some(status);
        }
        if start.elapsed() > SUITE_TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        thread::sleep(Duration::from_millis(100));
    };
    for r in readers {
        let _ = r.join();
    }
    let log = log.lock().unwrap();
    match status {
        None => panic!("the e2e suite did not finish within {SUITE_TIMEOUT:?}; output:\n{log}"),
        Some(s) if !s.success() => panic!("the e2e suite failed ({s}); output:\n{log}"),
        Some(_) => {
            // `unittest` reports "Ran N tests" and "OK"; make sure something actually ran.
            assert!(
                log.contains("\nOK"),
                "the e2e suite did not report OK:\n{log}"
            );
            assert!(
                !log.contains("Ran 0 tests"),
                "the e2e suite found no tests:\n{log}"
            );
        }
    }
}
