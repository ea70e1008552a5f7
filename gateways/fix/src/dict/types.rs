//! Field types and the format check each one implies (QuickFIX's convertors).

use crate::codec::time;

/// A field's type, as far as validation distinguishes them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldType {
    /// INT, LENGTH, SEQNUM, NUMINGROUP, TAGNUM: an optionally negative integer.
    Int,
    /// LENGTH: an integer giving the length of the DATA field that follows.
    Length,
    /// NUMINGROUP: the count of a repeating group.
    NumInGroup,
    /// FLOAT, QTY, PRICE, PRICEOFFSET, AMT, PERCENTAGE: a decimal without sign `+` or exponent.
    Float,
    /// CHAR: exactly one character.
    Char,
    /// BOOLEAN: `Y` or `N`.
    Boolean,
    /// UTCTIMESTAMP.
    UtcTimestamp,
    /// UTCTIMEONLY.
    UtcTimeOnly,
    /// UTCDATEONLY.
    UtcDateOnly,
    /// MULTIPLEVALUESTRING: space-separated values (each checked against the enumeration).
    MultipleValue,
    /// DATA: raw bytes, length given by the LENGTH field before it.
    Data,
    /// Anything else (STRING, CURRENCY, EXCHANGE, LOCALMKTDATE, MONTHYEAR, ...): not checked.
    String,
}

impl FieldType {
    /// From the dictionary's type name.
    pub fn from_name(name: &str) -> FieldType {
        match name {
            "INT" | "SEQNUM" | "TAGNUM" | "DAYOFMONTH" => FieldType::Int,
            "LENGTH" => FieldType::Length,
            "NUMINGROUP" => FieldType::NumInGroup,
            "FLOAT" | "QTY" | "PRICE" | "PRICEOFFSET" | "AMT" | "PERCENTAGE" => FieldType::Float,
            "CHAR" => FieldType::Char,
            "BOOLEAN" => FieldType::Boolean,
            "UTCTIMESTAMP" => FieldType::UtcTimestamp,
            "UTCTIMEONLY" => FieldType::UtcTimeOnly,
            "UTCDATEONLY" | "UTCDATE" => FieldType::UtcDateOnly,
            "MULTIPLEVALUESTRING" => FieldType::MultipleValue,
            "DATA" => FieldType::Data,
            _ => FieldType::String,
        }
    }

    /// True when `v` is well formed for this type.
    pub fn accepts(self, v: &[u8]) -> bool {
        match self {
            FieldType::Int | FieldType::Length | FieldType::NumInGroup => is_int(v),
            FieldType::Float => is_decimal(v),
            FieldType::Char => v.len() == 1,
            FieldType::Boolean => v == b"Y" || v == b"N",
            FieldType::UtcTimestamp => time::parse_timestamp(v).is_some(),
            FieldType::UtcTimeOnly => time::parse_time(v).is_some(),
            FieldType::UtcDateOnly => time::parse_date(v).is_some(),
            FieldType::MultipleValue | FieldType::Data | FieldType::String => true,
        }
    }
}

fn is_int(v: &[u8]) -> bool {
    let digits = v.strip_prefix(b"-").unwrap_or(v);
    !digits.is_empty() && digits.iter().all(u8::is_ascii_digit)
}

fn is_decimal(v: &[u8]) -> bool {
    let body = v.strip_prefix(b"-").unwrap_or(v);
    let mut dots = 0;
    let mut digits = 0;
    for b in body {
        match b {
            b'.' => dots += 1,
            b'0'..=b'9' => digits += 1,
            _ => return false,
        }
    }
    dots <= 1 && digits > 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert!(FieldType::Float.accepts(b"002000.00"));
        assert!(FieldType::Float.accepts(b"-1.5"));
        assert!(!FieldType::Float.accepts(b"+200.00"));
        assert!(!FieldType::Float.accepts(b"1e5"));
        assert!(FieldType::Int.accepts(b"-3") && !FieldType::Int.accepts(b"3.0"));
        assert!(FieldType::Char.accepts(b"w") && !FieldType::Char.accepts(b"ww"));
        assert!(!FieldType::UtcTimestamp.accepts(b"20040415"));
    }
}
