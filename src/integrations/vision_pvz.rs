//! Batch onboarding: a CSV list of ПВЗ (code, address, sub-user e-mail) becomes Vision Ellcom
//! connections awaiting their token, each resumable in the wizard at the employee's step.

use chrono::Local;

use crate::flow::rules::{self, Verdict};
use crate::flow::{Catalog, Flow};
use crate::model::Connection;

pub const FLOW: &str = "vision-ellcom";

/// Where a ПВЗ from a list resumes, 0-based: the entry the flow file marks `resumes_list`
/// (the employee's «Войдите в Vision Ellcom»).
pub fn resume_step(flow: &Flow) -> Option<usize> {
    flow.entries
        .iter()
        .find(|e| e.resumes_list)
        .map(|e| e.step - 1)
}

/// What a CSV gave: connections to add, and rejected rows (1-based line, reason).
#[derive(Debug, Default)]
pub struct Batch {
    pub connections: Vec<Connection>,
    pub rejected: Vec<(usize, String)>,
    /// The first line, when it was taken for a header and skipped: said, never silent.
    pub header: Option<String>,
}

/// Reads `text` — columns code, address, e-mail, separated by `;`, `,` or tab, with or without a
/// header row — checking each row by the Vision Ellcom wizard's own field rules. `admin_done`:
/// the administrator has confirmed the administrator's part (cameras and the permission) for
/// every ПВЗ of the list — recorded with each, they continue at the employee's step; otherwise
/// at the administrator's last step, which asks for that confirmation.
pub fn pvz_from_csv(
    text: &str,
    catalog: &Catalog,
    existing: &[Connection],
    admin_done: bool,
) -> Result<Batch, String> {
    let flow = catalog.get(FLOW).ok_or("нет мастера Vision Ellcom")?;
    let employee =
        resume_step(flow).ok_or("в мастере Vision Ellcom не отмечен шаг сотрудника ПВЗ")?;
    let resume = if admin_done {
        employee
    } else {
        employee.saturating_sub(1)
    };
    let text = text.trim_start_matches('\u{FEFF}');
    let first = text.lines().next().unwrap_or_default();
    let delimiter = [b';', b'\t', b',']
        .into_iter()
        .find(|d| first.as_bytes().contains(d))
        .unwrap_or(b';');
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut batch = Batch::default();
    // Codes and e-mails already in use, with where: a saved connection or an earlier row.
    let mut taken: Vec<(String, String, String)> = existing
        .iter()
        .filter(|c| &*c.flow == FLOW)
        .map(|c| {
            (
                c.fields.get("pvz_code").unwrap_or_default().to_lowercase(),
                c.fields.get("email").unwrap_or_default().to_lowercase(),
                format!("у подключения «{}»", c.name),
            )
        })
        .collect();
    // Names compare as a person reads them: case, look-alike letters and spaces aside.
    let mut names = crate::model::names::Taken::default();
    for c in existing {
        names.insert(&c.name);
    }
    for (n, record) in reader.records().enumerate() {
        let line = n + 1;
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                batch
                    .rejected
                    .push((line, format!("строка не читается ({e})")));
                continue;
            }
        };
        let cells: Vec<&str> = record.iter().map(str::trim).collect();
        if cells.iter().all(|c| c.is_empty()) {
            continue;
        }
        let checked = row(flow, resume, &cells);
        // A header is a first line that is no ПВЗ: decided by the same field rules, so a
        // headerless list whose first e-mail is pvz@mail.ru keeps its first ПВЗ.
        if line == 1 && checked.is_err() && !cells.get(2).is_some_and(|c| c.contains('@')) {
            batch.header = Some(cells.join("; "));
            continue;
        }
        match checked {
            Ok(c) => {
                let code = c.fields["pvz_code"].to_lowercase();
                let email = c.fields["email"].to_lowercase();
                // Which of the two is taken, and where: the clerk fixes that cell.
                let clash = taken.iter().find_map(|(tc, te, at)| {
                    if *tc == code {
                        Some(format!("код {} уже есть {at}", &c.fields["pvz_code"]))
                    } else if *te == email {
                        Some(format!("e-mail {} уже есть {at}", &c.fields["email"]))
                    } else {
                        None
                    }
                });
                if let Some(clash) = clash {
                    batch
                        .rejected
                        .push((line, format!("{clash}: у каждого ПВЗ своя учётная запись")));
                    continue;
                }
                if let Some(same) = names.get(&c.name) {
                    batch
                        .rejected
                        .push((line, format!("подключение «{same}» уже есть")));
                    continue;
                }
                taken.push((code, email, format!("в строке {line}")));
                names.insert(&c.name);
                batch.connections.push(c);
            }
            Err(reason) => batch.rejected.push((line, reason)),
        }
    }
    Ok(batch)
}

