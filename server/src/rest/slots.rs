//! `/restaurants/{id}/slots`: the times a party can book on a date.

use app::model::DaySlots;
use app::server::FieldErrors;
use app::server::service::{Service, SlotView};
use axum::Json;
use axum::extract::{Path, State};
use serde::Deserialize;

use super::extract::*;
use crate::error::{ApiError, ErrorBody};

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct SlotsQuery {
    /// The date, `YYYY-MM-DD`.
    #[param(required = true, value_type = String, format = Date, pattern = r"^2[01][0-9]{2}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$")]
    date: Option<String>,
    /// With `available=true`: the party to seat.
    #[param(value_type = Option<u8>)]
    party_size: Option<String>,
    /// `true`: only the slots where the party can be seated (then
    /// `party_size` is required).
    #[param(value_type = Option<bool>)]
    available: Option<String>,
}

/// The slots of a date with each table's availability.
#[utoipa::path(get, path = "/api/v1/restaurants/{id}/slots", tag = "slots",
    params(("id" = String, Path), SlotsQuery),
    responses((status = 200, body = DaySlots), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(crate) async fn slots(
    State(service): State<Service>,
    Path(id): Path<String>,
    uri: axum::http::Uri,
) -> ApiResult<Json<DaySlots>> {
    let q: SlotsQuery = query(uri.query())?;
    let available = match q.available.as_deref().map(str::trim) {
        None | Some("") | Some("false") | Some("0") => false,
        Some("true") | Some("1") => true,
        Some(other) => {
            return Err(ApiError::field("available", format!("{other:?} is not true or false")));
        }
    };
    let mut errors = FieldErrors::default();
    let date = required_date(&mut errors, q.date.as_deref());
    let party = party_size(&mut errors, q.party_size.as_deref(), None);
    let view = match (available, party) {
        (true, Some(party)) => SlotView::Seatable(party),
        (true, None) if q.party_size.is_none() => {
            errors.add("party_size", "party_size is required with available=true");
            SlotView::Tables(None)
        }
        (_, party) => SlotView::Tables(party),
    };
    errors.finish()?;
    Ok(Json(service.slots(&id, date.expect("checked"), view).await?))
}
