//! The error body of every 4xx/5xx answer of the HTTP API:
//! `{"error": {"code": "snake_case", "message": "…", "fields": {…}}}`.
//! Service outcomes map here, each variant with its status.

use std::collections::BTreeMap;
use std::time::Duration;

use app::server::ServiceError;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, FixedOffset};
use serde::Serialize;

/// Seconds a client is asked to wait before retrying when the database is down.
const RETRY_AFTER_SECONDS: u64 = 5;

/// "12 seconds", "3 minutes"
fn wait_in_words(wait: Duration) -> String {
    let seconds = wait.as_secs_f64().ceil().max(1.0) as u64;
    match seconds {
        1 => "a second".into(),
        2..=90 => format!("{seconds} seconds"),
        _ => format!("{} minutes", seconds.div_ceil(60)),
    }
}

#[derive(Debug)]
pub enum ApiError {
    /// 400: the request cannot be read (bad JSON, wrong content type).
    Malformed(String),
    /// 422: fields that break a rule, by name.
    Invalid(BTreeMap<String, String>),
    /// 404
    NotFound(String),
    /// 405
    MethodNotAllowed,
    /// 401
    Unauthorized(String),
    /// 403
    Forbidden(String),
    /// 409 `slot_unavailable`, with other start times that can seat the party.
    SlotUnavailable { message: String, alternatives: Vec<DateTime<FixedOffset>> },
    /// 409 `invalid_transition`
    InvalidTransition(String),
    /// 409 `idempotency_key_reused`
    IdempotencyKeyReused(String),
    /// 422 `invalid_code`: a one-time code that is wrong or expired.
    InvalidCode(String),
    /// 413: a body over the limit (bytes).
    PayloadTooLarge(usize),
    /// 415: a JSON endpoint sent another content type.
    UnsupportedMediaType,
    /// 429, with `Retry-After`: a limit is spent.
    RateLimited { retry_after: Duration },
    /// 503, with `Retry-After`: the database does not answer.
    DatabaseUnavailable,
    /// 503, with `Retry-After`: the request took longer than allowed.
    Timeout,
    /// 500: details are logged, never sent.
    Internal,
}

/// The JSON error body.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorDetail {
    /// A stable, machine-readable code: `validation_failed`, `slot_unavailable`, …
    pub code: &'static str,
    /// Text for people.
    pub message: String,
    /// For validation errors: a message per field.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fields: Option<BTreeMap<String, String>>,
    /// For `slot_unavailable`: the nearest start times that can seat the party (RFC 3339).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alternatives: Option<Vec<String>>,
}

