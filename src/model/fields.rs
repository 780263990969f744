//! A connection's non-secret values by field id, kept compactly: a list of 10,000 connections
//! has 10,000 of these, each with a handful of values. A `BTreeMap<String, String>` costs a
//! 0.5 KB tree node plus two strings per value; this is one allocation — the values one after
//! another in one string — beside a shared list of ids (connections of one flow have the same
//! ids, so 10,000 ПВЗ share one list) and the ends of the values, inline up to four. It reads
//! and writes as the same JSON object as the map did.

use std::cell::RefCell;
use std::collections::{BTreeMap, HashSet};
use std::fmt;
use std::hash::Hash;
use std::sync::{Arc, LazyLock, Mutex, PoisonError};
use std::thread::LocalKey;

use serde::de::{MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use smallvec::SmallVec;

#[derive(Clone, PartialEq, Eq)]
pub struct Fields {
    /// Sorted, unique.
    ids: Arc<[Arc<str>]>,
    /// Where each value ends in `values` (it starts where the one before ends).
    ends: SmallVec<[u32; 4]>,
    values: Box<str>,
}

type Pool<T> = HashSet<Arc<T>>;

/// One shared copy of `key`: each thread asks its own small pool first, so reading 10,000
/// connections takes no lock per word.
fn intern<T: ?Sized + Eq + Hash>(
    near: &'static LocalKey<RefCell<Pool<T>>>,
    pool: &Mutex<Pool<T>>,
    key: &T,
    make: impl FnOnce(&T) -> Arc<T>,
) -> Arc<T>
where
    Arc<T>: std::borrow::Borrow<T>,
{
    near.with_borrow_mut(|near| {
        if let Some(known) = near.get(key) {
            return Arc::clone(known);
        }
        let mut pool = pool.lock().unwrap_or_else(PoisonError::into_inner);
        let known = if let Some(known) = pool.get(key) {
            Arc::clone(known)
        } else {
            let new = make(key);
            pool.insert(Arc::clone(&new));
            new
        };
        near.insert(Arc::clone(&known));
        known
    })
}

/// One shared copy of each field id (and other short words repeated in every connection).
pub fn shared(word: &str) -> Arc<str> {
    static POOL: LazyLock<Mutex<Pool<str>>> = LazyLock::new(Mutex::default);
    thread_local! { static NEAR: RefCell<Pool<str>> = RefCell::default(); }
    intern(&NEAR, &POOL, word, |w| Arc::from(w))
}

/// One shared copy of each list of ids.
fn shared_ids(ids: &[Arc<str>]) -> Arc<[Arc<str>]> {
    static POOL: LazyLock<Mutex<Pool<[Arc<str>]>>> = LazyLock::new(Mutex::default);
    thread_local! { static NEAR: RefCell<Pool<[Arc<str>]>> = RefCell::default(); }
    intern(&NEAR, &POOL, ids, |w| Arc::from(w))
}

/// Where a value ends. A connection's values together stay far below 4 GiB: files and imports
/// are read whole into memory and limited well below that.
fn end(len: usize) -> u32 {
    u32::try_from(len).expect("a connection's values take less than 4 GiB")
}

impl Default for Fields {
    fn default() -> Self {
        Self {
            ids: shared_ids(&[]),
            ends: SmallVec::new(),
            values: Box::default(),
        }
    }
}

impl Fields {
    pub fn get(&self, id: &str) -> Option<&str> {
        let i = self.ids.binary_search_by(|k| (**k).cmp(id)).ok()?;
        Some(self.value(i))
    }

    /// Sets the value of `id`, replacing what it had.
    pub fn insert(&mut self, id: &str, value: &str) {
        // The last value of an id wins.
        *self = self.iter().chain([(id, value)]).collect();
    }

    /// Removes the value of `id`, if it has one.
    pub fn remove(&mut self, id: &str) {
        *self = self.iter().filter(|(k, _)| *k != id).collect();
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        (0..self.ids.len()).map(|i| (&*self.ids[i], self.value(i)))
    }

    pub fn values(&self) -> impl Iterator<Item = &str> {
        (0..self.ids.len()).map(|i| self.value(i))
    }

    /// The values as an ordinary map (for a wizard's draft).
    pub fn to_map(&self) -> BTreeMap<String, String> {
        self.iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect()
    }

    fn value(&self, i: usize) -> &str {
        let start = i
            .checked_sub(1)
            .map_or(0, |before| self.ends[before] as usize);
        &self.values[start..self.ends[i] as usize]
    }
}

impl<K: AsRef<str>, V: AsRef<str>> FromIterator<(K, V)> for Fields {
    /// A later value for the same id wins, as in a map.
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        let mut entries: Vec<(K, V)> = iter.into_iter().collect();
        // Stable: of equal ids the last stays last, and dedup keeps the first — so reverse.
        entries.reverse();
        entries.sort_by(|a, b| a.0.as_ref().cmp(b.0.as_ref()));
        entries.dedup_by(|later, earlier| later.0.as_ref() == earlier.0.as_ref());
        let mut values = String::with_capacity(entries.iter().map(|(_, v)| v.as_ref().len()).sum());
        let mut ends = SmallVec::with_capacity(entries.len());
        let mut ids = Vec::with_capacity(entries.len());
        for (k, v) in &entries {
            values.push_str(v.as_ref());
            ends.push(end(values.len()));
            ids.push(shared(k.as_ref()));
        }
        Self {
            ids: shared_ids(&ids),
            ends,
            values: values.into_boxed_str(),
        }
    }
}

