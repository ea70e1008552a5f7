//! "The same input always gives byte-identical output." The library and the binary
//! (`tradestream simulate`, stdin to stdout, `--input FILE`, `--max-open-orders`, `--capacity`,
//! `--state-hash` writing `state_hash <hex>` to stderr) must agree byte for byte.

use crate::support::*;
use std::io::{BufReader, Write};
use std::process::{Command, Stdio};

const FEE_ETH: &str = r#"{"op":"instrument","symbol":"ETH-USD","kind":"spot","base":"ETH","quote":"USD","tick":"0.1","lot":"0.1","maker_fee_bps":-2,"taker_fee_bps":10}"#;

fn eth(acct: u64, id: &str, side: &str, price: &str, qty: &str, extra: &str) -> String {
    new_order("ETH-USD", acct, id, side, "limit", Some(price), qty, extra)
}

/// A session touching most of the contract, errors and queries included.
fn scenario() -> Vec<String> {
    let mut lines: Vec<String> = SETUP.iter().map(|s| s.to_string()).collect();
    lines.extend(ls![
        FEE_ETH,
        deposit(4, "ETH", "100"),
        deposit(5, "USD", "50000"),
        "",
        "not json",
        time(10),
        sell(2, "s1", "100", "1"),
        sell(3, "s2", "100.5", "2"),
        sell(1, "s3", "101", "3"),
        buy(1, "b1", "99", "1"),
        buy_x(2, "b2", "98.5", "2", r#""tif":"gtd","expire":50"#),
        buy(1, "t1", "100.5", "2"),
        amend(1, "b1", Some("99.5"), Some("2")),
        buy_x(1, "t2", "101", "5", r#""stp":"cancel_maker""#),
        sell_x(3, "i1", "98", "4", r#""tif":"ioc""#),
        buy_x(2, "f1", "120", "10", r#""tif":"fok""#),
        buy_x(2, "p1", "150", "1", r#""post_only":true"#),
        eth(4, "e1", "sell", "200", "5", ""),
        eth(4, "e2", "sell", "201", "5", r#""tif":"gtd","expire":40"#),
        eth(5, "e3", "buy", "202", "7", ""),
        new_order("ETH-USD", 5, "e4", "buy", "market", None, "10", ""),
        q_book(),
        q_book_s("ETH-USD"),
        time(40),
        time(30),
        cancel(1, "b1"),
        cancel(1, "b1"),
        mass_cancel(2, None),
        withdraw(5, "USD", "1000000", "w1"),
        withdraw(4, "USD", "1", "w2"),
        q_balance(1),
        q_balance(4),
        q_balance(5),
        q_fees(),
        time(100),
    ]);
    lines
}

fn hex_ok(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
}

#[test]
fn same_input_twice_gives_identical_bytes_and_state_hash() {
    let input = text(&scenario());
    let (out1, sum1) = run_bytes(input.as_bytes(), &Default::default());
    let (out2, sum2) = run_bytes(input.as_bytes(), &Default::default());
    assert!(
        out1.lines().count() > 30,
        "scenario should produce many events:\n{out1}"
    );
    assert_eq!(out1, out2);
    assert_eq!(sum1.state_hash, sum2.state_hash);
    assert_eq!(sum1.lines, sum2.lines);
    assert_eq!(sum1.lines, scenario().len() as u64);
    // docs: BLAKE3, written as hex (BLAKE3's default output is 32 bytes: 64 hex digits).
    assert!(hex_ok(&sum1.state_hash), "{:?}", sum1.state_hash);
    assert_eq!(sum1.state_hash.len(), 64, "{:?}", sum1.state_hash);
}

#[test]
fn output_does_not_depend_on_how_the_input_is_buffered() {
    let input = text(&scenario());
    let (out1, sum1) = run_bytes(input.as_bytes(), &Default::default());
    let mut out2 = Vec::new();
    let sum2 = tradestream::simulate::run(
        BufReader::with_capacity(3, input.as_bytes()),
        &mut out2,
        &Default::default(),
    )
    .unwrap();
    assert_eq!(out1.as_bytes(), &out2[..]);
    assert_eq!(sum1.state_hash, sum2.state_hash);
}

#[test]
fn every_output_line_is_one_compact_json_object() {
    let (out, _) = run_bytes(text(&scenario()).as_bytes(), &Default::default());
    for l in split_output(&out) {
        let v: serde_json::Value = serde_json::from_str(&l).unwrap();
        assert!(v.is_object(), "{l}");
        let keys = top_level_keys(&l);
        assert_eq!(&keys[..2], &["seq".to_string(), "event".to_string()], "{l}");
    }
}

#[test]
fn seq_never_decreases_and_names_the_input_line() {
    let lines = scenario();
    let (out, _) = run_bytes(text(&lines).as_bytes(), &Default::default());
    let mut last = 0;
    for l in split_output(&out) {
        let v: serde_json::Value = serde_json::from_str(&l).unwrap();
        let seq = v["seq"].as_u64().unwrap();
        assert!(
            seq >= last && seq >= 1 && seq as usize <= lines.len(),
            "{l}"
        );
        last = seq;
    }
}

#[test]
fn state_hash_ignores_queries_and_error_lines() {
    // Error lines "change nothing"; queries change nothing either.
    let base = scenario();
    let mut noisy = base.clone();
    noisy.extend(ls![
        "",
        "{}",
        r#"{"op":"nope"}"#,
        r#"{"op":"new","account":1}"#,
        time(5),
        q_book(),
        q_balance(1),
        q_fees(),
    ]);
    let (_, a) = run_raw_with(&Default::default(), &base);
    let (_, b) = run_raw_with(&Default::default(), &noisy);
    assert_eq!(a.state_hash, b.state_hash);
}

#[test]
fn state_hash_changes_with_balances_books_and_clock() {
    let base = scenario();
    let (_, h0) = run_raw_with(&Default::default(), &base);
    for extra in [
        deposit(9, "USD", "1"),
        buy(1, "fresh", "50", "1"),
        time(1000),
    ] {
        let mut l = base.clone();
        l.push(extra.clone());
        let (_, h) = run_raw_with(&Default::default(), &l);
        assert_ne!(h0.state_hash, h.state_hash, "after {extra}");
    }
}

// ----- the binary -------------------------------------------------------------------------------

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_tradestream"))
}

fn run_bin(args: &[&str], stdin: &[u8]) -> std::process::Output {
    let mut child = bin()
        .arg("simulate")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn tradestream");
    {
        let mut si = child.stdin.take().unwrap();
        si.write_all(stdin).unwrap();
    }
    child.wait_with_output().unwrap()
}

fn state_hash_from_stderr(stderr: &[u8]) -> String {
    let s = String::from_utf8_lossy(stderr);
    let line = s
        .lines()
        .find(|l| l.starts_with("state_hash "))
        .unwrap_or_else(|| panic!("no state_hash line in stderr: {s}"));
    line["state_hash ".len()..].trim().to_string()
}

#[test]
fn binary_and_library_give_the_same_bytes_and_state_hash() {
    let input = text(&scenario());
    let (lib_out, lib_sum) = run_bytes(input.as_bytes(), &Default::default());
    let out = run_bin(&["--state-hash"], input.as_bytes());
    assert!(out.status.success(), "{out:?}");
    assert_eq!(String::from_utf8(out.stdout).unwrap(), lib_out);
    assert_eq!(state_hash_from_stderr(&out.stderr), lib_sum.state_hash);
}

#[test]
fn binary_reads_input_from_a_file() {
    let input = text(&scenario());
    let path = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("contract-determinism.jsonl");
    std::fs::write(&path, &input).unwrap();
    let (lib_out, _) = run_bytes(input.as_bytes(), &Default::default());
    let out = bin()
        .arg("simulate")
        .arg("--input")
        .arg(&path)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    assert_eq!(String::from_utf8(out.stdout).unwrap(), lib_out);
}

#[test]
fn binary_limit_flags_match_library_options() {
    let mut lines: Vec<String> = SETUP.iter().map(|s| s.to_string()).collect();
    lines.extend(ls![
        buy(1, "a", "100", "1"),
        buy(1, "b", "99", "1"),
        buy(2, "c", "98", "1"),
        buy(3, "d", "97", "1"),
    ]);
    let input = text(&lines);
    let (lib_out, _) = run_bytes(input.as_bytes(), &opts(1, 2));
    assert!(lib_out.contains("too_many_orders"), "{lib_out}");
    assert!(lib_out.contains("engine_capacity"), "{lib_out}");
    let out = run_bin(
        &["--max-open-orders", "1", "--capacity", "2"],
        input.as_bytes(),
    );
    assert!(out.status.success(), "{out:?}");
    assert_eq!(String::from_utf8(out.stdout).unwrap(), lib_out);
}

#[test]
fn binary_exits_zero_on_error_lines() {
    let out = run_bin(&[], b"\nnot json\n{\"op\":\"nope\"}\n");
    assert!(out.status.success(), "{out:?}");
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(stdout.lines().count(), 3, "{stdout}");
    for (i, l) in stdout.lines().enumerate() {
        let v: serde_json::Value = serde_json::from_str(l).unwrap();
        assert_eq!(v["event"], "error");
        assert_eq!(v["seq"], i as u64 + 1);
        assert_eq!(v["line"], i as u64 + 1);
    }
}

#[test]
fn binary_on_empty_input_prints_nothing() {
    let out = run_bin(&[], b"");
    assert!(out.status.success(), "{out:?}");
    assert!(out.stdout.is_empty());
}

#[test]
fn binary_fails_when_the_input_file_cannot_be_read() {
    // "the exit status is 0 unless the input could not be read"
    let path = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("no-such-dir/none.jsonl");
    let out = bin()
        .arg("simulate")
        .arg("--input")
        .arg(&path)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(!out.status.success(), "{out:?}");
    assert!(out.stdout.is_empty());
}

#[test]
fn binary_answers_each_line_before_its_input_ends() {
    // A driver that writes one line and waits for the answer must get it (docs: output is
    // flushed whenever the input runs dry).
    use std::io::{BufRead, BufReader as Reader};
    use std::sync::mpsc;
    use std::time::Duration;
    let mut child = bin()
        .arg("simulate")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel();
    let reader = std::thread::spawn(move || {
        for l in Reader::new(stdout).lines() {
            if tx.send(l.unwrap()).is_err() {
                break;
            }
        }
    });
    writeln!(stdin, "{}", SETUP[0]).unwrap();
    writeln!(stdin, r#"{{"op":"fees"}}"#).unwrap();
    stdin.flush().unwrap();
    let first = rx.recv_timeout(Duration::from_secs(20));
    let second = rx.recv_timeout(Duration::from_secs(20));
    writeln!(stdin, "not json").unwrap();
    stdin.flush().unwrap();
    let third = rx.recv_timeout(Duration::from_secs(20));
    drop(stdin);
    let status = child.wait().unwrap();
    reader.join().unwrap();
    assert_eq!(
        first.as_deref(),
        Ok(r#"{"seq":2,"event":"fees","asset":"BTC","amount":"0"}"#)
    );
    assert_eq!(
        second.as_deref(),
        Ok(r#"{"seq":2,"event":"fees","asset":"USD","amount":"0"}"#)
    );
    let third = third.expect("no answer to the third line before stdin closed");
    assert!(
        third.starts_with(r#"{"seq":3,"event":"error","line":3,"#),
        "{third}"
    );
    assert!(status.success());
}
