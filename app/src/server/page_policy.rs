//! The Content-Security-Policy of a page: scripts and styles only from
//! Covers itself or inline with this answer's nonce (the hydration scripts
//! and the components' styles carry it), WebAssembly allowed, and no
//! framing, plugins or foreign form targets.
//!
//! Leptos makes the nonce as it renders a page; the server's header layer
//! puts a [`NonceSlot`] in the request, the render writes the nonce into it
//! (see [`record`]), and the layer writes the policy on the answer.

use std::sync::{Arc, Mutex};

use axum::http::request::Parts;
use leptos::nonce::use_nonce;
use leptos::prelude::use_context;

/// Where a page's render leaves its nonce for the header layer.
#[derive(Clone, Debug, Default)]
pub struct NonceSlot(Arc<Mutex<Option<String>>>);

impl NonceSlot {
    /// The nonce the page was rendered with, if it was rendered.
    pub fn nonce(&self) -> Option<String> {
        self.0.lock().ok().and_then(|n| n.clone())
    }
}

/// Leaves the nonce of the page being rendered in its request's slot.
pub fn record() {
    let (Some(nonce), Some(parts)) = (use_nonce(), use_context::<Parts>()) else { return };
    if let Some(slot) = parts.extensions.get::<NonceSlot>()
        && let Ok(mut kept) = slot.0.lock()
    {
        kept.get_or_insert_with(|| nonce.to_string());
    }
}

/// The policy of a page rendered with `nonce`.
pub fn policy(nonce: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self' 'nonce-{nonce}'; img-src 'self' data:; connect-src 'self'; \
         object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
}
