//! `/reservations`: book, read, move, cancel, change the status of and
//! read the history of a reservation.

use app::model::{History, NewReservation, Reservation, ReservationChanges, StatusChange};
use app::server::service::Service;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use serde::Deserialize;

use super::extract::*;
use crate::error::{ApiError, ErrorBody};

/// Reserve a table. Without `table_id` the engine assigns the smallest table
/// that fits, or the smallest combination of joinable tables. With an
/// `Idempotency-Key`, a retry of the same request answers the same
/// reservation (200) instead of making another.
#[utoipa::path(post, path = "/api/v1/reservations", tag = "reservations",
    request_body = NewReservation,
    params(("Idempotency-Key" = Option<String>, Header, description = "Any string of 1 to 255 visible ASCII characters; kept 48 hours")),
    responses(
        (status = 201, description = "Confirmed; `code` is shown only here and to retries", body = Reservation),
        (status = 200, description = "A retry with the same Idempotency-Key and body", body = Reservation),
        (status = 400, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, description = "slot_unavailable, with alternatives; or idempotency_key_reused", body = ErrorBody),
        (status = 422, body = ErrorBody),
    ))]
pub(crate) async fn create_reservation(
    State(service): State<Service>,
    headers: HeaderMap,
    ApiJson(input): ApiJson<NewReservation>,
) -> ApiResult<(StatusCode, Json<Reservation>)> {
    let key = match headers.get("idempotency-key") {
        None => None,
        Some(value) => Some(value.to_str().map_err(|_| {
            ApiError::field("idempotency_key", "the Idempotency-Key header must be visible ASCII")
        })?),
    };
    let (reservation, replayed) = service.book_once(input, key).await?;
    let status = if replayed { StatusCode::OK } else { StatusCode::CREATED };
    Ok((status, Json(reservation)))
}

/// Move a reservation to another time, party size or tables (owner).
#[utoipa::path(patch, path = "/api/v1/reservations/{id}", tag = "reservations",
    params(("id" = String, Path)), security(("owner_key" = [])),
    request_body = ReservationChanges,
    responses((status = 200, body = Reservation), (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "slot_unavailable, or invalid_transition for a reservation that holds no tables", body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub(crate) async fn move_reservation(
    State(service): State<Service>,
    Path(id): Path<String>,
    OwnerKey(key): OwnerKey,
    ApiJson(changes): ApiJson<ReservationChanges>,
) -> ApiResult<Json<Reservation>> {
    Ok(Json(service.move_reservation(&id, Some(&key), changes).await?))
}

/// Change a reservation's status (owner): `pending → confirmed → seated →
/// completed`, or `cancelled` / `no_show`; a no-show can still be seated and
/// a cancellation undone while its tables are free.
#[utoipa::path(post, path = "/api/v1/reservations/{id}/status", tag = "reservations",
    params(("id" = String, Path)), security(("owner_key" = [])),
    request_body = StatusChange,
    responses((status = 200, body = Reservation), (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "invalid_transition, or slot_unavailable when its tables were taken", body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub(crate) async fn set_status(
    State(service): State<Service>,
    Path(id): Path<String>,
    OwnerKey(key): OwnerKey,
    ApiJson(change): ApiJson<StatusChange>,
) -> ApiResult<Json<Reservation>> {
    Ok(Json(service.set_status(&id, Some(&key), change).await?))
}

/// Who changed a reservation, what and when (owner).
#[utoipa::path(get, path = "/api/v1/reservations/{id}/history", tag = "reservations",
    params(("id" = String, Path)), security(("owner_key" = [])),
    responses((status = 200, body = History), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(crate) async fn history(
    State(service): State<Service>,
    Path(id): Path<String>,
    OwnerKey(key): OwnerKey,
) -> ApiResult<Json<History>> {
    Ok(Json(service.history(&id, Some(&key)).await?))
}

/// A reservation, with `X-Reservation-Code` or the owner's Bearer key.
#[utoipa::path(get, path = "/api/v1/reservations/{id}", tag = "reservations",
    params(("id" = String, Path), ("X-Reservation-Code" = Option<String>, Header)),
    responses((status = 200, body = Reservation), (status = 404, description = "Unknown, or wrong code", body = ErrorBody)))]
pub(crate) async fn get_reservation(
    State(service): State<Service>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> ApiResult<Json<Reservation>> {
    Ok(Json(service.reservation(&id, &caller(&headers)?).await?))
}

#[derive(Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CancelBody {
    /// Why, optionally.
    pub reason: Option<String>,
}

/// Cancel a reservation; cancelling twice answers the same.
#[utoipa::path(post, path = "/api/v1/reservations/{id}/cancel", tag = "reservations",
    params(("id" = String, Path), ("X-Reservation-Code" = Option<String>, Header)),
    request_body(content = Option<CancelBody>),
    responses((status = 200, body = Reservation), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, description = "A reason over 500 characters", body = ErrorBody)))]
pub(crate) async fn cancel_reservation(
    State(service): State<Service>,
    Path(id): Path<String>,
    headers: HeaderMap,
    OptionalJson(body): OptionalJson<CancelBody>,
) -> ApiResult<Json<Reservation>> {
    Ok(Json(service.cancel(&id, &caller(&headers)?, body.reason.as_deref()).await?))
}
