//! A secret value in memory.

use std::fmt;

use zeroize::Zeroizing;

/// A secret value: never printed, wiped from memory when dropped.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Secret(Zeroizing<String>);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(Zeroizing::new(value.into()))
    }

    /// The value, for the few places that must hand it on (keyring, HTTP header, clipboard).
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The edit buffer, for the masked text field.
    pub fn buffer_mut(&mut self) -> &mut String {
        &mut self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.trim().is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(«скрыто»)")
    }
}
