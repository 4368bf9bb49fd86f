//! Headers every answer carries. Pages get their Content-Security-Policy
//! with the nonce of their inline scripts (left by the render in the
//! request's `NonceSlot`); any other answer gets one that allows nothing.

use app::server::page_policy::{self, NonceSlot};
use axum::extract::Request;
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;

/// The policy of answers that are not pages: nothing may load or frame them.
const LOCKED_DOWN: &str =
    "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/// Whether `path` is a file of the built site (cacheable, shows no secret).
fn site_file(path: &str) -> bool {
    path.starts_with("/pkg/") || path == "/favicon.svg"
}

pub async fn secure(mut request: Request, next: Next) -> Response {
    let cacheable = site_file(request.uri().path());
    let slot = NonceSlot::default();
    request.extensions_mut().insert(slot.clone());
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    let html = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if let Some(nonce) = slot.nonce().filter(|_| html)
        && let Ok(policy) = HeaderValue::from_str(&page_policy::policy(&nonce))
    {
        headers.insert(header::CONTENT_SECURITY_POLICY, policy);
    }
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    if !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(LOCKED_DOWN));
    }
    // Pages and answers can show a confirmation code, an owner key or a
    // diner's details: no cache, shared or private, keeps them.
    if !cacheable {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}
