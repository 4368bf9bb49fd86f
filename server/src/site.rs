//! The built site's files (`LEPTOS_SITE_ROOT`: the WebAssembly front end, the
//! stylesheet, the icon), pre-compressed variants preferred; any other
//! address is answered with the app's own "not found" page.
//!
//! Files are served by `ServeDir` alone, outside any page's rendering: a
//! response for a file must never carry the status or headers (cookies
//! included) a page being rendered at the same moment has set. Leptos makes
//! each page's reactive owner the worker thread's current one and leaves it
//! there, so a handler that opens a child owner and reads the page's response
//! options (as `leptos_axum::file_and_error_handler` does for files) can pick
//! up another request's 404 status or `Set-Cookie`.

use std::convert::Infallible;

use app::server::AppState;
use app::shell;
use axum::body::Body;
use axum::extract::Request;
use axum::handler::HandlerWithoutStateExt;
use axum::response::Response;
use tower_http::services::ServeDir;

/// The "not found" page, as a service.
pub trait NotFoundPage:
    tower::Service<Request, Response = Response, Error = Infallible, Future: Send>
    + Clone
    + Send
    + Sync
    + 'static
{
}

impl<S> NotFoundPage for S where
    S: tower::Service<Request, Response = Response, Error = Infallible, Future: Send>
        + Clone
        + Send
        + Sync
        + 'static
{
}

/// The service for every address no route claims.
pub fn files_or_not_found(state: &AppState) -> ServeDir<impl NotFoundPage> {
    let options = state.leptos_options.clone();
    let page =
        leptos_axum::render_app_to_stream_with_context(crate::page_context(state), move || {
            shell(options.clone())
        });
    let not_found = move |request: Request<Body>| page(request);
    ServeDir::new(&*state.leptos_options.site_root)
        .precompressed_gzip()
        .precompressed_br()
        .append_index_html_on_directories(false)
        .call_fallback_on_method_not_allowed(true)
        .fallback(not_found.into_service())
}
