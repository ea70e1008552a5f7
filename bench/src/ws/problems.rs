//! What the server answered that it should not have: errors, unexpected statuses, answers that
//! never came, sequence gaps. Counted per run, with the first few messages kept word for word
//! for the report.

/// Messages kept per run.
const KEEP: usize = 3;
/// Characters kept of each message.
const CLIP: usize = 400;

/// Problems seen in one run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Problems {
    /// Answers with an `error`.
    pub errors: u64,
    /// Answers or pushes that were not what the request should give (a status other than
    /// the expected one, an unknown or repeated id, a price that does not match its seq).
    pub unexpected: u64,
    /// Requests (or update deliveries) never answered before the drain deadline.
    pub missing: u64,
    /// The first few offending messages, each prefixed with what was wrong.
    pub examples: Vec<String>,
}

impl Problems {
    /// Counts an error answer.
    pub fn error(&mut self, text: &str) {
        self.errors += 1;
        self.keep("error", text);
    }

    /// Counts an unexpected answer or push; `what` says what was wrong.
    pub fn unexpected(&mut self, what: &str, text: &str) {
        self.unexpected += 1;
        self.keep(what, text);
    }

    /// Counts `n` missing answers; `what` says which.
    pub fn missing(&mut self, n: u64, what: &str) {
        if n > 0 {
            self.missing += n;
            self.keep("missing", what);
        }
    }

    /// Whether nothing went wrong.
    pub fn is_clean(&self) -> bool {
        self.errors == 0 && self.unexpected == 0 && self.missing == 0
    }

    /// Adds another run's problems (keeping the first examples).
    pub fn add(&mut self, other: &Problems) {
        self.errors += other.errors;
        self.unexpected += other.unexpected;
        self.missing += other.missing;
        for e in &other.examples {
            if self.examples.len() < KEEP {
                self.examples.push(e.clone());
            }
        }
    }

    fn keep(&mut self, what: &str, text: &str) {
        if self.examples.len() < KEEP {
            let clipped: String = text.chars().take(CLIP).collect();
            self.examples.push(format!("{what}: {clipped}"));
        }
    }

    /// As JSON.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "errors": self.errors,
            "unexpected": self.unexpected,
            "missing": self.missing,
            "examples": self.examples,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_and_keeps_the_first_examples() {
        let mut p = Problems::default();
        assert!(p.is_clean());
        p.error("{\"id\":1,\"error\":{}}");
        p.unexpected("status new", "{\"id\":2}");
        p.missing(0, "nothing");
        p.missing(5, "ids 7..12");
        p.error(&"x".repeat(1_000));
        assert_eq!((p.errors, p.unexpected, p.missing), (2, 1, 5));
        assert_eq!(p.examples.len(), KEEP);
        assert!(p.examples[0].starts_with("error: {"));
        let mut total = Problems::default();
        total.add(&p);
        total.add(&p);
        assert_eq!(total.errors, 4);
        assert_eq!(total.examples.len(), KEEP);
    }
}