impl From<BTreeMap<String, String>> for Fields {
    fn from(map: BTreeMap<String, String>) -> Self {
        map.into_iter().collect()
    }
}

impl std::ops::Index<&str> for Fields {
    type Output = str;

    /// The value of `id`; panics when there is none, as a map does.
    fn index(&self, id: &str) -> &str {
        self.get(id)
            .unwrap_or_else(|| panic!("no field «{id}» in this connection"))
    }
}

impl fmt::Debug for Fields {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl Serialize for Fields {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.ends.len()))?;
        for (k, v) in self.iter() {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for Fields {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Entries;
        impl<'de> Visitor<'de> for Entries {
            type Value = Fields;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object of text values")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Fields, A::Error> {
                // Values go straight into the one string, without a string each on the way;
                // the ids are gathered on the stack and looked up as one list.
                let mut ids: SmallVec<[Arc<str>; 8]> = SmallVec::new();
                let mut ends = SmallVec::new();
                let mut values = String::new();
                while let Some(Id(id)) = map.next_key()? {
                    map.next_value_seed(AppendTo(&mut values))?;
                    let end = u32::try_from(values.len())
                        .map_err(|_| serde::de::Error::custom("the values are too long"))?;
                    ids.push(id);
                    ends.push(end);
                }
                // Ids come sorted from every file Ключник writes; any other order (or an id
                // twice) is put right the slow way, keeping the last value of an id.
                let sorted = ids.is_sorted_by(|a, b| a < b);
                let fields = Fields {
                    ids: if sorted {
                        shared_ids(&ids)
                    } else {
                        Arc::from(&ids[..])
                    },
                    ends,
                    values: values.into_boxed_str(),
                };
                if sorted {
                    Ok(fields)
                } else {
                    Ok(fields.iter().collect())
                }
            }
        }

        /// Reads a text value onto the end of a string.
        struct AppendTo<'a>(&'a mut String);
        impl<'de> serde::de::DeserializeSeed<'de> for AppendTo<'_> {
            type Value = ();

            fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
                deserializer.deserialize_str(self)
            }
        }
        impl Visitor<'_> for AppendTo<'_> {
            type Value = ();

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a text value")
            }

            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<(), E> {
                self.0.push_str(v);
                Ok(())
            }
        }
        deserializer.deserialize_map(Entries)
    }
}

/// Reads a word through [`shared`].
pub(super) fn deserialize_shared<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Arc<str>, D::Error> {
    Id::deserialize(deserializer).map(|Id(word)| word)
}

/// A field id read without a copy of its own when it is already known.
struct Id(Arc<str>);

impl<'de> Deserialize<'de> for Id {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Word;
        impl Visitor<'_> for Word {
            type Value = Id;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a field id")
            }

            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Id, E> {
                Ok(Id(shared(v)))
            }
        }
        deserializer.deserialize_str(Word)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_take_no_more_room_than_three_pointers_and_their_ends() {
        // What 10,000 connections hold inline: the ids' pointer, the values' pointer and
        // four ends (smallvec's `union` keeps the inline ends beside the length).
        assert_eq!(std::mem::size_of::<Fields>(), 16 + 16 + 24);
    }

    #[test]
    fn reads_and_writes_the_same_object_as_a_map() {
        let json = r#"{"url":"https://a","email":"a@b.ru","code":"7","email":"c@d.ru"}"#;
        let fields: Fields = serde_json::from_str(json).expect("parse");
        let map: BTreeMap<String, String> = serde_json::from_str(json).expect("parse");
        assert_eq!(fields.to_map(), map);
        assert_eq!(
            serde_json::to_string(&fields).expect("write"),
            serde_json::to_string(&map).expect("write")
        );
        assert_eq!(&fields["email"], "c@d.ru");
        // As Ключник writes them: sorted, escapes and all.
        let written: Fields =
            serde_json::from_str(r#"{"a":"","b":"«\"\u0431\"»","c":"3"}"#).expect("parse");
        assert_eq!(
            written.iter().collect::<Vec<_>>(),
            [("a", ""), ("b", "«\"б\"»"), ("c", "3")]
        );
        assert_eq!(fields.get("nothing"), None);
        let mut more = fields.clone();
        more.insert("code", "8");
        more.insert("a", "first");
        assert_eq!(
            more.iter().collect::<Vec<_>>(),
            [
                ("a", "first"),
                ("code", "8"),
                ("email", "c@d.ru"),
                ("url", "https://a")
            ]
        );
        // Ids are shared between connections: each word, and the list as a whole.
        let other: Fields = serde_json::from_str(json).expect("parse");
        assert!(Arc::ptr_eq(&other.ids, &fields.ids));
        let same_ids: Fields =
            serde_json::from_str(r#"{"code":"1","email":"","url":"u"}"#).expect("parse");
        assert!(Arc::ptr_eq(&same_ids.ids, &fields.ids));
        assert_eq!(same_ids.values().collect::<Vec<_>>(), ["1", "", "u"]);
        assert!(Arc::ptr_eq(&more.ids[1], &fields.ids[0]));
        assert!(Arc::ptr_eq(
            &Fields::default().ids,
            &Fields::from_iter::<[(&str, &str); 0]>([]).ids
        ));
    }
}
