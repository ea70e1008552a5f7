//! Answers: `{"id":..,"result":{..}}` and `{"id":..,"error":{..}}`.

use crate::json::{string, Obj};
use crate::protocol::request::RequestId;
use crate::rate::Budget;

/// Writes `{"id":<id>,"result":` + what `f` writes + `}`.
pub fn ok(out: &mut Vec<u8>, id: &RequestId, f: impl FnOnce(&mut Obj<'_>)) {
    out.extend_from_slice(b"{\"id\":");
    out.extend_from_slice(id.as_json().as_bytes());
    out.extend_from_slice(b",\"result\":");
    let mut o = Obj::new(out);
    f(&mut o);
    o.end();
    out.push(b'}');
}

/// Writes an error answer; `f` may add fields to the error object after `code` and `message`.
pub fn error(
    out: &mut Vec<u8>,
    id: Option<&RequestId>,
    code: &str,
    message: &str,
    f: impl FnOnce(&mut Obj<'_>),
) {
    out.extend_from_slice(b"{\"id\":");
    match id {
        Some(id) => out.extend_from_slice(id.as_json().as_bytes()),
        None => out.extend_from_slice(b"null"),
    }
    out.extend_from_slice(b",\"error\":");
    let mut o = Obj::new(out);
    o.str("code", code).str("message", message);
    f(&mut o);
    o.end();
    out.push(b'}');
}

/// Adds `"rate_limit":{..}`.
pub fn rate_limit(o: &mut Obj<'_>, b: &Budget) {
    o.with("rate_limit", |w| {
        let mut r = Obj::new(w);
        r.uint("limit", b.limit as u64)
            .uint("remaining", b.remaining as u64)
            .int("window_ms", b.window_ms)
            .int("reset_ms", b.reset_ms);
        r.end();
    });
}

/// Writes a JSON array of strings.
pub fn strings<'a>(out: &mut Vec<u8>, items: impl IntoIterator<Item = &'a str>) {
    crate::json::array(out, items, string);
}
