//! [`parse`]: one JSON text frame into a [`Request`], or a [`RequestError`] to answer.
//!
//! The frame is read once by `serde_json` into borrowed raw values (`id`, `method`, `params`);
//! the parameters are then read field by field without copying strings that need no unescaping.
//! Unknown top-level keys and unknown parameter keys are ignored (venues tolerate extra fields);
//! a repeated key is an error. Checks that need the instruments (listed symbol, tick and lot grid,
//! positive values) are left to the gateway.

pub use super::error::{ErrorCode, RequestError};
pub use super::id::RequestId;
pub use super::method::{Logon, Method, Place, SetProtection, Tif};
use super::{field, params};
use serde::de::IgnoredAny;
use serde::Deserialize;
use serde_json::error::Category;
use serde_json::value::RawValue;

/// A parsed request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// The id to echo.
    pub id: RequestId,
    /// What is asked.
    pub method: Method,
}

#[derive(Deserialize)]
struct Envelope<'a> {
    #[serde(borrow)]
    id: Option<&'a RawValue>,
    #[serde(borrow)]
    method: Option<&'a RawValue>,
    #[serde(borrow)]
    params: Option<&'a RawValue>,
}

/// True for a nonce the protocol accepts: 8 to 64 characters of `[A-Za-z0-9_-]`.
pub fn valid_nonce(nonce: &str) -> bool {
    params::valid_nonce(nonce)
}

/// Parses one text frame.
///
/// Errors: `parse_error` (not JSON; no id), `invalid_request` (not an object, `id` missing or not
/// a string or integer, `method` missing or not a string, a repeated top-level key),
/// `unknown_method`, `invalid_params` (the message names the parameter), `unknown_channel`
/// (`subscribe` / `unsubscribe` with a channel that does not exist; nothing is subscribed).
/// Once the id could be read, every error carries it.
pub fn parse(frame: &str) -> Result<Request, RequestError> {
    let starts_object = frame
        .trim_start_matches([' ', '\t', '\n', '\r'])
        .starts_with('{');
    if !starts_object {
        return Err(not_an_object(frame));
    }
    let env: Envelope<'_> = serde_json::from_str(frame).map_err(|e| match e.classify() {
        // A repeated key stops the reading early: the rest may not even be JSON.
        Category::Data => match serde_json::from_str::<IgnoredAny>(frame) {
            Ok(_) => RequestError::anonymous(ErrorCode::InvalidRequest, e.to_string()),
            Err(e) => not_json(&e),
        },
        _ => not_json(&e),
    })?;
    let Some(raw_id) = env.id else {
        return Err(RequestError::anonymous(
            ErrorCode::InvalidRequest,
            "\"id\" is required: a JSON string or integer the answer echoes",
        ));
    };
    let Some(id) = RequestId::from_raw_json(raw_id.get()) else {
        return Err(RequestError::anonymous(
            ErrorCode::InvalidRequest,
            "\"id\" must be a JSON string or integer",
        ));
    };
    let fail = |code, message: String| RequestError {
        id: Some(id.clone()),
        code,
        message,
    };
    let name = match env.method {
        None => {
            return Err(fail(
                ErrorCode::InvalidRequest,
                "\"method\" is required (a string)".into(),
            ))
        }
        Some(m) => match field::string(m, "method") {
            Ok(name) => name,
            Err(_) => {
                return Err(fail(
                    ErrorCode::InvalidRequest,
                    "\"method\" must be a string".into(),
                ))
            }
        },
    };
    match params::method(&name, env.params) {
        Ok(Some(method)) => Ok(Request { id, method }),
        Ok(None) => Err(fail(
            ErrorCode::UnknownMethod,
            format!(
                "no method {name:?}; methods are {}",
                params::METHODS.join(", ")
            ),
        )),
        Err(bad) => Err(fail(bad.code, bad.message)),
    }
}

/// The error for a frame that does not start with `{`: valid JSON of another kind, or not JSON.
fn not_an_object(frame: &str) -> RequestError {
    match serde_json::from_str::<IgnoredAny>(frame) {
        Ok(_) => RequestError::anonymous(
            ErrorCode::InvalidRequest,
            "a request is a JSON object: {\"id\": .., \"method\": .., \"params\": {..}}",
        ),
        Err(e) => not_json(&e),
    }
}

fn not_json(e: &serde_json::Error) -> RequestError {
    RequestError::anonymous(
        ErrorCode::ParseError,
        format!("the frame is not valid JSON: {e}"),
    )
}
