//! What stands between the open internet and the application: limits per
//! client, restaurant and guessed secret; security headers; a foreign
//! `Origin` refused on cookie-authenticated posts; bounded bodies and time;
//! a panic answered as a JSON 500; and addresses that try to carry a form's
//! answer (`__err`) cleaned before any page reads them.

pub mod headers;
pub mod limits;
pub mod proxies;

use std::any::Any;
use std::sync::Arc;
use std::sync::atomic::AtomicU64;
use std::time::Duration;

use app::server::Guesses;
use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::{Next, from_fn, from_fn_with_state};
use axum::response::{Html, IntoResponse, Response};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::limit::RequestBodyLimitLayer;

use self::limits::{LimitSettings, Limiters};
use self::proxies::TrustedProxies;
use crate::error::ApiError;

/// The largest request body accepted (a restaurant with a thousand closed
/// dates and a hundred tables fits many times over).
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// The settings and state of the protections, shared by every request.
pub struct Protection {
    pub proxies: TrustedProxies,
    pub limiters: Limiters,
    pub guesses: Arc<Guesses>,
    /// The origin pages are served from, when configured
    /// (`COVERS_PUBLIC_URL`); else the request's own `Host`.
    pub public_origin: Option<String>,
    pub timeout: Duration,
    /// Where each restaurant's own request budget is read.
    pub service: Option<app::server::Service>,
    checks: AtomicU64,
}

impl Protection {
    pub fn new(
        settings: &LimitSettings,
        guesses: Arc<Guesses>,
        proxies: TrustedProxies,
        public_url: Option<&str>,
        timeout: Duration,
    ) -> Self {
        Self {
            proxies,
            limiters: Limiters::new(settings),
            guesses,
            public_origin: public_url.map(origin_of),
            timeout,
            service: None,
            checks: AtomicU64::new(0),
        }
    }

    /// The same, reading each restaurant's own request budget from `service`.
    pub fn with_service(mut self, service: app::server::Service) -> Self {
        self.service = Some(service);
        self
    }
}

/// `scheme://host[:port]` of a URL.
fn origin_of(url: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("http", url));
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    format!("{}://{}", scheme.to_ascii_lowercase(), host.to_ascii_lowercase())
}

/// Wraps `router` in every protection, outermost last.
pub fn protect(router: Router, protection: Arc<Protection>) -> Router {
    let timeout = protection.timeout;
    router
        .layer(RequestBodyLimitLayer::new(MAX_BODY_BYTES))
        .layer(from_fn(refuse_large_bodies))
        .layer(from_fn_with_state(protection.clone(), same_origin))
        .layer(from_fn(move |req: Request, next: Next| time_limit(timeout, req, next)))
        .layer(CatchPanicLayer::custom(panic_response))
        .layer(from_fn_with_state(protection, limits::limit))
        .layer(from_fn(clean_address))
        .layer(from_fn(headers::secure))
}

/// A refusal as the asker reads it: the JSON error body for the API, a
/// form's refusal for a hydrated page's server function, and a short page
/// for a browser's navigation or plain form post.
pub(crate) fn refusal(request: &Request, error: ApiError) -> Response {
    let path = request.uri().path();
    let page = !path.starts_with("/api/v1/")
        && request
            .headers()
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("text/html"));
    if !page {
        if path.starts_with("/api/") && !path.starts_with("/api/v1/") {
            // A server function called by a hydrated page: its forms read a
            // refusal in this shape.
            return error.into_form_response();
        }
        return error.into_response();
    }
    let status = error.status();
    let text = error.message_for_people();
    let mut response = (
        status,
        Html(format!(
            "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
             <title>Covers</title></head><body><main><h1>{}</h1><p>{text}</p>\
             <p><a href=\"/\">Covers</a></p></main></body></html>",
            status.canonical_reason().unwrap_or("Error")
        )),
    )
        .into_response();
    error.add_headers(response.headers_mut());
    response
}

