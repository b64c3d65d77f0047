//! Request extractors whose failures are `AppError`s, so every malformed request gets the same
//! problem+json as any other refused input, naming the field at fault.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::header;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use crate::error::AppError;
use crate::http::HttpState;

/// A JSON body read with `serde_path_to_error`: a type error reports the JSON path of the field.
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = AppError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        refuse_unless_json(&request)?;
        parse_json(&body_bytes(request, state).await?).map(ApiJson)
    }
}

fn refuse_unless_json(request: &Request) -> Result<(), AppError> {
    let is_json = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<mime::Mime>().ok())
        .is_some_and(|mime| {
            mime.type_() == "application"
                && (mime.subtype() == "json" || mime.suffix().is_some_and(|s| s == "json"))
        });
    if is_json {
        Ok(())
    } else {
        Err(AppError::UnsupportedMediaType(
            "send the body as JSON with Content-Type: application/json",
        ))
    }
}

async fn body_bytes<S: Send + Sync>(request: Request, state: &S) -> Result<Bytes, AppError> {
    Bytes::from_request(request, state)
        .await
        .map_err(|rejection| match rejection.status() {
            axum::http::StatusCode::PAYLOAD_TOO_LARGE => {
                AppError::PayloadTooLarge(rejection.body_text())
            }
            _ => AppError::BadRequest(rejection.body_text()),
        })
}

/// A JSON body that may be left out entirely (a bare `POST`) or be `null`, either of which
/// reads as `T::default()`.
pub struct OptionalApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Default> FromRequest<S> for OptionalApiJson<T> {
    type Rejection = AppError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let typed = request.headers().contains_key(header::CONTENT_TYPE);
        if typed {
            refuse_unless_json(&request)?;
        }
        let bytes = body_bytes(request, state).await?;
        let trimmed = bytes.trim_ascii();
        if trimmed.is_empty() || trimmed == b"null" {
            return Ok(OptionalApiJson(T::default()));
        }
        if !typed {
            return Err(AppError::UnsupportedMediaType(
                "send the body as JSON with Content-Type: application/json",
            ));
        }
        parse_json(&bytes).map(OptionalApiJson)
    }
}

/// Parses JSON, telling apart unreadable JSON (400) from readable JSON with refused values (422).
/// No text may carry a control character but tab, CR and LF (a NUL cannot even be stored on
/// PostgreSQL); single-line texts refuse those three as well, in their own types.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, AppError> {
    let mut value: serde_json::Value = serde_json::from_slice(bytes)
        .map_err(|e| AppError::BadRequest(format!("malformed JSON: {e}")))?;
    // Every body Convene reads is an object (serde would also take an array for a struct).
    if !value.is_object() {
        return Err(AppError::invalid("body", "must be a JSON object"));
    }
    if let Some(path) = controlled_text(&value, String::new()) {
        return Err(AppError::invalid(
            path,
            "contains a control character (only tab and line breaks are allowed in texts)",
        ));
    }
    whole_numbers_as_integers(&mut value);
    serde_path_to_error::deserialize(value).map_err(json_error)
}

/// JSON does not tell 4 from 4.0 (RFC 8259 §6); serde's integers take only the first form, so
/// a whole number written with a fraction becomes an integer before the typed parse.
fn whole_numbers_as_integers(value: &mut serde_json::Value) {
    use serde_json::Value;
    match value {
        Value::Number(number) if number.is_f64() => {
            if let Some(float) = number.as_f64() {
                // Exactly representable range of i64 in f64, and no fraction.
                if float.fract() == 0.0 && float.abs() < 9.0e15 {
                    *value = Value::from(float as i64);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(whole_numbers_as_integers),
        Value::Object(fields) => fields.values_mut().for_each(whole_numbers_as_integers),
        _ => {}
    }
}

/// Tab, CR and LF are text; every other C0 control and DEL is not.
pub fn forbidden_control(c: char) -> bool {
    matches!(c, '\u{0}'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}' | '\u{7f}')
}

fn controlled_text(value: &serde_json::Value, path: String) -> Option<String> {
    use serde_json::Value;
    match value {
        Value::String(text) => text.chars().any(forbidden_control).then_some(path),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(i, item)| controlled_text(item, format!("{path}[{i}]"))),
        Value::Object(members) => members.iter().find_map(|(key, member)| {
            if key.chars().any(forbidden_control) {
                return Some(path.clone());
            }
            let inner = if path.is_empty() {
                key.clone()
            } else {
                format!("{path}.{key}")
            };
            controlled_text(member, inner)
        }),
        _ => None,
    }
}

/// Refuses a URL part (path or query) that carries an encoded control character: `%00`–`%1F`
/// or `%7F` (raw ones cannot appear in a URL at all).
fn refuse_encoded_controls(raw: &str, field: &str) -> Result<(), AppError> {
    let bytes = raw.as_bytes();
    let found = bytes.windows(3).any(|w| {
        w[0] == b'%'
            && matches!(
                (w[1], w[2].to_ascii_lowercase()),
                (b'0' | b'1', _) | (b'7', b'f')
            )
    });
    if found {
        return Err(AppError::invalid(field, "contains a control character"));
    }
    Ok(())
}

/// Refuses a form whose values carry a control character other than tab and line breaks.
pub fn refuse_form_controls(body: &[u8]) -> Result<(), AppError> {
    for (key, value) in form_urlencoded::parse(body) {
        if value.chars().any(forbidden_control) || key.chars().any(forbidden_control) {
            return Err(AppError::invalid(
                key.into_owned(),
                "contains a control character (only tab and line breaks are allowed in texts)",
            ));
        }
    }
    Ok(())
}

/// An HTML form body, refused with 422 when a value carries a control character other than
/// tab and line breaks.
pub fn parse_form<T: DeserializeOwned>(body: &[u8]) -> Result<T, AppError> {
    refuse_form_controls(body)?;
    serde_html_form::from_bytes(body)
        .map_err(|e| AppError::BadRequest(format!("unreadable form: {e}")))
}

fn json_error(error: serde_path_to_error::Error<serde_json::Error>) -> AppError {
    let path = error.path().to_string();
    let inner = error.into_inner();
    match inner.classify() {
        serde_json::error::Category::Data => {
            let reason = strip_position(&inner.to_string());
            // An unknown or missing field is named by the message itself; point at it directly.
            // serde_path_to_error already ends the path with an unknown field, not with a missing one.
            let field = named_field(&reason).map(|name| match path.as_str() {
                "." => name.to_owned(),
                known if known == name || known.ends_with(&format!(".{name}")) => known.to_owned(),
                parent => format!("{parent}.{name}"),
            });
            AppError::invalid(
                field.unwrap_or_else(|| if path == "." { "body".to_owned() } else { path }),
                reason,
            )
        }
        _ => AppError::BadRequest(format!("malformed JSON: {inner}")),
    }
}

/// `unknown field `x`, expected ...` and `missing field `x`` name their field between backticks.
fn named_field(reason: &str) -> Option<&str> {
    if reason.starts_with("unknown field") || reason.starts_with("missing field") {
        reason.split('`').nth(1)
    } else {
        None
    }
}

/// serde_json appends " at line 1 column 42"; the field path already says where.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(index) => message[..index].to_owned(),
        None => message.to_owned(),
    }
}

