//! The QuickFIX acceptance suite against the real binary: starts
//! `tradestream serve --config deploy/fix-acceptance.toml` (the echo acceptor on
//! 127.0.0.1:15001, SenderCompID ISLD, sessions TW44 and TW, ResetOnLogon) in a fresh working
//! directory, runs `python3 ../shared/tools/fix_acceptance.py 127.0.0.1 15001` over all 59
//! scripts in `../shared/data/fix-acceptance/fix44`, one after another against that one
//! process, and requires every one to pass. Needs `python3` (standard library only).
//!
//! By hand: `tradestream serve --config deploy/fix-acceptance.toml` in one shell,
//! `python3 ../shared/tools/fix_acceptance.py 127.0.0.1 15001 ../shared/data/fix-acceptance/fix44/*.def`
//! in another.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn scripts(shared: &Path) -> Vec<PathBuf> {
    let dir = shared.join("data/fix-acceptance/fix44");
    let mut v: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {} ({e})", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "def"))
        .collect();
    v.sort();
    v
}

#[test]
fn quickfix_acceptance_suite_passes_in_echo_mode() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let shared = root.join("../shared");
    let scripts = scripts(&shared);
    assert_eq!(scripts.len(), 59, "the QuickFIX FIX 4.4 server scripts");
    let work = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_tradestream"))
        .args(["serve", "--config"])
        .arg(root.join("deploy/fix-acceptance.toml"))
        .current_dir(work.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start tradestream serve");
    let stdout = child.stdout.take().unwrap();
    let server = Server(child);
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            eprintln!("server: {line}");
            let _ = tx.send(line);
        }
    });
    let ready = loop {
        match rx.recv_timeout(Duration::from_secs(60)) {
            Ok(line) if line.starts_with("fix listening on 127.0.0.1:15001") => break true,
            Ok(_) => {}
            Err(_) => break false,
        }
    };
    assert!(
        ready,
        "the server did not report the FIX acceptor on 127.0.0.1:15001"
    );
    let out = Command::new("python3")
        .arg(shared.join("tools/fix_acceptance.py"))
        .args(["127.0.0.1", "15001"])
        .args(&scripts)
        .output()
        .expect("run python3 ../shared/tools/fix_acceptance.py");
    drop(server);
    let text = String::from_utf8_lossy(&out.stdout);
    eprintln!("{text}{}", String::from_utf8_lossy(&out.stderr));
    assert!(
        out.status.success(),
        "the acceptance runner failed:\n{text}"
    );
    assert!(
        text.lines().any(|l| l == "59 passed, 0 failed"),
        "not every script passed:\n{text}"
    );
    assert_eq!(text.lines().filter(|l| l.starts_with("PASS ")).count(), 59);
}
