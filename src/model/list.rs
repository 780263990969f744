//! One version of the saved connections, shared read-only, with the natural order of their
//! names worked out once per version instead of on every sort.

use std::sync::OnceLock;

use super::Connection;

/// The connections as the file held them, in file order.
#[derive(Debug, Default)]
pub struct List {
    connections: Vec<Connection>,
    /// Each connection's place in natural name order ([`crate::model::natural`]), by index; equal
    /// names keep their file order. Sorts compare these numbers, not names.
    rank: OnceLock<Box<[usize]>>,
}

impl List {
    pub fn new(mut connections: Vec<Connection>) -> Self {
        // Parsing grows the vector by doubling: 10,000 connections would keep room for 16,384.
        connections.shrink_to_fit();
        Self {
            connections,
            rank: OnceLock::new(),
        }
    }

    /// The name order, worked out at the first call (a window's opening does it in the
    /// background; the command line never needs it).
    pub fn rank(&self) -> &[usize] {
        self.rank.get_or_init(|| {
            let mut by_name: Vec<usize> = (0..self.connections.len()).collect();
            by_name.sort_by(|&a, &b| {
                crate::model::natural::cmp(&self.connections[a].name, &self.connections[b].name)
            });
            let mut rank = vec![0; by_name.len()];
            for (place, &i) in by_name.iter().enumerate() {
                rank[i] = place;
            }
            rank.into()
        })
    }
}

impl std::ops::Deref for List {
    type Target = [Connection];

    fn deref(&self) -> &[Connection] {
        &self.connections
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rank_is_the_place_in_name_order() {
        let names = ["ПВЗ 10", "пвз 9", "Аптека", "ПВЗ 9"];
        let list = List::new(
            names
                .iter()
                .map(|n| Connection::new("elma365", "ELMA365", (*n).to_owned()))
                .collect(),
        );
        assert_eq!(list.rank(), &[3, 1, 0, 2]);
        let mut sorted = [""; 4];
        for (i, &place) in list.rank().iter().enumerate() {
            sorted[place] = names[i];
        }
        assert_eq!(sorted, ["Аптека", "пвз 9", "ПВЗ 9", "ПВЗ 10"]);
    }
}
