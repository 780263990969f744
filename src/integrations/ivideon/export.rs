//! Exports of table data: the SQL script that sets Ivideon camera directions for PASS24.online,
//! and the same as CSV. Pure functions: the UI only picks the file.

use std::collections::BTreeMap;
use std::fmt::Write as _;

/// One row of a table field: column id → value.
pub type Row = BTreeMap<String, String>;

/// The table and column of PASS24.online's database the script updates: the only two names
/// docs/sources/ivideon-pass24.md gives. The column that identifies a camera is not named there, so
/// the person exporting says which it is ([`key_column`]).
pub const TABLE: &str = "ivideon_cameras";
pub const DIRECTION_COLUMN: &str = "direction";

/// Checks the name of the column that holds Ivideon's camera id: a plain SQL identifier, so it
/// can stand in the script unquoted in both `PostgreSQL` and `MySQL`.
pub fn key_column(name: &str) -> Result<&str, String> {
    let name = name.trim();
    let mut chars = name.chars();
    let plain = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && name.len() <= 63;
    if name.is_empty() {
        Err(
            "Впишите имя столбца, в котором таблица ivideon_cameras хранит ID камеры Ivideon."
                .to_owned(),
        )
    } else if plain {
        Ok(name)
    } else {
        Err("Имя столбца пишется латинскими буквами, цифрами и _ и начинается с буквы, например camera_id.".to_owned())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExportError {
    #[error("В таблице нет ни одной камеры.")]
    Empty,
    #[error("Строка {row}: {reason}")]
    BadRow { row: usize, reason: String },
    /// The camera-id column name is missing or not a plain identifier.
    #[error("{0}")]
    KeyColumn(String),
}

/// A string as an SQL literal that is safe in both `PostgreSQL` and `MySQL`: quotes are doubled,
/// and backslashes and control characters — which `MySQL` would read as escapes — are refused.
pub fn sql_literal(s: &str) -> Option<String> {
    if s.chars().any(|c| c == '\\' || c.is_control()) {
        return None;
    }
    Some(format!("'{}'", s.replace('\'', "''")))
}

/// A name made safe for a `--` comment: one line, printable.
fn comment(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

fn rows_checked(rows: &[Row]) -> Result<Vec<(&str, &str, &str)>, ExportError> {
    let filled: Vec<_> = rows
        .iter()
        .filter(|r| r.values().any(|v| !v.trim().is_empty()))
        .collect();
    if filled.is_empty() {
        return Err(ExportError::Empty);
    }
    filled
        .into_iter()
        .enumerate()
        .map(|(i, r)| {
            let get = |k: &str| r.get(k).map_or("", |v| v.trim());
            let (id, name, dir) = (get("camera_id"), get("name"), get("direction"));
            let bad = |reason: &str| ExportError::BadRow {
                row: i + 1,
                reason: reason.to_owned(),
            };
            if id.is_empty() {
                return Err(bad("нет ID камеры"));
            }
            // Ivideon camera ids are like 100-AbCd…:0; anything else in an SQL script or a
            // spreadsheet is refused here, whatever the table let through.
            if !id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, ':' | '_' | '-'))
            {
                return Err(bad(
                    "в ID камеры допустимы только латинские буквы, цифры и знаки «:», «_», «-»",
                ));
            }
            if !matches!(dir, "forward" | "reverse") {
                return Err(bad(
                    "направление должно быть forward (въезд) или reverse (выезд)",
                ));
            }
            Ok((id, name, dir))
        })
        .collect()
}

/// `UPDATE ivideon_cameras SET direction = … WHERE <key> = …` for each camera, in one
/// transaction; `key` is the camera-id column the person exporting named.
pub fn directions_sql(
    rows: &[Row],
    account: Option<&str>,
    key: &str,
) -> Result<String, ExportError> {
    let key = key_column(key).map_err(ExportError::KeyColumn)?;
    let rows = rows_checked(rows)?;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "-- Ключник: направления камер Ivideon для PASS24.online"
    );
    let _ = writeln!(
        out,
        "-- Инструкция называет таблицу {TABLE} и столбец {DIRECTION_COLUMN}. Столбец с ID камеры \
         ({key}) указан при выгрузке, а не взят из инструкции: проверьте его перед запуском."
    );
    if let Some(acc) = account {
        let _ = writeln!(out, "-- Номер аккаунта Ivideon: {}", comment(acc));
    }
    let _ = writeln!(
        out,
        "-- forward — камера на въезд, reverse — камера на выезд"
    );
    let _ = writeln!(out, "BEGIN;");
    for (n, (id, name, dir)) in rows.iter().enumerate() {
        let bad = || ExportError::BadRow {
            row: n + 1,
            reason: "недопустимые символы (обратная косая черта или управляющие)".to_owned(),
        };
        let id = sql_literal(id).ok_or_else(bad)?;
        let dir = sql_literal(dir).ok_or_else(bad)?;
        let _ = writeln!(
            out,
            "UPDATE {TABLE} SET {DIRECTION_COLUMN} = {dir} WHERE {key} = {id}; -- {}",
            comment(name)
        );
    }
    let _ = writeln!(out, "COMMIT;");
    Ok(out)
}

