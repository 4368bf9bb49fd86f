//! What the handlers read from a request: JSON bodies (415, 400 and 422
//! answered here), query parameters, the owner key and the caller of a
//! reservation.

use app::domain::PartySize;
use app::domain::limits::parse_date;
use app::server::FieldErrors;
use app::server::service::Caller;
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use chrono::NaiveDate;
use serde::de::DeserializeOwned;

use crate::error::ApiError;

pub type ApiResult<T> = Result<T, ApiError>;

/// A JSON body. Another `Content-Type` is a 415; unreadable JSON is a 400;
/// JSON of the wrong shape is a 422 naming the field (`party_size`,
/// `tables[0].capacity`).
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let json = is_json(&req);
        let bytes = read_body(req, state).await?;
        if !json {
            return Err(ApiError::UnsupportedMediaType);
        }
        parse_json(&bytes).map(ApiJson)
    }
}

/// Whether a request says its body is JSON (`application/json`, or a
/// `+json` type).
pub(crate) fn is_json(req: &Request) -> bool {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase())
        .is_some_and(|v| {
            v == "application/json" || (v.starts_with("application/") && v.ends_with("+json"))
        })
}

pub(crate) async fn read_body<S: Send + Sync>(req: Request, state: &S) -> ApiResult<Bytes> {
    Bytes::from_request(req, state).await.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::PayloadTooLarge(crate::protect::MAX_BODY_BYTES)
        } else {
            ApiError::Malformed(format!("cannot read the body: {e}"))
        }
    })
}

/// A JSON body that may be absent (an empty body, or `null`, reads as
/// `T::default()`).
pub struct OptionalJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Default> FromRequest<S> for OptionalJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let json = is_json(&req);
        let bytes = read_body(req, state).await?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(OptionalJson(T::default()));
        }
        if !json {
            return Err(ApiError::UnsupportedMediaType);
        }
        // `null` is the absent body written out.
        if bytes.trim_ascii() == b"null" {
            return Ok(OptionalJson(T::default()));
        }
        parse_json(&bytes).map(OptionalJson)
    }
}

pub(crate) fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> ApiResult<T> {
    // Syntax first, so that broken JSON is a 400 wherever the break is.
    let value: serde_json::Value = serde_json::from_slice(bytes)
        .map_err(|e| ApiError::Malformed(format!("the body is not valid JSON: {e}")))?;
    serde_path_to_error::deserialize(value).map_err(|err| {
        let path = err.path().to_string();
        let field = if path == "." { "body".to_string() } else { path };
        ApiError::field(&field, humanize(&err.into_inner().to_string()))
    })
}

/// serde's wording, in words for people.
pub(crate) fn humanize(message: &str) -> String {
    message
        .replace("invalid type: ", "")
        .replace("expected i64", "expected a whole number")
        .replace("expected f64", "expected a number")
        .replace("expected a sequence", "expected a list")
        .replace("expected struct ", "expected an object ")
}

/// Query parameters as text; handlers parse them so that bad values are a
/// 422 naming the parameter.
pub(crate) fn query<T: DeserializeOwned>(raw: Option<&str>) -> ApiResult<T> {
    serde_urlencoded::from_str(raw.unwrap_or_default())
        .map_err(|e| ApiError::Malformed(format!("cannot read the query string: {e}")))
}

/// The owner key of an owner endpoint, from `Authorization: Bearer <key>`:
/// without one the answer is 401, before the query or body is read.
pub struct OwnerKey(pub String);

impl<S: Send + Sync> FromRequestParts<S> for OwnerKey {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        owner_key(&parts.headers)
            .map(OwnerKey)
            .ok_or_else(|| ApiError::from(app::server::ServiceError::Unauthorized))
    }
}

/// The owner key from `Authorization: Bearer <key>`.
pub(crate) fn owner_key(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, key) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| key.trim().to_string()).filter(|k| !k.is_empty())
}

/// Who asks about a reservation: the diner's code, else the owner's key.
pub(crate) fn caller(headers: &HeaderMap) -> ApiResult<Caller> {
    if let Some(code) = headers.get("x-reservation-code").and_then(|v| v.to_str().ok()) {
        return Ok(Caller::Diner { code: code.to_string() });
    }
    if let Some(key) = owner_key(headers) {
        return Ok(Caller::Owner { key });
    }
    // Without a code or key the reservation is not visible: same answer as a wrong code.
    Err(ApiError::NotFound("reservation not found".into()))
}

pub(crate) fn parse_number(field: &str, value: Option<&str>, default: u32) -> ApiResult<u32> {
    match value.map(str::trim) {
        None => Ok(default),
        Some(v) => {
            v.parse().map_err(|_| ApiError::field(field, format!("{v:?} is not a whole number")))
        }
    }
}

/// The `date` parameter a query requires, `YYYY-MM-DD`; a missing or bad
/// one is noted in `errors`.
pub(crate) fn required_date(errors: &mut FieldErrors, text: Option<&str>) -> Option<NaiveDate> {
    match text {
        Some(text) => errors.check("date", parse_date(text)),
        None => {
            errors.add("date", "date is required (YYYY-MM-DD)");
            None
        }
    }
}

/// The `party_size` parameter, `default` when absent; a bad one is noted in
/// `errors`.
pub(crate) fn party_size(
    errors: &mut FieldErrors,
    text: Option<&str>,
    default: Option<PartySize>,
) -> Option<PartySize> {
    match text {
        Some(text) => errors.check("party_size", PartySize::parse(text)),
        None => default,
    }
}
