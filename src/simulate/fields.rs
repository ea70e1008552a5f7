//! Typed access to the fields of one JSON input object, with the error messages users see.

use rust_decimal::Decimal;
use serde_json::{Map, Value};
use tradestream_model::decimal::{self, DecimalError};
use tradestream_model::{AccountId, ClientOrderId, ShortName};

/// A parse failure: the message of the `error` event.
pub type FieldError = String;

/// A decimal field: well formed, but possibly too large to represent.
pub enum Dec {
    /// The exact value.
    Value(Decimal),
    /// Well formed, beyond 28 significant digits.
    TooLarge,
}

/// The fields of one input object.
pub struct Fields<'a>(pub &'a Map<String, Value>);

impl<'a> Fields<'a> {
    fn get(&self, key: &str) -> Option<&'a Value> {
        self.0.get(key)
    }

    fn missing(key: &str) -> FieldError {
        format!("missing required field `{key}`")
    }

    /// A required string.
    pub fn str(&self, key: &str) -> Result<&'a str, FieldError> {
        self.opt_str(key)?.ok_or_else(|| Self::missing(key))
    }

    /// An optional string.
    pub fn opt_str(&self, key: &str) -> Result<Option<&'a str>, FieldError> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(_) => Err(format!("field `{key}` must be a string")),
        }
    }

    /// A required integer.
    pub fn int(&self, key: &str) -> Result<i64, FieldError> {
        self.opt_int(key)?.ok_or_else(|| Self::missing(key))
    }

    /// An optional integer (a JSON integer that fits 64 bits signed).
    pub fn opt_int(&self, key: &str) -> Result<Option<i64>, FieldError> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Number(n)) => match n.as_i64() {
                Some(v) => Ok(Some(v)),
                None => Err(format!(
                    "field `{key}` must be an integer between -2^63 and 2^63-1"
                )),
            },
            Some(_) => Err(format!("field `{key}` must be a JSON integer")),
        }
    }

    /// An optional integer within `lo..=hi`.
    pub fn opt_int_in(&self, key: &str, lo: i64, hi: i64) -> Result<Option<i64>, FieldError> {
        match self.opt_int(key)? {
            Some(v) if v < lo || v > hi => {
                Err(format!("field `{key}` must be between {lo} and {hi}"))
            }
            v => Ok(v),
        }
    }

    /// A required boolean.
    pub fn bool(&self, key: &str) -> Result<bool, FieldError> {
        self.opt_bool(key)?.ok_or_else(|| Self::missing(key))
    }

    /// A required integer within `lo..=hi`.
    pub fn int_in(&self, key: &str, lo: i64, hi: i64) -> Result<i64, FieldError> {
        self.opt_int_in(key, lo, hi)?
            .ok_or_else(|| Self::missing(key))
    }

    /// An optional boolean.
    pub fn opt_bool(&self, key: &str) -> Result<Option<bool>, FieldError> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(_) => Err(format!("field `{key}` must be true or false")),
        }
    }

    /// The `account` field: an integer from 0 to 2^63-1.
    pub fn account(&self) -> Result<AccountId, FieldError> {
        match self.int("account")? {
            a if a >= 0 => Ok(AccountId(a as u64)),
            _ => Err("field `account` must be a non-negative integer".into()),
        }
    }

    /// A symbol or asset name.
    pub fn name(&self, key: &str) -> Result<ShortName, FieldError> {
        ShortName::new(self.str(key)?).map_err(|e| format!("field `{key}` {e}"))
    }

    /// A client order id or request id.
    pub fn id(&self) -> Result<ClientOrderId, FieldError> {
        self.client_id("id")
    }

    /// A client order id in field `key`.
    pub fn client_id(&self, key: &str) -> Result<ClientOrderId, FieldError> {
        ClientOrderId::new(self.str(key)?).map_err(|e| format!("field `{key}` {e}"))
    }

    /// A required JSON array.
    pub fn array(&self, key: &str) -> Result<&'a [Value], FieldError> {
        match self.get(key) {
            None => Err(Self::missing(key)),
            Some(Value::Array(v)) => Ok(v),
            Some(_) => Err(format!("field `{key}` must be a JSON array")),
        }
    }

    /// A decimal string that is an element of an array field (`key` names it in errors, like
    /// `values[3]`).
    pub fn element_dec(key: &str, v: &Value) -> Result<Dec, FieldError> {
        let Value::String(s) = v else {
            return Err(Self::not_decimal(key));
        };
        match decimal::parse(s) {
            Ok(d) => Ok(Dec::Value(d)),
            Err(DecimalError::TooLarge) => Ok(Dec::TooLarge),
            Err(DecimalError::Malformed) => Err(Self::not_decimal(key)),
        }
    }

    /// A required decimal string.
    pub fn dec(&self, key: &str) -> Result<Dec, FieldError> {
        self.opt_dec(key)?.ok_or_else(|| Self::missing(key))
    }

    /// An optional decimal string.
    pub fn opt_dec(&self, key: &str) -> Result<Option<Dec>, FieldError> {
        let Some(s) = self.opt_str(key).map_err(|_| Self::not_decimal(key))? else {
            return Ok(None);
        };
        match decimal::parse(s) {
            Ok(d) => Ok(Some(Dec::Value(d))),
            Err(DecimalError::TooLarge) => Ok(Some(Dec::TooLarge)),
            Err(DecimalError::Malformed) => Err(Self::not_decimal(key)),
        }
    }

    fn not_decimal(key: &str) -> FieldError {
        format!("field `{key}` must be a decimal string like \"100.25\"")
    }

    /// One of a fixed set of strings, or `default` when absent.
    pub fn choice<T: Copy>(
        &self,
        key: &str,
        options: &[(&str, T)],
        default: Option<T>,
    ) -> Result<T, FieldError> {
        let Some(s) = self.opt_str(key)? else {
            return default.ok_or_else(|| Self::missing(key));
        };
        options
            .iter()
            .find(|(name, _)| *name == s)
            .map(|(_, v)| *v)
            .ok_or_else(|| {
                let names: Vec<&str> = options.iter().map(|(n, _)| *n).collect();
                format!("field `{key}` must be one of {}", names.join(", "))
            })
    }
}