impl ApiError {
    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::Malformed(_) => StatusCode::BAD_REQUEST,
            ApiError::Invalid(_) | ApiError::InvalidCode(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::SlotUnavailable { .. }
            | ApiError::InvalidTransition(_)
            | ApiError::IdempotencyKeyReused(_) => StatusCode::CONFLICT,
            ApiError::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::DatabaseUnavailable | ApiError::Timeout => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            ApiError::Malformed(_) => "malformed_request",
            ApiError::Invalid(_) => "validation_failed",
            ApiError::InvalidCode(_) => "invalid_code",
            ApiError::NotFound(_) => "not_found",
            ApiError::MethodNotAllowed => "method_not_allowed",
            ApiError::Unauthorized(_) => "unauthorized",
            ApiError::Forbidden(_) => "forbidden",
            ApiError::SlotUnavailable { .. } => "slot_unavailable",
            ApiError::InvalidTransition(_) => "invalid_transition",
            ApiError::IdempotencyKeyReused(_) => "idempotency_key_reused",
            ApiError::PayloadTooLarge(_) => "payload_too_large",
            ApiError::UnsupportedMediaType => "unsupported_media_type",
            ApiError::RateLimited { .. } => "rate_limited",
            ApiError::DatabaseUnavailable => "database_unavailable",
            ApiError::Timeout => "timeout",
            ApiError::Internal => "internal_error",
        }
    }

    /// A 422 for one field.
    pub fn field(field: &str, message: impl Into<String>) -> Self {
        ApiError::Invalid(BTreeMap::from([(field.to_string(), message.into())]))
    }

    /// The message of an error that names no field, in words for people.
    pub fn message_for_people(&self) -> String {
        match self {
            ApiError::Malformed(m)
            | ApiError::NotFound(m)
            | ApiError::Unauthorized(m)
            | ApiError::Forbidden(m)
            | ApiError::InvalidTransition(m)
            | ApiError::InvalidCode(m)
            | ApiError::IdempotencyKeyReused(m) => m.clone(),
            ApiError::SlotUnavailable { message, .. } => message.clone(),
            ApiError::Invalid(_) => "some fields are not valid".into(),
            ApiError::MethodNotAllowed => "that method is not allowed here".into(),
            ApiError::PayloadTooLarge(limit) => {
                format!("the request body is larger than {} KiB", limit / 1024)
            }
            ApiError::UnsupportedMediaType => {
                "send the body as JSON, with Content-Type: application/json".into()
            }
            ApiError::RateLimited { retry_after } => format!(
                "Too many requests. Please wait {} and try again.",
                wait_in_words(*retry_after)
            ),
            ApiError::DatabaseUnavailable => {
                "the database is unavailable; try again shortly".into()
            }
            ApiError::Timeout => "the request took too long; try again shortly".into(),
            ApiError::Internal => "something went wrong on our side".into(),
        }
    }

    /// Seconds to wait before trying again, for `Retry-After`.
    fn retry_after(&self) -> Option<u64> {
        match self {
            ApiError::RateLimited { retry_after } => {
                Some(retry_after.as_secs_f64().ceil().max(1.0) as u64)
            }
            ApiError::DatabaseUnavailable | ApiError::Timeout => Some(RETRY_AFTER_SECONDS),
            _ => None,
        }
    }

    /// `Retry-After` and `WWW-Authenticate`, where this error calls for them.
    pub fn add_headers(&self, headers: &mut axum::http::HeaderMap) {
        if let Some(seconds) = self.retry_after() {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        if matches!(self, ApiError::Unauthorized(_)) {
            headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
    }

    /// The answer of a server function refused before it ran, in the shape
    /// its form reads (`FormError::Failed`).
    pub fn into_form_response(self) -> Response {
        let body =
            serde_json::to_string(&app::server_fns::FormError::Failed(self.message_for_people()))
                .unwrap_or_default();
        let mut response =
            (self.status(), [(header::CONTENT_TYPE, "application/json")], body).into_response();
        self.add_headers(response.headers_mut());
        response
    }

    fn body(self) -> ErrorBody {
        let code = self.code();
        let (message, fields, alternatives) = match self {
            ApiError::Malformed(m)
            | ApiError::NotFound(m)
            | ApiError::Unauthorized(m)
            | ApiError::Forbidden(m)
            | ApiError::InvalidTransition(m)
            | ApiError::InvalidCode(m)
            | ApiError::IdempotencyKeyReused(m) => (m, None, None),
            ApiError::Invalid(fields) => {
                let message = match fields.iter().next() {
                    Some((field, problem)) if fields.len() == 1 => format!("{field}: {problem}"),
                    _ => "some fields are not valid".to_string(),
                };
                (message, Some(fields), None)
            }
            ApiError::MethodNotAllowed => ("that method is not allowed here".into(), None, None),
            ApiError::SlotUnavailable { message, alternatives } => (
                message,
                None,
                Some(alternatives.iter().map(app::model::rfc3339::format).collect()),
            ),
            other => (other.message_for_people(), None, None),
        };
        ErrorBody { error: ErrorDetail { code, message, fields, alternatives } }
    }
}

impl From<ServiceError> for ApiError {
    fn from(err: ServiceError) -> Self {
        match err {
            ServiceError::Invalid(fields) => ApiError::Invalid(fields.0),
            ServiceError::NotFound(what) => ApiError::NotFound(format!("{what} not found")),
            ServiceError::Unauthorized => ApiError::Unauthorized(
                "send the restaurant's owner key as Authorization: Bearer <owner_key>".into(),
            ),
            ServiceError::Forbidden => {
                ApiError::Forbidden("this owner key is for another restaurant".into())
            }
            ServiceError::SlotUnavailable { message, alternatives } => {
                ApiError::SlotUnavailable { message, alternatives }
            }
            ServiceError::InvalidTransition(message) => ApiError::InvalidTransition(message),
            ServiceError::IdempotencyKeyReused => ApiError::IdempotencyKeyReused(
                "this Idempotency-Key was already used for a different request".into(),
            ),
            ServiceError::InvalidCode => {
                ApiError::InvalidCode(ServiceError::InvalidCode.to_string())
            }
            ServiceError::TooMany { retry_after_secs } => {
                ApiError::RateLimited { retry_after: Duration::from_secs(retry_after_secs) }
            }
            ServiceError::Unavailable | ServiceError::Retry => ApiError::DatabaseUnavailable,
            ServiceError::Internal(detail) => {
                tracing::error!(%detail, "internal error");
                ApiError::Internal
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        let mut headers = axum::http::HeaderMap::new();
        self.add_headers(&mut headers);
        let mut response = (status, axum::Json(self.body())).into_response();
        response.headers_mut().extend(headers);
        response
    }
}
