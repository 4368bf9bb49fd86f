//! The browser entry point: hydrates the server-rendered page with the
//! application from the `app` crate. Nothing else lives here.

use wasm_bindgen::prelude::wasm_bindgen;

#[wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::App);
}
