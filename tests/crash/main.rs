mod support;
#[test]
fn dump() {
    let s = support::command_stream(1, 30_000);
    std::fs::write("/tmp/ts_stream.jsonl", s).unwrap();
    eprintln!("{}", support::BIN);
}
