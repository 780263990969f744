//! The camera list exported for PASS24.online (SQL and CSV) refuses ids that are no Ivideon
//! ids and keeps every spreadsheet cell from being read as a formula.

use klyuchnik::integrations::ivideon::export::{directions_csv, directions_sql};

fn row(id: &str, name: &str) -> std::collections::BTreeMap<String, String> {
    [("camera_id", id), ("name", name), ("direction", "forward")]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
}

#[test]
fn camera_ids_are_plain_and_cells_are_not_formulas() {
    for bad in [
        "100-Ab'; DROP TABLE x; --",
        "=HYPERLINK(\"http://x\")",
        "100 Ab",
        "id\u{202E}",
        "камера",
    ] {
        let rows = [row(bad, "Въезд")];
        let sql = directions_sql(&rows, None, "camera_id")
            .unwrap_err()
            .to_string();
        assert!(sql.contains("допустимы только"), "{bad}: {sql}");
        assert!(directions_csv(&rows).is_err(), "{bad}");
    }
    let csv = directions_csv(&[row("100-AbCd:0", "=1+2"), row("100-AbCd:1", "@SUM(A1)")]).unwrap();
    assert!(csv.contains("100-AbCd:0;'=1+2;forward"), "{csv}");
    assert!(csv.contains("'@SUM(A1)"), "{csv}");
    for line in csv.lines().skip(1) {
        for cell in line.split(';') {
            assert!(
                !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                "{cell}"
            );
        }
    }
}