/// The same list as CSV (`camera_id;name;direction`, UTF-8 with BOM so Excel reads Cyrillic).
pub fn directions_csv(rows: &[Row]) -> Result<String, ExportError> {
    let rows = rows_checked(rows)?;
    let mut w = csv::WriterBuilder::new()
        .delimiter(b';')
        .from_writer(Vec::new());
    let io = |e: csv::Error| ExportError::BadRow {
        row: 0,
        reason: e.to_string(),
    };
    w.write_record(["camera_id", "name", "direction"])
        .map_err(io)?;
    for (id, name, dir) in rows {
        w.write_record([
            spreadsheet_safe(id),
            spreadsheet_safe(name),
            spreadsheet_safe(dir),
        ])
        .map_err(io)?;
    }
    let bytes = w.into_inner().map_err(|e| ExportError::BadRow {
        row: 0,
        reason: e.to_string(),
    })?;
    Ok(format!("\u{FEFF}{}", String::from_utf8_lossy(&bytes)))
}

/// Keeps a spreadsheet from running a cell as a formula (`=cmd|…`; OWASP «CSV Injection»: a
/// cell starting with `=`, `+`, `-`, `@`, tab or carriage return).
pub fn spreadsheet_safe(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: &str, name: &str, dir: &str) -> Row {
        [("camera_id", id), ("name", name), ("direction", dir)]
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect()
    }

    const ID: &str = "100-AbCdEfGhIjKlMnOpQrStUv:0";

    #[test]
    fn sql_sets_each_direction_in_one_transaction() {
        let sql = directions_sql(
            &[
                row(ID, "Въезд", "forward"),
                row("100-AbCdEfGhIjKlMnOpQrStUv:1", "Выезд", "reverse"),
            ],
            Some("123456"),
            "camera_id",
        )
        .unwrap();
        assert!(sql.contains("BEGIN;\n") && sql.ends_with("COMMIT;\n"));
        assert!(sql.contains(&format!(
            "UPDATE ivideon_cameras SET direction = 'forward' WHERE camera_id = '{ID}'; -- Въезд"
        )));
        assert!(sql.contains(
            "SET direction = 'reverse' WHERE camera_id = '100-AbCdEfGhIjKlMnOpQrStUv:1'; -- Выезд"
        ));
        assert!(sql.contains("-- Номер аккаунта Ivideon: 123456"));
        assert!(sql.contains("Столбец с ID камеры (camera_id) указан при выгрузке"));
    }

    #[test]
    fn the_key_column_is_the_one_named_and_must_be_a_plain_name() {
        let sql = directions_sql(&[row(ID, "n", "forward")], None, " ivideon_id ").unwrap();
        assert!(
            sql.contains(&format!("WHERE ivideon_id = '{ID}';")),
            "{sql}"
        );
        assert!(!sql.contains("camera_id ="), "{sql}");
        for bad in [
            "",
            "  ",
            "camera id",
            "1col",
            "id; DROP TABLE x",
            "\"id\"",
            "столбец",
        ] {
            assert!(
                matches!(
                    directions_sql(&[row(ID, "n", "forward")], None, bad),
                    Err(ExportError::KeyColumn(_))
                ),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn hostile_values_cannot_break_out_of_a_literal() {
        assert_eq!(sql_literal("O'Brien").as_deref(), Some("'O''Brien'"));
        assert_eq!(sql_literal("x\\'; DROP TABLE users; --"), None);
        assert_eq!(sql_literal("a\nb"), None);
        // A hostile id never reaches the script: ids are plain (and would be quoted whole).
        assert!(
            directions_sql(
                &[row("1'; DROP TABLE ivideon_cameras; --", "n", "forward")],
                None,
                "camera_id",
            )
            .is_err()
        );
        // Names only ever land in a comment, flattened to one line.
        let sql = directions_sql(
            &[row(ID, "Въезд\n'; DELETE FROM x; --", "forward")],
            None,
            "camera_id",
        )
        .unwrap();
        assert_eq!(sql.lines().filter(|l| l.contains("DELETE")).count(), 1);
        assert!(
            sql.lines()
                .any(|l| l.starts_with("UPDATE") && l.contains("-- Въезд '; DELETE FROM x; --"))
        );
        assert!(matches!(
            directions_sql(&[row("a\\b", "n", "forward")], None, "camera_id"),
            Err(ExportError::BadRow { row: 1, .. })
        ));
        assert!(matches!(
            directions_sql(&[row(ID, "n", "sideways")], None, "camera_id"),
            Err(ExportError::BadRow { .. })
        ));
        assert_eq!(
            directions_sql(&[], None, "camera_id"),
            Err(ExportError::Empty)
        );
    }

    #[test]
    fn csv_quotes_and_defuses_formulas() {
        let csv = directions_csv(&[
            row(ID, "Въезд; \"главный\"", "forward"),
            row(ID, "=HYPERLINK(\"x\")", "reverse"),
        ])
        .unwrap();
        let mut lines = csv.trim_start_matches('\u{FEFF}').lines();
        assert_eq!(lines.next(), Some("camera_id;name;direction"));
        assert_eq!(
            lines.next(),
            Some(format!("{ID};\"Въезд; \"\"главный\"\"\";forward").as_str())
        );
        assert_eq!(
            lines.next(),
            Some(format!("{ID};\"'=HYPERLINK(\"\"x\"\")\";reverse").as_str())
        );
    }
}
