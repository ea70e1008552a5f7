//! Request ids, kept as the JSON text the client wrote so answers echo them byte for byte.

use std::fmt;

/// The `id` of a request: a JSON string or integer, stored as its raw JSON text.
///
/// `7` stays `7`, `"abc\"x"` stays `"abc\"x"` (quotes and escapes included); [`RequestId::as_json`]
/// is written into the answer as it is.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RequestId {
    json: Box<str>,
}

impl RequestId {
    /// An id from the raw JSON text of a value: `Some` for a string or an integer (no fraction,
    /// no exponent), `None` for anything else. `text` must be valid JSON (as the parser's raw
    /// values are).
    pub(crate) fn from_raw_json(text: &str) -> Option<RequestId> {
        let b = text.as_bytes();
        let is_string = b.len() >= 2 && b[0] == b'"';
        let is_integer = !b.is_empty() && b.iter().all(|&c| c.is_ascii_digit() || c == b'-');
        (is_string || is_integer).then(|| RequestId { json: text.into() })
    }

    /// An integer id.
    pub fn int(n: i64) -> RequestId {
        RequestId {
            json: n.to_string().into(),
        }
    }

    /// A string id, serialised as canonical JSON.
    pub fn string(s: &str) -> RequestId {
        let json = serde_json::to_string(s).unwrap_or_else(|_| String::from("\"\""));
        RequestId { json: json.into() }
    }

    /// The JSON text to write into the answer.
    pub fn as_json(&self) -> &str {
        &self.json
    }

    /// True for a string id, false for an integer.
    pub fn is_string(&self) -> bool {
        self.json.starts_with('"')
    }
}

impl fmt::Display for RequestId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.json)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_and_integers_only() {
        assert_eq!(
            RequestId::from_raw_json("7").map(|i| i.to_string()),
            Some("7".into())
        );
        assert_eq!(RequestId::from_raw_json("-12").unwrap().as_json(), "-12");
        let s = RequestId::from_raw_json(r#""abc\"x""#).unwrap();
        assert_eq!(s.as_json(), r#""abc\"x""#);
        assert!(s.is_string());
        for bad in ["1.5", "1e3", "null", "true", "[]", "{}"] {
            assert_eq!(RequestId::from_raw_json(bad), None, "{bad}");
        }
        assert_eq!(RequestId::int(-3).as_json(), "-3");
        assert_eq!(RequestId::string("a\"b").as_json(), r#""a\"b""#);
    }
}
