//! The JSON API under `/api/v1`, one module per resource: thin handlers that
//! read the request (`extract`), call the service and shape the answer. The
//! OpenAPI document is generated from these handlers and types
//! (`GET /api/v1/openapi.json`).

mod bounds;
mod day;
pub mod extract;
mod lookup;
mod messages;
pub mod openapi;
mod reservations;
mod restaurants;
mod slots;
mod tables;

use app::server::AppState;
use axum::Router;
use axum::routing::{get, patch, post};

use self::day::{day_reservations, explain_day};
use self::lookup::{lookup, verify};
use self::messages::messages;
use self::reservations::{
    cancel_reservation, create_reservation, get_reservation, history, move_reservation, set_status,
};
use self::restaurants::{
    create_restaurant, get_restaurant, list_restaurants, rotate_owner_key, update_restaurant,
};
use self::slots::slots;
use self::tables::{add_tables, remove_table, update_table};
use crate::error::ApiError;

pub use self::day::Items;
pub use self::openapi::document;

/// The routes of `/api/v1`.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/openapi.json", get(openapi::serve))
        .route("/restaurants", post(create_restaurant).get(list_restaurants))
        .route("/restaurants/{id}", get(get_restaurant).patch(update_restaurant))
        .route("/restaurants/{id}/owner-key/rotate", post(rotate_owner_key))
        .route("/restaurants/{id}/tables", post(add_tables))
        .route("/restaurants/{id}/tables/{table_id}", patch(update_table).delete(remove_table))
        .route("/restaurants/{id}/slots", get(slots))
        .route("/restaurants/{id}/reservations", get(day_reservations))
        .route("/reservations", post(create_reservation))
        .route("/restaurants/{id}/availability", get(explain_day))
        .route("/restaurants/{id}/messages", get(messages))
        .route("/reservations/{id}", get(get_reservation).patch(move_reservation))
        .route("/reservations/{id}/cancel", post(cancel_reservation))
        .route("/reservations/{id}/status", post(set_status))
        .route("/reservations/{id}/history", get(history))
        .route("/lookup", post(lookup))
        .route("/lookup/verify", post(verify))
        .fallback(|| async { ApiError::NotFound("no such API endpoint".into()) })
        .method_not_allowed_fallback(|| async { ApiError::MethodNotAllowed })
}
