//! The page for an address Covers does not know; answered with HTTP 404.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::components::page::answer_with;

#[component]
pub fn NotFound() -> impl IntoView {
    answer_with(404);
    view! {
        <Title text="Page not found" />
        <h1>"Page not found"</h1>
        <p>"There is nothing at this address. " <a href="/">"Back to the restaurants"</a></p>
    }
}
