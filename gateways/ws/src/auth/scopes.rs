//! What a key may do: `read` (private streams), `trade` (order entry; implies read), `admin`.

use std::fmt;
use std::ops::BitOr;
use thiserror::Error;

/// A set of scopes (a small bit set).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Scopes(u8);

const READ_BIT: u8 = 1;
const TRADE_BIT: u8 = 2;
const ADMIN_BIT: u8 = 4;

impl Scopes {
    /// No scope.
    pub const NONE: Scopes = Scopes(0);
    /// Private streams.
    pub const READ: Scopes = Scopes(READ_BIT);
    /// Order entry, which implies [`Scopes::READ`].
    pub const TRADE: Scopes = Scopes(TRADE_BIT | READ_BIT);
    /// Operator methods (alone it grants no read or trade).
    pub const ADMIN: Scopes = Scopes(ADMIN_BIT);

    /// The scopes named in a key's configuration (`"read"`, `"trade"`, `"admin"`), at least one.
    pub fn parse<I, S>(names: I) -> Result<Scopes, ScopeError>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut scopes = Scopes::NONE;
        for name in names {
            scopes = scopes
                | match name.as_ref() {
                    "read" => Scopes::READ,
                    "trade" => Scopes::TRADE,
                    "admin" => Scopes::ADMIN,
                    other => return Err(ScopeError::Unknown(other.to_string())),
                };
        }
        if scopes == Scopes::NONE {
            return Err(ScopeError::Empty);
        }
        Ok(scopes)
    }

    /// True when every scope of `other` is in `self`.
    pub fn contains(self, other: Scopes) -> bool {
        self.0 & other.0 == other.0
    }

    /// May subscribe to the account's private channels.
    pub fn can_read(self) -> bool {
        self.contains(Scopes::READ)
    }

    /// May place, cancel and amend orders.
    pub fn can_trade(self) -> bool {
        self.contains(Scopes::TRADE)
    }

    /// May call the `admin.*` methods.
    pub fn is_admin(self) -> bool {
        self.contains(Scopes::ADMIN)
    }

    /// The wire names, in the order `read`, `trade`, `admin` (as the logon answer lists them).
    pub fn names(self) -> impl Iterator<Item = &'static str> {
        [
            (READ_BIT, "read"),
            (TRADE_BIT, "trade"),
            (ADMIN_BIT, "admin"),
        ]
        .into_iter()
        .filter(move |(bit, _)| self.0 & bit != 0)
        .map(|(_, name)| name)
    }
}

impl BitOr for Scopes {
    type Output = Scopes;

    fn bitor(self, rhs: Scopes) -> Scopes {
        Scopes(self.0 | rhs.0)
    }
}

impl fmt::Debug for Scopes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.names()).finish()
    }
}

/// A key's scope list that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ScopeError {
    /// A name other than read, trade, admin.
    #[error("unknown scope {0:?}: scopes are \"read\", \"trade\" and \"admin\"")]
    Unknown(String),
    /// No scope at all.
    #[error("a key needs at least one scope (\"read\", \"trade\" or \"admin\")")]
    Empty,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trade_implies_read() {
        let t = Scopes::parse(["trade"]).unwrap();
        assert!(t.can_read() && t.can_trade() && !t.is_admin());
        assert_eq!(t.names().collect::<Vec<_>>(), ["read", "trade"]);
        let a = Scopes::parse(vec!["admin".to_string()]).unwrap();
        assert!(a.is_admin() && !a.can_read() && !a.can_trade());
        let configured = vec!["admin".to_string(), "read".into(), "trade".into()];
        let all = Scopes::parse(&configured).unwrap();
        assert_eq!(configured.len(), 3);
        assert_eq!(all.names().collect::<Vec<_>>(), ["read", "trade", "admin"]);
        assert_eq!(format!("{:?}", Scopes::READ), "[\"read\"]");
    }

    #[test]
    fn refuses_unknown_and_empty() {
        assert_eq!(
            Scopes::parse(["write"]),
            Err(ScopeError::Unknown("write".into()))
        );
        assert_eq!(Scopes::parse(Vec::<String>::new()), Err(ScopeError::Empty));
    }
}