/// A body declared larger than the limit is refused before it is read.
async fn refuse_large_bodies(request: Request, next: Next) -> Response {
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > MAX_BODY_BYTES) {
        return refusal(&request, ApiError::PayloadTooLarge(MAX_BODY_BYTES));
    }
    next.run(request).await
}

/// A request that takes longer than the configured time is answered 503.
async fn time_limit(timeout: Duration, request: Request, next: Next) -> Response {
    let path = request.uri().path().to_string();
    match tokio::time::timeout(timeout, next.run(request)).await {
        Ok(response) => response,
        Err(_) => {
            tracing::warn!(%path, seconds = timeout.as_secs(), "request timed out");
            ApiError::Timeout.into_response()
        }
    }
}

/// A panic in a handler: logged, and answered as a JSON 500.
fn panic_response(panic: Box<dyn Any + Send + 'static>) -> Response<Body> {
    let detail = panic
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| panic.downcast_ref::<&str>().copied())
        .unwrap_or("(no message)");
    tracing::error!(panic = %detail, "a request handler panicked");
    ApiError::Internal.into_response()
}

/// Posts that rely on a cookie (the pages' forms and server functions) must
/// come from Covers' own pages: a foreign `Origin` is refused with 403. The
/// JSON API authenticates with headers, which another site cannot send.
async fn same_origin(
    State(protection): State<Arc<Protection>>,
    request: Request,
    next: Next,
) -> Response {
    let unsafe_method = !matches!(*request.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    let api = request.uri().path().starts_with("/api/v1/");
    if unsafe_method && !api && !from_own_site(&protection, &request) {
        tracing::warn!(path = %request.uri().path(), "refused a post from another site");
        return refusal(
            &request,
            ApiError::Forbidden("this form was sent from another site".into()),
        );
    }
    next.run(request).await
}

fn from_own_site(protection: &Protection, request: &Request) -> bool {
    let headers = request.headers();
    if headers
        .get("sec-fetch-site")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|site| site == "cross-site" || site == "same-site")
    {
        return false;
    }
    let origin = headers
        .get(header::ORIGIN)
        .and_then(|v| v.to_str().ok())
        .filter(|o| *o != "null")
        .map(str::to_string)
        .or_else(|| headers.get(header::REFERER).and_then(|v| v.to_str().ok()).map(origin_of));
    // Neither header: not a browser's cross-site post (browsers send Origin
    // on every post), so nothing to compare.
    let Some(origin) = origin else { return true };
    let origin = origin.to_ascii_lowercase();
    match &protection.public_origin {
        Some(own) => origin == *own,
        None => {
            let host = headers.get(header::HOST).and_then(|v| v.to_str().ok()).unwrap_or("");
            origin.split_once("://").is_some_and(|(_, h)| h.eq_ignore_ascii_case(host))
        }
    }
}

/// `__err` and `__path` in a page's address would make the page show a
/// form's refusal as written there by anyone: the address is answered with
/// a redirect to itself without them.
async fn clean_address(request: Request, next: Next) -> Response {
    let Some(query) = request.uri().query() else { return next.run(request).await };
    let carried = |pair: &&str| {
        let key = pair.split('=').next().unwrap_or_default();
        key == "__err" || key == "__path"
    };
    if !query.split('&').any(|pair| carried(&pair)) {
        return next.run(request).await;
    }
    let kept: Vec<&str> = query.split('&').filter(|pair| !carried(pair)).collect();
    let mut target = request.uri().path().to_string();
    if !kept.is_empty() {
        target.push('?');
        target.push_str(&kept.join("&"));
    }
    let mut response = StatusCode::SEE_OTHER.into_response();
    if let Ok(location) = HeaderValue::from_str(&target) {
        response.headers_mut().insert(header::LOCATION, location);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_compare_by_scheme_and_host() {
        assert_eq!(origin_of("https://Covers.example.com/x?y"), "https://covers.example.com");
        assert_eq!(origin_of("http://127.0.0.1:3000"), "http://127.0.0.1:3000");
    }
}