fn row(flow: &Flow, resume: usize, cells: &[&str]) -> Result<Connection, String> {
    if cells.len() < 3 {
        return Err("нужны три значения: код, адрес, e-mail".to_owned());
    }
    let today = Local::now().date_naive();
    let check = |id: &str, raw: &str| -> Result<String, String> {
        let field = flow
            .field(id)
            .ok_or_else(|| format!("в мастере нет поля {id}"))?;
        let mut rule = field.clone();
        rule.required = true;
        match rules::check(&rule, raw, today) {
            Verdict::Valid { value, .. } => Ok(value),
            other => Err(format!(
                "«{}»: {}",
                field.label,
                other.error(&rule).unwrap_or_default()
            )),
        }
    };
    let code = check("pvz_code", cells[0])?;
    let address = check("pvz_address", cells[1])?;
    let email = check("email", cells[2])?;
    // Named by code and address, so ПВЗ of one list tell apart in the list at a glance; too
    // long a name for the field's rule keeps the code alone.
    let name = check("pvz_name", &format!("ПВЗ {code} — {address}"))
        .or_else(|_| check("pvz_name", &format!("ПВЗ {code}")))?;
    Ok(Connection {
        fields: [
            ("pvz_name", name.clone()),
            ("pvz_code", code),
            ("pvz_address", address),
            ("email", email),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect(),
        pending_step: Some(resume),
        pending_entry: Some(resume),
        // What the administrator confirmed for the whole list: every tick of the steps before.
        pending_confirmed: flow.steps[..resume]
            .iter()
            .enumerate()
            .flat_map(|(i, s)| (0..s.confirm.len()).map(move |n| format!("{i}.{n}")))
            .collect(),
        ..Connection::new(&flow.id, &flow.system, name)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn catalog() -> Catalog {
        Catalog::embedded().expect("flows")
    }

    #[test]
    fn reads_rows_with_or_without_header_and_rejects_bad_ones() {
        let csv = "код;адрес;e-mail\n101;Лесная, 5;pvz-101@example.ru\n102;\"Мира, 1; вход со двора\";pvz-102@example.ru\n103;Садовая;not-an-email\n;Пустой код;x@example.ru\n104;Дубль;PVZ-101@example.ru\n105;Мало\n106;\u{202E}evil;e@example.ru\n";
        let b = pvz_from_csv(csv, &catalog(), &[], true).expect("batch");
        let names: Vec<_> = b.connections.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(
            names,
            ["ПВЗ 101 — Лесная, 5", "ПВЗ 102 — Мира, 1; вход со двора"]
        );
        assert_eq!(
            &b.connections[1].fields["pvz_address"],
            "Мира, 1; вход со двора"
        );
        assert!(
            b.connections
                .iter()
                .all(|c| c.pending_step == Some(2) && c.secrets.is_empty())
        );
        let lines: Vec<usize> = b.rejected.iter().map(|(l, _)| *l).collect();
        assert_eq!(lines, [4, 5, 6, 7, 8], "{:?}", b.rejected);
        assert!(b.rejected[0].1.contains("name@example.ru"));
        assert_eq!(
            b.rejected[2].1,
            "e-mail PVZ-101@example.ru уже есть в строке 2: у каждого ПВЗ своя учётная запись",
            "which value is taken, and where"
        );
        let b = pvz_from_csv("201,Тверская 1,a@example.ru", &catalog(), &[], true).expect("batch");
        assert_eq!(b.connections.len(), 1, "comma, no header");
    }

    #[test]
    fn a_look_alike_of_an_existing_name_is_a_duplicate() {
        // Another system's connection whose name reads the same («l» for «1»).
        let other = Connection::new("elma365", "ELMA365", "ПВЗ l02 — B");
        let b = pvz_from_csv("102;B;b@example.ru", &catalog(), &[other], true).expect("batch");
        assert!(b.connections.is_empty());
        assert_eq!(b.rejected[0].1, "подключение «ПВЗ l02 — B» уже есть");
    }

    #[test]
    fn existing_pvz_are_not_duplicated() {
        let first = pvz_from_csv("101;A;a@example.ru", &catalog(), &[], true)
            .expect("batch")
            .connections;
        let again = pvz_from_csv(
            "101;A;other@example.ru\n102;B;A@EXAMPLE.RU",
            &catalog(),
            &first,
            true,
        )
        .expect("batch");
        assert!(again.connections.is_empty());
        assert_eq!(again.rejected.len(), 2);
        assert!(
            again.rejected[0]
                .1
                .starts_with("код 101 уже есть у подключения «ПВЗ 101 — A»")
        );
        assert!(
            again.rejected[1]
                .1
                .starts_with("e-mail A@EXAMPLE.RU уже есть у подключения")
        );
    }
}
