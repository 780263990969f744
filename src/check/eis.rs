//! ЕИС output services (`getDocsIP`): a token-free reachability probe (the service's XSD),
//! then a minimal SOAP request with the token in the `<individualPerson_token>` SOAP header.

use quick_xml::escape::escape;
use quick_xml::events::Event;

use super::http::{ClientOptions, send, status_outcome};
use super::{Outcome, OutcomeKind, clip};
use crate::store::Secret;

/// Where the ЕИС integration services live (int44 was retired in October 2025).
pub const DEFAULT_BASE: &str = "https://int.zakupki.gov.ru";
const PATH: &str = "/eis-integration/services/getDocsIP";
const NAMESPACE: &str = "http://zakupki.gov.ru/fz44/get-docs-ip/ws";

/// Probe, then token. `base` is the scheme and host (`https://int.zakupki.gov.ru`).
pub async fn check(
    client: &reqwest::Client,
    options: &ClientOptions,
    base: &str,
    token: &Secret,
) -> Outcome {
    let probe = probe(client, options, base).await;
    if !probe.kind.is_ok() {
        return probe;
    }
    check_token(client, options, base, token).await
}

/// `GET …/getDocsIP?xsd=getDocsIP-ws-api.xsd`: is the service there at all? No token involved.
pub async fn probe(client: &reqwest::Client, options: &ClientOptions, base: &str) -> Outcome {
    let url = format!(
        "{}{PATH}?xsd=getDocsIP-ws-api.xsd",
        base.trim_end_matches('/')
    );
    let reply = match send(options, || client.get(&url)).await {
        Ok(r) => r,
        Err(o) => return o,
    };
    if let Some(o) = status_outcome(reply.status) {
        return o;
    }
    let text = String::from_utf8_lossy(&reply.body);
    if reply.status.is_success() && text.contains("schema") {
        Outcome::ok()
    } else {
        Outcome::new(
            OutcomeKind::WrongAddress,
            "по этому адресу нет сервисов отдачи ЕИС (нет схемы getDocsIP)",
        )
    }
}

/// The request: documents by a registry number that does not exist. A valid token gets an
/// ordinary answer (perhaps «nothing found»); a bad one gets an authentication fault.
pub fn request_body(token: &Secret) -> String {
    let id = uuid::Uuid::new_v4();
    let now = chrono::Local::now().format("%Y-%m-%dT%H:%M:%S");
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:ws="{NAMESPACE}">
  <soapenv:Header>
    <individualPerson_token>{token}</individualPerson_token>
  </soapenv:Header>
  <soapenv:Body>
    <ws:getDocsByReestrNumberRequest>
      <index>
        <id>{id}</id>
        <createDateTime>{now}</createDateTime>
        <mode>PROD</mode>
      </index>
      <selectionParams>
        <subsystemType>PRIZ</subsystemType>
        <reestrNumber>0000000000000000000</reestrNumber>
      </selectionParams>
    </ws:getDocsByReestrNumberRequest>
  </soapenv:Body>
</soapenv:Envelope>"#,
        token = escape(token.expose())
    )
}

pub async fn check_token(
    client: &reqwest::Client,
    options: &ClientOptions,
    base: &str,
    token: &Secret,
) -> Outcome {
    let url = format!("{}{PATH}", base.trim_end_matches('/'));
    let body = request_body(token);
    let reply = match send(options, || {
        client
            .post(&url)
            .header(reqwest::header::CONTENT_TYPE, "text/xml; charset=utf-8")
            .header("SOAPAction", "")
            .body(body.clone())
    })
    .await
    {
        Ok(r) => r,
        Err(o) => return o,
    };
    let text = String::from_utf8_lossy(&reply.body);
    // A SOAP fault comes with HTTP 500; read it before the status.
    if let Some(fault) = fault_text(&text) {
        let fault = clip(&fault.replace(token.expose(), "«токен»"));
        return if is_auth_fault(&fault) {
            Outcome::new(
                OutcomeKind::Rejected,
                format!("ЕИС не приняла токен: {fault}"),
            )
        } else {
            Outcome::new(
                OutcomeKind::ServiceError,
                format!("ЕИС ответила ошибкой: {fault}"),
            )
        };
    }
    if let Some(o) = status_outcome(reply.status) {
        return o;
    }
    if reply.status.is_success() && text.contains("Envelope") {
        Outcome::ok()
    } else {
        Outcome::new(
            OutcomeKind::WrongAddress,
            format!("ответ не похож на сервис ЕИС ({})", reply.status),
        )
    }
}

/// The `faultstring` (SOAP 1.1) or `Reason/Text` (SOAP 1.2) of a fault, if the reply is one.
pub fn fault_text(xml: &str) -> Option<String> {
    let mut reader = quick_xml::Reader::from_str(xml);
    let (mut in_fault, mut capture, mut found) = (false, false, None::<String>);
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) => {
                let name = e.local_name();
                let name = name.as_ref();
                if name == b"Fault" {
                    in_fault = true;
                    found.get_or_insert_with(String::new);
                } else if in_fault && (name == b"faultstring" || name == b"Text") {
                    capture = true;
                }
            }
            Ok(Event::Text(t)) if capture => {
                if let (Ok(s), Some(out)) = (t.decode(), found.as_mut()) {
                    out.push_str(&s);
                }
            }
            Ok(Event::End(_)) => capture = false,
            Ok(Event::Eof) | Err(_) => break,
            _ => {}
        }
    }
    found.map(|s| {
        if s.trim().is_empty() {
            "без пояснения".to_owned()
        } else {
            s.trim().to_owned()
        }
    })
}

/// Does the fault say the token was not accepted?
fn is_auth_fault(text: &str) -> bool {
    let t = text.to_lowercase();
    [
        "token",
        "токен",
        "авториз",
        "аутентиф",
        "authent",
        "unauthori",
        "доступ запрещ",
        "access denied",
        "not authorized",
    ]
    .iter()
    .any(|w| t.contains(w))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_faults_of_both_soap_versions() {
        let v11 = r#"<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><soap:Fault><faultcode>soap:Client</faultcode><faultstring>Токен individualPerson_token недействителен</faultstring></soap:Fault></soap:Body></soap:Envelope>"#;
        assert_eq!(
            fault_text(v11).as_deref(),
            Some("Токен individualPerson_token недействителен")
        );
        let v12 = r#"<e:Envelope xmlns:e="http://www.w3.org/2003/05/soap-envelope"><e:Body><e:Fault><e:Code><e:Value>e:Receiver</e:Value></e:Code><e:Reason><e:Text xml:lang="ru">Внутренняя ошибка</e:Text></e:Reason></e:Fault></e:Body></e:Envelope>"#;
        assert_eq!(fault_text(v12).as_deref(), Some("Внутренняя ошибка"));
        assert_eq!(
            fault_text("<Envelope><Body><getDocsByReestrNumberResponse/></Body></Envelope>"),
            None
        );
        assert!(is_auth_fault("Токен individualPerson_token недействителен"));
        assert!(!is_auth_fault("Внутренняя ошибка"));
    }

    #[test]
    fn the_token_is_escaped_in_the_request() {
        let body = request_body(&Secret::new("a<b&c"));
        assert!(body.contains("<individualPerson_token>a&lt;b&amp;c</individualPerson_token>"));
        assert!(body.contains(NAMESPACE));
    }
}
