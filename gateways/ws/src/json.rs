//! A small JSON writer for the hot path: objects written straight into a byte buffer, strings
//! escaped, decimals written from integers. Nothing is parsed back.

use std::io::Write;

/// Writes one JSON object field by field; closes it on [`Obj::end`].
pub struct Obj<'a> {
    out: &'a mut Vec<u8>,
    first: bool,
}

impl<'a> Obj<'a> {
    /// Opens an object.
    pub fn new(out: &'a mut Vec<u8>) -> Obj<'a> {
        out.push(b'{');
        Obj { out, first: true }
    }

    fn key(&mut self, k: &str) -> &mut Vec<u8> {
        if !self.first {
            self.out.push(b',');
        }
        self.first = false;
        string(self.out, k);
        self.out.push(b':');
        self.out
    }

    /// A string field.
    pub fn str(&mut self, k: &str, v: &str) -> &mut Self {
        let out = self.key(k);
        string(out, v);
        self
    }

    /// A field whose value is already JSON.
    pub fn raw(&mut self, k: &str, json: &str) -> &mut Self {
        self.key(k).extend_from_slice(json.as_bytes());
        self
    }

    /// An integer field.
    pub fn int(&mut self, k: &str, v: i64) -> &mut Self {
        let mut b = itoa::Buffer::new();
        self.key(k).extend_from_slice(b.format(v).as_bytes());
        self
    }

    /// An unsigned integer field.
    pub fn uint(&mut self, k: &str, v: u64) -> &mut Self {
        let mut b = itoa::Buffer::new();
        self.key(k).extend_from_slice(b.format(v).as_bytes());
        self
    }

    /// A boolean field.
    pub fn bool(&mut self, k: &str, v: bool) -> &mut Self {
        self.key(k)
            .extend_from_slice(if v { b"true" } else { b"false" });
        self
    }

    /// A null field.
    pub fn null(&mut self, k: &str) -> &mut Self {
        self.key(k).extend_from_slice(b"null");
        self
    }

    /// A field whose value `f` writes (a decimal string, a nested object or array).
    pub fn with(&mut self, k: &str, f: impl FnOnce(&mut Vec<u8>)) -> &mut Self {
        f(self.key(k));
        self
    }

    /// A decimal string field written by `f` (which writes the digits only).
    pub fn dec(&mut self, k: &str, f: impl FnOnce(&mut Vec<u8>)) -> &mut Self {
        let out = self.key(k);
        out.push(b'"');
        f(out);
        out.push(b'"');
        self
    }

    /// Closes the object.
    pub fn end(&mut self) {
        self.out.push(b'}');
    }
}

/// Writes `s` as a JSON string: runs that need no escaping are copied whole.
pub fn string(out: &mut Vec<u8>, s: &str) {
    out.push(b'"');
    let bytes = s.as_bytes();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let escaped: &[u8] = match b {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            b'\t' => b"\\t",
            0..=0x1f => {
                out.extend_from_slice(&bytes[start..i]);
                let _ = write!(out, "\\u{b:04x}");
                start = i + 1;
                continue;
            }
            _ => continue,
        };
        out.extend_from_slice(&bytes[start..i]);
        out.extend_from_slice(escaped);
        start = i + 1;
    }
    out.extend_from_slice(&bytes[start..]);
    out.push(b'"');
}

/// Writes a JSON array whose elements `f` writes, given a separator helper.
pub fn array<T>(
    out: &mut Vec<u8>,
    items: impl IntoIterator<Item = T>,
    mut f: impl FnMut(&mut Vec<u8>, T),
) {
    out.push(b'[');
    for (i, item) in items.into_iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        f(out, item);
    }
    out.push(b']');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_valid_json() {
        let mut out = Vec::new();
        let mut o = Obj::new(&mut out);
        o.str("a", "x\"y\\\n\u{1}")
            .int("b", -3)
            .bool("c", true)
            .null("d");
        o.dec("p", |w| w.extend_from_slice(b"1.5"));
        o.with("arr", |w| {
            array(w, [1, 2], |w, i| {
                let _ = write!(w, "{i}");
            })
        });
        o.end();
        let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(v["a"], "x\"y\\\n\u{1}");
        assert_eq!(v["b"], -3);
        assert_eq!(v["p"], "1.5");
        assert_eq!(v["arr"], serde_json::json!([1, 2]));
        assert!(v["d"].is_null());
    }
}
