//! The server side of the application (feature `ssr`): the state every
//! request shares, the database, the service (one module per capability)
//! and the store (all SQL, and the one write path).

pub mod db;
pub mod delivery;
pub mod demo;
pub mod error;
pub mod guesses;
pub mod page_policy;
pub mod primary;
pub mod replicas;
pub mod secrets;
pub mod service;
pub mod store;

use std::sync::Arc;

use axum::extract::FromRef;
use leptos::prelude::LeptosOptions;

pub use db::Db;
pub use error::{FieldErrors, ServiceError};
pub use guesses::{ClientAddr, Guesses};
pub use secrets::Secrets;
pub use service::Service;

/// Everything a request handler, page render or server function may need.
/// Provided once, to page rendering and server functions alike.
#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub db: Db,
    pub service: Service,
    /// Wrong secrets counted per client and per target.
    pub guesses: Arc<Guesses>,
    /// Whether cookies are `Secure` (with the `__Host-` prefix): people reach
    /// Covers over https.
    pub secure_cookies: bool,
    /// The address diners reach Covers at, for links in API answers.
    pub public_url: PublicUrl,
}

/// `COVERS_PUBLIC_URL`: the address diners reach Covers at, without a
/// trailing slash; empty makes links relative to the site.
#[derive(Clone, Debug, Default)]
pub struct PublicUrl(pub Arc<str>);

impl PublicUrl {
    pub fn new(url: &str) -> Self {
        Self(url.trim_end_matches('/').into())
    }

    /// The manage link of a reservation, from its token.
    pub fn manage_link(&self, token: &str) -> String {
        format!("{}/manage/{token}", self.0)
    }
}

impl AppState {
    pub fn new(leptos_options: LeptosOptions, db: Db, secrets: Secrets) -> Self {
        let service = Service::new(db.clone(), secrets);
        Self {
            leptos_options,
            db,
            service,
            guesses: Arc::new(Guesses::off()),
            secure_cookies: false,
            public_url: PublicUrl::default(),
        }
    }

    /// The same state with the given budget of wrong secrets.
    pub fn with_guesses(mut self, guesses: Guesses) -> Self {
        self.guesses = Arc::new(guesses);
        self
    }

    /// The same state with links to `public_url`.
    pub fn with_public_url(mut self, public_url: PublicUrl) -> Self {
        self.public_url = public_url;
        self
    }

    /// The same state with `Secure`, `__Host-` cookies (for https).
    pub fn with_secure_cookies(mut self, secure: bool) -> Self {
        self.secure_cookies = secure;
        self
    }
}
