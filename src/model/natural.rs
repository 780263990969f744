//! The order people expect for names: «ПВЗ 2» before «ПВЗ 10», case ignored.
//!
//! A name is a run of pieces: digits compare by value (any length, leading zeros ignored),
//! other text letter by letter in lower case, and a number comes before text at the same place.
//! Comparing allocates nothing and starts where the two names first differ: names in a long
//! list often share most of their beginning («… пункт выдачи, дом 12» and «… дом 120»).

use std::cmp::Ordering;

/// Compares two names in natural order.
pub fn cmp(a: &str, b: &str) -> Ordering {
    let start = decisive_start(a, b);
    cmp_pieces(&a[start..], &b[start..])
}

/// Where the comparison must start: the end of the bytes both names share, moved back to a
/// character boundary and out of a run of digits (a run compares as a whole number). What lies
/// before is the same text in both, so it cannot decide.
fn decisive_start(a: &str, b: &str) -> usize {
    let (bytes_a, bytes_b) = (a.as_bytes(), b.as_bytes());
    let (blocks_a, _) = bytes_a.as_chunks::<16>();
    let (blocks_b, _) = bytes_b.as_chunks::<16>();
    let mut at = 16
        * blocks_a
            .iter()
            .zip(blocks_b)
            .take_while(|(p, q)| p == q)
            .count();
    at += bytes_a[at..]
        .iter()
        .zip(&bytes_b[at..])
        .take_while(|(p, q)| p == q)
        .count();
    while !(a.is_char_boundary(at) && b.is_char_boundary(at)) {
        at -= 1;
    }
    while at > 0 && bytes_a[at - 1].is_ascii_digit() {
        at -= 1;
    }
    at
}

fn cmp_pieces(mut a: &str, mut b: &str) -> Ordering {
    loop {
        let (Some(&x), Some(&y)) = (a.as_bytes().first(), b.as_bytes().first()) else {
            return a.len().cmp(&b.len());
        };
        let digits = x.is_ascii_digit();
        if digits != y.is_ascii_digit() {
            return if digits {
                Ordering::Less
            } else {
                Ordering::Greater
            };
        }
        let (pa, rest_a) = run(a, digits);
        let (pb, rest_b) = run(b, digits);
        let order = if digits {
            let (na, nb) = (pa.trim_start_matches('0'), pb.trim_start_matches('0'));
            // Fewer digits is a smaller number: no parsing, so no overflow.
            na.len().cmp(&nb.len()).then_with(|| na.cmp(nb))
        } else {
            lower(pa).cmp(lower(pb))
        };
        if order != Ordering::Equal {
            return order;
        }
        a = rest_a;
        b = rest_b;
    }
}

fn lower(s: &str) -> impl Iterator<Item = char> + '_ {
    s.chars().flat_map(char::to_lowercase)
}

/// The leading run of digits (or of anything else) and what follows it. ASCII digits never
/// occur inside a multi-byte character, so the split is always on a character boundary.
fn run(s: &str, digits: bool) -> (&str, &str) {
    let end = s
        .bytes()
        .position(|c| c.is_ascii_digit() != digits)
        .unwrap_or(s.len());
    s.split_at(end)
}

#[cfg(test)]
mod tests {
    use super::cmp;
    use std::cmp::Ordering;

    #[test]
    fn numbers_in_names_sort_by_value() {
        let mut names = vec![
            "клиент 1000",
            "клиент 10",
            "Клиент 2",
            "клиент 1",
            "клиент 100",
            "ПВЗ 007",
            "ПВЗ 10",
            "пвз 9",
            "ELMA365 — склад",
            "ELMA365 — 1С",
        ];
        names.sort_by(|a, b| cmp(a, b));
        assert_eq!(
            names,
            [
                "ELMA365 — 1С",
                "ELMA365 — склад",
                "клиент 1",
                "Клиент 2",
                "клиент 10",
                "клиент 100",
                "клиент 1000",
                "ПВЗ 007",
                "пвз 9",
                "ПВЗ 10",
            ]
        );
        // Very long digit runs do not overflow.
        assert_eq!(
            cmp(
                "a 99999999999999999999999999",
                "a 100000000000000000000000000"
            ),
            Ordering::Less
        );
    }

    #[test]
    fn a_shared_beginning_does_not_decide() {
        let long =
            "Vision Ellcom → WB Point — пункт выдачи заказов на улице Героев-Североморцев, дом ";
        let a = format!("{long}12, корпус 2");
        let b = format!("{long}120, корпус 2");
        assert_eq!(cmp(&a, &b), Ordering::Less);
        assert_eq!(cmp(&b, &a), Ordering::Greater);
        // The first difference inside a run of digits: «19» against «120».
        assert_eq!(
            cmp(&format!("{long}19"), &format!("{long}120")),
            Ordering::Less
        );
        // …inside a two-byte letter: «Ж» and «Я» share their first byte.
        assert_eq!(cmp("дом Ж", "дом Я"), Ordering::Less);
        assert_eq!(cmp("дом я", "дом Ж"), Ordering::Greater);
        // Case alone does not order; a name that is the beginning of another comes first.
        assert_eq!(cmp("ПВЗ", "пвз"), Ordering::Equal);
        assert_eq!(cmp("ПВЗ", "пвз 1"), Ordering::Less);
        assert_eq!(cmp("ab1", "abc"), Ordering::Less);
        assert_eq!(cmp(&long.repeat(3), &long.repeat(3)), Ordering::Equal);
    }
}
