//! The page for an address Covers does not know; answered with HTTP 404.

use leptos::prelude::*;
use leptos_meta::Title;

/// Answers the page being rendered with HTTP 404 (on the server; a no-op in
/// the browser).
pub fn set_not_found_status() {
    #[cfg(feature = "ssr")]
    {
        if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
            response.set_status(axum::http::StatusCode::NOT_FOUND);
        }
    }
}

#[component]
pub fn NotFound() -> impl IntoView {
    set_not_found_status();
    view! {
        <Title text="Page not found" />
        <h1>"Page not found"</h1>
        <p>"There is nothing at this address. " <a href="/">"Back to the restaurants"</a></p>
    }
}
