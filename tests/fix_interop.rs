//! Interop of `tradestream serve`'s FIX 4.4 acceptor with QuickFIX/C++, a FIX engine we did not
//! write.
//!
//! Starts the real server binary of this package on a fresh temporary data dir (FIX, WebSocket
//! and HTTP on ephemeral ports, `ack = "durable"`), then runs `tests/fix/interop_initiator.py`:
//! QuickFIX (the PyPI wheel `quickfix-py`) as the initiator of sessions CLIENT1 and CLIENT2,
//! validating everything the server sends with gateways/fix/spec/FIX44.xml. The script logs on,
//! lists securities, subscribes to market data, places, amends and cancels orders, cuts
//! CLIENT1's TCP connection (through a relay of its own) while CLIENT2 fills CLIENT1's order,
//! and checks that after the reconnect the server resends the missed fill (PossDupFlag=Y,
//! OrigSendingTime) with no sequence number lost; then order status, mass status, mass cancel
//! and logout. See the script's docstring for the steps.
//!
//! It needs Python 3 with `quickfix-py` (`python3 -m pip install quickfix-py`); without it this
//! test fails, it does not skip. The script's transcript is streamed as it runs (visible with
//! `cargo test --test fix_interop -- --nocapture`) and repeated in a failure message.

use std::io::{BufRead, BufReader, Read};
use std::net::SocketAddr;
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

const INSTALL: &str = "install quickfix-py: python3 -m pip install quickfix-py";
/// The scenario takes a few seconds; this only stops a hung run.
const SCENARIO_TIMEOUT: Duration = Duration::from_secs(90);
const STARTUP_TIMEOUT: Duration = Duration::from_secs(60);
const STOP_TIMEOUT: Duration = Duration::from_secs(30);

fn quickfix_ready() {
    match Command::new("python3")
        .args(["-c", "import quickfix"])
        .output()
    {
        Err(e) => panic!("cannot run python3 ({e}); {INSTALL}"),
        Ok(out) if !out.status.success() => panic!(
            "{INSTALL}\npython3 said:\n{}",
            String::from_utf8_lossy(&out.stderr)
        ),
        Ok(_) => {}
    }
}

/// Copies `stream` line by line to standard error (prefixed with `prefix`) and into `log`,
/// handing each line to `each`.
fn pump(
    stream: impl Read + Send + 'static,
    prefix: &'static str,
    log: Arc<Mutex<String>>,
    mut each: impl FnMut(&str) + Send + 'static,
) -> thread::JoinHandle<()> {
    thread::spawn(move || {
        for line in BufReader::new(stream).lines() {
            let Ok(line) = line else { break };
            eprintln!("{prefix}{line}");
            each(&line);
            let mut log = log.lock().unwrap();
            log.push_str(&line);
            log.push('\n');
        }
    })
}

/// Waits for `child` at most `limit`; None if it is still running.
fn wait_for(child: &mut Child, limit: Duration) -> Option<ExitStatus> {
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("waiting for a child process") {
            return Some(status);
        }
        if start.elapsed() > limit {
            return None;
        }
        thread::sleep(Duration::from_millis(50));
    }
}

/// The server under test: killed on drop if still running.
struct Server {
    child: Child,
    log: Arc<Mutex<String>>,
    pumps: Vec<thread::JoinHandle<()>>,
}

