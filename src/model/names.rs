//! Names as a person reads them: two names that look the same are one name, whatever letters
//! they are made of. «Рога» typed with a Latin «P» and «o», or «ПВЗ 1» with a Latin «l» for the
//! «1», would be a second row that nobody can tell from the first.

use std::collections::HashMap;

/// What a name is compared by: its UTS #39 skeleton (look-alike letters of other scripts made
/// one, invisible characters dropped) taken as written, in capitals and in small letters — so
/// neither case nor look-alikes count — with every run of spaces made one space. Capitals and
/// small letters are both taken because the look-alike tables differ between them (Cyrillic
/// «М» is Latin «M», but «м» is no «m»; «l» is «1», but «L» is not).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct NameKey {
    written: String,
    capitals: String,
    small: String,
}

impl NameKey {
    pub fn of(name: &str) -> Self {
        let spaced = name.split_whitespace().collect::<Vec<_>>().join(" ");
        let skeleton = |s: &str| -> String {
            let shape: String = unicode_security::skeleton(s).collect();
            // A look-alike of a space (U+00A0 and the like) becomes one in the skeleton.
            shape.split_whitespace().collect::<Vec<_>>().join(" ")
        };
        Self {
            written: skeleton(&spaced),
            capitals: skeleton(&spaced.to_uppercase()),
            small: skeleton(&spaced.to_lowercase()),
        }
    }

    /// Both read as the same name.
    pub fn matches(&self, other: &Self) -> bool {
        self.written == other.written
            || self.capitals == other.capitals
            || self.small == other.small
    }
}

/// `a` and `b` read as the same name: case, look-alike letters, invisible characters and kinds
/// of space aside.
pub fn same_name(a: &str, b: &str) -> bool {
    NameKey::of(a).matches(&NameKey::of(b))
}

/// Names already taken, each found by any of its keys: for checking many names at once (an
/// import of thousands) without comparing each pair.
#[derive(Debug, Default)]
pub struct Taken {
    written: HashMap<String, String>,
    capitals: HashMap<String, String>,
    small: HashMap<String, String>,
}

impl Taken {
    pub fn insert(&mut self, name: &str) {
        self.insert_key(NameKey::of(name), name);
    }

    /// [`Self::insert`] with the key already made (a skeleton is the costly part: an import
    /// makes each name's key once).
    pub fn insert_key(&mut self, key: NameKey, name: &str) {
        self.written
            .entry(key.written)
            .or_insert_with(|| name.to_owned());
        self.capitals
            .entry(key.capitals)
            .or_insert_with(|| name.to_owned());
        self.small
            .entry(key.small)
            .or_insert_with(|| name.to_owned());
    }

    /// The taken name that reads as `name`, if any.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.get_key(&NameKey::of(name))
    }

    /// [`Self::get`] with the key already made.
    pub fn get_key(&self, key: &NameKey) -> Option<&str> {
        self.written
            .get(&key.written)
            .or_else(|| self.capitals.get(&key.capitals))
            .or_else(|| self.small.get(&key.small))
            .map(String::as_str)
    }
}

impl<'a> FromIterator<&'a str> for Taken {
    fn from_iter<I: IntoIterator<Item = &'a str>>(names: I) -> Self {
        let mut taken = Self::default();
        for name in names {
            taken.insert(name);
        }
        taken
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn look_alikes_are_the_same_name() {
        for (a, b) in [
            ("ПВЗ 1", "пвз 1"),
            ("ПВЗ 1", "  ПВЗ   1 "),
            ("ПВЗ 1", "ПВЗ\u{00A0}1"),
            ("ПВЗ 1", "ПВЗ l"),
            ("ПВЗ 1", "ПВЗ\u{00AD} 1"),
            // Cyrillic Р, о, а against Latin P, o, a.
            ("Рога и копыта", "Poгa и кoпытa"),
            ("ELMA365", "ЕLМА365"),
            ("elma365", "ЕLМА365"),
            ("Склад", "Cклaд"),
        ] {
            assert!(same_name(a, b), "{a:?} ~ {b:?}");
        }
    }

    #[test]
    fn different_names_stay_different() {
        for (a, b) in [
            ("ПВЗ 1", "ПВЗ 2"),
            ("ПВЗ 1", "ПВЗ 11"),
            ("Ёлка", "Елка"),
            ("ПВЗ 🚚", "ПВЗ 📦"),
            ("Склад Север", "Склад Юг"),
        ] {
            assert!(!same_name(a, b), "{a:?} ≁ {b:?}");
        }
    }

    #[test]
    fn taken_finds_a_name_by_any_key() {
        let taken: Taken = ["ПВЗ 1", "ELMA365"].into_iter().collect();
        assert_eq!(taken.get("пвз l"), Some("ПВЗ 1"));
        assert_eq!(taken.get("ЕLМА365"), Some("ELMA365"));
        assert_eq!(taken.get("ПВЗ 2"), None);
    }
}
