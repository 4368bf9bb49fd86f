//! The error body of every 4xx/5xx answer of the HTTP API:
//! `{"error": {"code": "snake_case", "message": "…", "fields": {…}}}`.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// Seconds a client is asked to wait before retrying when the database is down.
const RETRY_AFTER_SECONDS: &str = "5";

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// 503, with `Retry-After`: the database does not answer.
    #[error("the database is unavailable; try again shortly")]
    DatabaseUnavailable,
}

#[derive(Serialize)]
struct Body<'a> {
    error: Detail<'a>,
}

#[derive(Serialize)]
struct Detail<'a> {
    code: &'a str,
    message: String,
}

impl ApiError {
    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::DatabaseUnavailable => StatusCode::SERVICE_UNAVAILABLE,
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            ApiError::DatabaseUnavailable => "database_unavailable",
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = Body { error: Detail { code: self.code(), message: self.to_string() } };
        let mut response = (self.status(), axum::Json(body)).into_response();
        if matches!(self, ApiError::DatabaseUnavailable) {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static(RETRY_AFTER_SECONDS));
        }
        response
    }
}
