//! The server side of the application (feature `ssr`): the state every
//! request shares, the database, and the service that owns every write.

pub mod db;
pub mod demo;
pub mod error;
pub mod secrets;
pub mod service;

use axum::extract::FromRef;
use leptos::prelude::LeptosOptions;

pub use db::Db;
pub use error::{FieldErrors, ServiceError};
pub use service::Service;

/// Everything a request handler, page render or server function may need.
/// Provided once, to page rendering and server functions alike.
#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub db: Db,
    pub service: Service,
}

impl AppState {
    pub fn new(leptos_options: LeptosOptions, db: Db) -> Self {
        let service = Service::new(db.clone());
        Self { leptos_options, db, service }
    }
}
