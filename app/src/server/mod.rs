//! The server side of the application (feature `ssr`): the state every
//! request shares and the database behind it.

pub mod db;

use axum::extract::FromRef;
use leptos::prelude::LeptosOptions;

pub use db::Db;

/// Everything a request handler, page render or server function may need.
/// Provided once, to page rendering and server functions alike.
#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub db: Db,
}