impl Server {
    /// Starts `tradestream serve --config <dir>/c.toml` and returns it with its FIX address.
    fn start(dir: &Path) -> (Server, SocketAddr) {
        let data = dir.join("data");
        let data = serde_json::to_string(data.to_str().expect("a UTF-8 temp dir")).unwrap();
        let config = format!(
            r#"data_dir = {data}
ack = "durable"
snapshot_every = 0

[engine]
idle = "park"

[ws]
listen = "127.0.0.1:0"

[http]
listen = "127.0.0.1:0"

[quic]
listen = "127.0.0.1:0"

[fix]
enabled = true
listen = "127.0.0.1:0"
mode = "exchange"
sender_comp_id = "TRADESTREAM"
reset_on_logon = false

[[fix.sessions]]
target_comp_id = "CLIENT1"
account = 1
cancel_on_disconnect = false

[[fix.sessions]]
target_comp_id = "CLIENT2"
account = 2
cancel_on_disconnect = false

[[instruments]]
symbol = "BTC-USD"
base = "BTC"
quote = "USD"
tick = "0.5"
lot = "0.0001"
maker_fee_bps = -1
taker_fee_bps = 5

[[accounts]]
id = 1
deposits = {{ USD = "1000000", BTC = "10" }}

[[accounts]]
id = 2
deposits = {{ USD = "1000000", BTC = "10" }}
"#
        );
        let path = dir.join("c.toml");
        std::fs::write(&path, config).expect("write the server config");
        let mut child = Command::new(env!("CARGO_BIN_EXE_tradestream"))
            .arg("serve")
            .arg("--config")
            .arg(&path)
            .current_dir(dir)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start tradestream serve");
        let log = Arc::new(Mutex::new(String::new()));
        let (tx, rx) = mpsc::channel();
        let found = move |line: &str| {
            if let Some(rest) = line.strip_prefix("fix listening on ") {
                let addr = rest.split_whitespace().next().unwrap_or_default();
                let _ = tx.send(addr.parse::<SocketAddr>());
            }
        };
        let pumps = vec![
            pump(
                child.stdout.take().unwrap(),
                "[server] ",
                log.clone(),
                found,
            ),
            pump(
                child.stderr.take().unwrap(),
                "[server] ",
                log.clone(),
                |_| {},
            ),
        ];
        let mut server = Server { child, log, pumps };
        let addr = match rx.recv_timeout(STARTUP_TIMEOUT) {
            Ok(Ok(addr)) => addr,
            Ok(Err(e)) => server.fail(&format!("unreadable `fix listening on` line ({e})")),
            Err(mpsc::RecvTimeoutError::Timeout) => server.fail(&format!(
                "no `fix listening on` line in {STARTUP_TIMEOUT:?}"
            )),
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                let _ = wait_for(&mut server.child, Duration::from_secs(5));
                server.fail("the server exited before listening for FIX")
            }
        };
        (server, addr)
    }

    fn output(&self) -> String {
        self.log.lock().unwrap().clone()
    }

    fn fail(&mut self, what: &str) -> ! {
        let _ = self.child.kill();
        let _ = self.child.wait();
        panic!("{what}; server output:\n{}", self.output())
    }

    /// SIGTERM (graceful stop), then waits; the exit status and everything the server printed.
    fn stop(mut self) -> (ExitStatus, String) {
        let pid = self.child.id().to_string();
        let sent = Command::new("kill").args(["-TERM", &pid]).status();
        if !matches!(sent, Ok(s) if s.success()) {
            self.fail(&format!("cannot send SIGTERM to the server ({sent:?})"));
        }
        let Some(status) = wait_for(&mut self.child, STOP_TIMEOUT) else {
            self.fail(&format!(
                "the server did not stop within {STOP_TIMEOUT:?} of SIGTERM"
            ))
        };
        for p in self.pumps.drain(..) {
            let _ = p.join();
        }
        (status, self.output())
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

#[test]
fn quickfix_initiator_interop() {
    quickfix_ready();
    let root = env!("CARGO_MANIFEST_DIR");
    let dir = tempfile::Builder::new()
        .prefix("tradestream-fix-interop-")
        .tempdir()
        .expect("create a temp dir");
    let started = Instant::now();
    let (server, addr) = Server::start(dir.path());
    eprintln!(
        "server ready on {addr} after {:.1} s",
        started.elapsed().as_secs_f64()
    );

    let quickfix_dir = dir.path().join("quickfix");
    let mut child = Command::new("python3")
        .arg("tests/fix/interop_initiator.py")
        .arg(addr.port().to_string())
        .arg(&quickfix_dir)
        .current_dir(root)
        .env("PYTHONUNBUFFERED", "1")
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start python3 ({e}); {INSTALL}"));
    let log = Arc::new(Mutex::new(String::new()));
    let readers = [
        pump(child.stdout.take().unwrap(), "", log.clone(), |_| {}),
        pump(child.stderr.take().unwrap(), "", log.clone(), |_| {}),
    ];
    let scenario_start = Instant::now();
    let status = wait_for(&mut child, SCENARIO_TIMEOUT);
    if status.is_none() {
        let _ = child.kill();
        let _ = child.wait();
    }
    for r in readers {
        let _ = r.join();
    }
    let scenario_time = scenario_start.elapsed();
    let transcript = log.lock().unwrap().clone();
    let (stopped, server_output) = server.stop();
    match status {
        None => panic!(
            "the QuickFIX scenario did not finish within {SCENARIO_TIMEOUT:?}; output:\n\
             {transcript}\nserver output:\n{server_output}"
        ),
        Some(s) if !s.success() => panic!(
            "the QuickFIX scenario failed ({s}); output:\n{transcript}\n\
             server output:\n{server_output}"
        ),
        Some(_) => assert!(
            transcript.contains("PASS: every step observed"),
            "the QuickFIX scenario exited 0 without its PASS line:\n{transcript}"
        ),
    }
    assert!(
        stopped.success(),
        "the server did not stop cleanly after the scenario ({stopped}); output:\n{}",
        server_output
    );
    eprintln!(
        "QuickFIX interop passed: scenario {:.1} s, total {:.1} s",
        scenario_time.as_secs_f64(),
        started.elapsed().as_secs_f64()
    );
}
