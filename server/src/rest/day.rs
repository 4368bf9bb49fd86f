//! The owner's day: its reservations, and why each time is bookable or not.

use app::domain::PartySize;
use app::model::{DayExplanation, Reservation};
use app::server::FieldErrors;
use app::server::service::Service;
use axum::Json;
use axum::extract::{Path, State};
use serde::{Deserialize, Serialize};

use super::extract::*;
use crate::error::ErrorBody;

#[derive(Serialize, utoipa::ToSchema)]
pub struct Items<T> {
    pub items: Vec<T>,
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct DayQuery {
    /// The service date, `YYYY-MM-DD`.
    #[param(required = true, value_type = String, format = Date, pattern = r"^2[01][0-9]{2}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$")]
    date: Option<String>,
}

/// The reservations of a day (owner).
#[utoipa::path(get, path = "/api/v1/restaurants/{id}/reservations", tag = "reservations",
    params(("id" = String, Path), DayQuery), security(("owner_key" = [])),
    responses((status = 200, body = Items<Reservation>), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(crate) async fn day_reservations(
    State(service): State<Service>,
    Path(id): Path<String>,
    OwnerKey(key): OwnerKey,
    uri: axum::http::Uri,
) -> ApiResult<Json<Items<Reservation>>> {
    let q: DayQuery = query(uri.query())?;
    let mut errors = FieldErrors::default();
    let date = required_date(&mut errors, q.date.as_deref());
    errors.finish()?;
    let items = service.day_reservations(&id, Some(&key), date.expect("checked")).await?;
    Ok(Json(Items { items }))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct ExplainQuery {
    /// `YYYY-MM-DD`
    #[param(required = true, value_type = String, format = Date, pattern = r"^2[01][0-9]{2}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$")]
    date: Option<String>,
    /// The party to explain for (default 2).
    #[param(value_type = Option<u8>)]
    party_size: Option<String>,
}

/// Every slot of a date for a party: the tables a booking would get, or why
/// it cannot be booked online (owner).
#[utoipa::path(get, path = "/api/v1/restaurants/{id}/availability", tag = "slots",
    params(("id" = String, Path), ExplainQuery), security(("owner_key" = [])),
    responses((status = 200, body = DayExplanation), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(crate) async fn explain_day(
    State(service): State<Service>,
    Path(id): Path<String>,
    OwnerKey(key): OwnerKey,
    uri: axum::http::Uri,
) -> ApiResult<Json<DayExplanation>> {
    let q: ExplainQuery = query(uri.query())?;
    let mut errors = FieldErrors::default();
    let date = required_date(&mut errors, q.date.as_deref());
    let party = party_size(&mut errors, q.party_size.as_deref(), Some(PartySize::DEFAULT));
    errors.finish()?;
    let (date, party) = (date.expect("checked"), party.expect("checked"));
    Ok(Json(service.explain_day(&id, Some(&key), date, party).await?))
}