/// Query parameters; repeated keys (`?tz=A&tz=B`) fill a `Vec`.
pub struct ApiQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let query = parts.uri.query().unwrap_or_default();
        refuse_encoded_controls(query, "query")?;
        // `?lang=` would read as no `lang` at all: a parameter is given a value or left out.
        if let Some((name, _)) =
            form_urlencoded::parse(query.as_bytes()).find(|(_, v)| v.is_empty())
        {
            return Err(AppError::invalid(
                name.into_owned(),
                "is empty: give it a value or leave the parameter out",
            ));
        }
        let deserializer =
            serde_html_form::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
        serde_path_to_error::deserialize(deserializer)
            .map(ApiQuery)
            .map_err(|error| {
                let path = error.path().to_string();
                let reason = error.into_inner().to_string();
                let field = named_field(&reason).map(str::to_owned).unwrap_or(path);
                AppError::invalid(
                    if field == "." {
                        "query".to_owned()
                    } else {
                        field
                    },
                    reason,
                )
            })
    }
}

/// The address a request came from (unspecified when the server was not told, as in tests
/// that call the router directly).
pub struct ClientAddress(pub std::net::IpAddr);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddress {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(ClientAddress(
            parts
                .extensions
                .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
                .map(|info| info.0.ip())
                .unwrap_or(std::net::IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED)),
        ))
    }
}

/// A public write, counted against the client's rate limit before anything else is read, so
/// that malformed requests count too.
pub struct PublicWrite;

impl FromRequestParts<HttpState> for PublicWrite {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &HttpState,
    ) -> Result<Self, Self::Rejection> {
        let ClientAddress(client) = ClientAddress::from_request_parts(parts, state).await?;
        state.limit_public_write(client)?;
        Ok(PublicWrite)
    }
}

/// Path parameters, with a 400 naming the segment that could not be read.
pub struct ApiPath<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for ApiPath<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        refuse_encoded_controls(parts.uri.path(), "path")?;
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Path(value)| ApiPath(value))
            .map_err(|rejection| AppError::BadRequest(rejection.body_text()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Input {
        title: String,
        zones: Vec<Zone>,
    }

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Zone {
        timezone: crate::domain::zone::Zone,
    }

    fn field_of(json: &str) -> (String, String) {
        match parse_json::<Input>(json.as_bytes()) {
            Err(AppError::Invalid(errors)) => (errors[0].field.clone(), errors[0].reason.clone()),
            other => panic!("expected a field error, got {other:?}"),
        }
    }

    #[test]
    fn nested_type_errors_carry_their_path() {
        let (field, reason) = field_of(
            r#"{"title":"x","zones":[{"timezone":"Europe/Paris"},{"timezone":"Europe/Istambul"}]}"#,
        );
        assert_eq!(field, "zones[1].timezone");
        assert!(reason.contains("did you mean Europe/Istanbul"), "{reason}");
    }

    #[test]
    fn unknown_and_missing_fields_are_named() {
        assert_eq!(
            field_of(r#"{"title":"x","zones":[],"colour":"red"}"#).0,
            "colour"
        );
        assert_eq!(field_of(r#"{"zones":[]}"#).0, "title");
    }

    #[test]
    fn control_characters_are_refused_by_their_path_and_line_breaks_kept() {
        let (field, reason) = field_of(r#"{"title":"a\u0000b","zones":[]}"#);
        assert_eq!(field, "title");
        assert!(reason.contains("control character"), "{reason}");
        assert_eq!(
            field_of(r#"{"title":"x","zones":[{"timezone":"Europe/Paris\u001b"}]}"#).0,
            "zones[0].timezone"
        );
        // Tab and line breaks are text (the title then fails only on its missing zones).
        assert_eq!(field_of("{\"title\":\"a\\n\\tb\"}").0, "zones");
    }

    #[test]
    fn broken_json_is_a_bad_request() {
        assert!(matches!(
            parse_json::<Input>(b"{\"title\":"),
            Err(AppError::BadRequest(_))
        ));
    }
}
