//! The peer: QuickFIX's C++ ordermatch example acceptor (Debian's libquickfix-doc ships it
//! gzipped, built against libquickfix17), run as a child process.
//!
//! Start: gunzip the binary into a fresh directory, make it executable, write a settings file
//! (one FIX 4.2 session per client session, a free port, the file store in that directory,
//! screen logging of messages off), start it with stdin held open (its main loop reads
//! commands from stdin and spins on a closed one), wait until the port accepts. Stop: `#quit`
//! on stdin, then a kill if it has not exited within a few seconds; dropping a running peer
//! kills it.

use std::fmt::Write as _;
use std::fs::{self, File};
use std::io::Write as _;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};

use super::orders::{QUICKFIX, SESSIONS};

/// Longest wait for the acceptor to listen, and for it to exit after `#quit`.
const WAIT: Duration = Duration::from_secs(10);

/// A running ordermatch acceptor.
pub struct QuickFix {
    child: Child,
    stdin: Option<ChildStdin>,
    /// Where it accepts FIX connections (it binds every interface; this is the loopback one).
    pub addr: SocketAddr,
    /// Its stdout and stderr.
    log: PathBuf,
}

/// The settings file for an acceptor on `port` keeping its files in `dir`.
pub fn settings_text(dir: &Path, port: u16, dictionary: Option<&Path>) -> String {
    let mut text = format!(
        "# Written by `bench fix`.\n[DEFAULT]\nConnectionType=acceptor\nSocketAcceptPort={port}\n\
         SocketNodelay=Y\nSocketReuseAddress=Y\nFileStorePath={store}\nFileLogPath={log}\n\
         StartTime=00:00:00\nEndTime=00:00:00\nResetOnLogon=Y\nResetOnDisconnect=Y\n\
         ScreenLogShowIncoming=N\nScreenLogShowOutgoing=N\nScreenLogShowEvents=Y\n",
        store = dir.join("store").display(),
        log = dir.join("log").display(),
    );
    match dictionary {
        Some(path) => {
            let _ = writeln!(
                text,
                "UseDataDictionary=Y\nDataDictionary={}",
                path.display()
            );
        }
        None => text.push_str("UseDataDictionary=N\n"),
    }
    for session in SESSIONS {
        let _ = writeln!(
            text,
            "\n[SESSION]\nBeginString={}\nSenderCompID={}\nTargetCompID={session}",
            QUICKFIX.begin_string, QUICKFIX.acceptor
        );
    }
    text
}

impl QuickFix {
    /// Starts ordermatch from the gzipped binary `gz`, its files in `dir`.
    pub fn start(gz: &Path, dir: &Path, dictionary: Option<&Path>) -> Result<QuickFix> {
        if !gz.is_file() {
            bail!(
                "{} not found: install Debian's QuickFIX examples with \
                 `apt-get install -y libquickfix17 libquickfix-doc`, or pass --ordermatch",
                gz.display()
            );
        }
        let binary = dir.join("ordermatch");
        let out =
            File::create(&binary).with_context(|| format!("creating {}", binary.display()))?;
        let status = Command::new("gzip")
            .arg("-dc")
            .arg(gz)
            .stdout(out)
            .status()
            .context("running gzip")?;
        if !status.success() {
            bail!("gzip -dc {} failed: {status}", gz.display());
        }
        fs::set_permissions(&binary, fs::Permissions::from_mode(0o755))
            .with_context(|| format!("making {} executable", binary.display()))?;
        let port = free_port()?;
        let settings = dir.join("ordermatch.cfg");
        fs::write(&settings, settings_text(dir, port, dictionary))
            .with_context(|| format!("writing {}", settings.display()))?;
        let log = dir.join("ordermatch.out");
        let out = File::create(&log).with_context(|| format!("creating {}", log.display()))?;
        let err = out.try_clone()?;
        let mut child = Command::new(&binary)
            .arg(&settings)
            .current_dir(dir)
            .stdin(Stdio::piped())
            .stdout(out)
            .stderr(err)
            .spawn()
            .with_context(|| format!("starting {}", binary.display()))?;
        let stdin = child.stdin.take();
        let mut peer = QuickFix {
            child,
            stdin,
            addr: SocketAddr::from(([127, 0, 0, 1], port)),
            log,
        };
        peer.wait_listening()?;
        Ok(peer)
    }

    /// Waits until the port accepts a connection, failing if the process exits first.
    fn wait_listening(&mut self) -> Result<()> {
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait()? {
                bail!(
                    "ordermatch exited ({status}) before listening: {}",
                    self.output()
                );
            }
            if TcpStream::connect_timeout(&self.addr, Duration::from_millis(100)).is_ok() {
                return Ok(());
            }
            if start.elapsed() > WAIT {
                bail!(
                    "ordermatch did not listen on {} within {} s: {}",
                    self.addr,
                    WAIT.as_secs(),
                    self.output()
                );
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// The last lines the process printed.
    fn output(&self) -> String {
        let text = fs::read_to_string(&self.log).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(5)..].join(" / ")
    }

    /// Asks it to quit (`#quit` on stdin), killing it if it has not exited within a few
    /// seconds.
    pub fn stop(mut self) -> Result<()> {
        if let Some(mut stdin) = self.stdin.take() {
            // A process that already died has closed the pipe; the kill below covers it.
            let _ = stdin.write_all(b"#quit\n");
        }
        let start = Instant::now();
        while start.elapsed() < WAIT {
            if self.child.try_wait()?.is_some() {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        self.child.kill().context("killing ordermatch")?;
        self.child.wait()?;
        eprintln!(
            "  warning: ordermatch did not exit on #quit within {} s; killed",
            WAIT.as_secs()
        );
        Ok(())
    }
}

impl Drop for QuickFix {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// A loopback port free now (the OS picks it; ordermatch binds it a moment later).
fn free_port() -> Result<u16> {
    let listener = TcpListener::bind("127.0.0.1:0").context("finding a free port")?;
    Ok(listener.local_addr()?.port())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_name_every_session() {
        let text = settings_text(Path::new("/tmp/qf"), 5001, None);
        assert!(text.contains("SocketAcceptPort=5001\n"));
        assert!(text.contains("FileStorePath=/tmp/qf/store\n"));
        assert!(text.contains("UseDataDictionary=N\n"));
        for s in SESSIONS {
            assert!(text.contains(&format!(
                "BeginString=FIX.4.2\nSenderCompID=ORDERMATCH\nTargetCompID={s}"
            )));
        }
        let with = settings_text(Path::new("/x"), 1, Some(Path::new("/d/FIX42.xml")));
        assert!(with.contains("UseDataDictionary=Y\nDataDictionary=/d/FIX42.xml\n"));
    }
}
