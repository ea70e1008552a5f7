//! The protocol's error codes and the error of a frame that could not become a request.

use super::id::RequestId;
use std::fmt;
use thiserror::Error;

/// A protocol error code of the error table in docs/ws-api.md.
///
/// The engine's reject codes (`insufficient_balance`, ...) are not here: the server takes those
/// from `RejectReason::as_str`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorCode {
    /// The frame is not valid JSON.
    ParseError,
    /// Not an object, or `id` / `method` missing or of the wrong type.
    InvalidRequest,
    /// No such method.
    UnknownMethod,
    /// A parameter is missing, of the wrong type, malformed or out of range.
    InvalidParams,
    /// A binary frame.
    BinaryNotSupported,
    /// The frame exceeds the maximum message size.
    MessageTooLarge,
    /// Order entry or a private channel before `logon`.
    NotLoggedOn,
    /// A second `logon` on one connection.
    AlreadyLoggedOn,
    /// Unknown key, or the signature does not verify.
    AuthFailed,
    /// The logon timestamp is outside the receive window.
    StaleTimestamp,
    /// The key already used this nonce inside the window.
    NonceReused,
    /// The key lacks the scope the method needs.
    Forbidden,
    /// The account used its budget for the current window.
    RateLimited,
    /// The engine's inbound ring is full.
    Busy,
    /// The engine stopped.
    Halted,
    /// `subscribe` / `unsubscribe` to a channel that does not exist.
    UnknownChannel,
}

impl ErrorCode {
    /// Every code, in the order of the doc's table.
    pub const ALL: [ErrorCode; 16] = [
        ErrorCode::ParseError,
        ErrorCode::InvalidRequest,
        ErrorCode::UnknownMethod,
        ErrorCode::InvalidParams,
        ErrorCode::BinaryNotSupported,
        ErrorCode::MessageTooLarge,
        ErrorCode::NotLoggedOn,
        ErrorCode::AlreadyLoggedOn,
        ErrorCode::AuthFailed,
        ErrorCode::StaleTimestamp,
        ErrorCode::NonceReused,
        ErrorCode::Forbidden,
        ErrorCode::RateLimited,
        ErrorCode::Busy,
        ErrorCode::Halted,
        ErrorCode::UnknownChannel,
    ];

    /// The wire code (`"invalid_params"`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::ParseError => "parse_error",
            ErrorCode::InvalidRequest => "invalid_request",
            ErrorCode::UnknownMethod => "unknown_method",
            ErrorCode::InvalidParams => "invalid_params",
            ErrorCode::BinaryNotSupported => "binary_not_supported",
            ErrorCode::MessageTooLarge => "message_too_large",
            ErrorCode::NotLoggedOn => "not_logged_on",
            ErrorCode::AlreadyLoggedOn => "already_logged_on",
            ErrorCode::AuthFailed => "auth_failed",
            ErrorCode::StaleTimestamp => "stale_timestamp",
            ErrorCode::NonceReused => "nonce_reused",
            ErrorCode::Forbidden => "forbidden",
            ErrorCode::RateLimited => "rate_limited",
            ErrorCode::Busy => "busy",
            ErrorCode::Halted => "halted",
            ErrorCode::UnknownChannel => "unknown_channel",
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A frame that is not a valid request.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{code}: {message}")]
pub struct RequestError {
    /// The request's id when it could be read (the answer echoes it), else `None` (`null`).
    pub id: Option<RequestId>,
    /// The protocol code.
    pub code: ErrorCode,
    /// What was wrong and, where it helps, what to send instead.
    pub message: String,
}

impl RequestError {
    /// An error without an id.
    pub(crate) fn anonymous(code: ErrorCode, message: impl Into<String>) -> RequestError {
        RequestError {
            id: None,
            code,
            message: message.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn codes_are_distinct_snake_case() {
        let names: HashSet<&str> = ErrorCode::ALL.iter().map(|c| c.as_str()).collect();
        assert_eq!(names.len(), ErrorCode::ALL.len());
        for n in names {
            assert!(
                n.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'),
                "{n}"
            );
        }
        assert_eq!(ErrorCode::InvalidParams.to_string(), "invalid_params");
    }
}
