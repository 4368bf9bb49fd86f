//! `/restaurants/{id}/messages`: what was sent to the restaurant's diners.

use app::domain::limits::parse_date;
use app::model::Message;
use app::server::FieldErrors;
use app::server::service::Service;
use axum::Json;
use axum::extract::{Path, State};
use serde::Deserialize;

use super::day::Items;
use super::extract::*;
use crate::error::ErrorBody;

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct MessagesQuery {
    /// The service date, `YYYY-MM-DD` (default: the restaurant's today).
    #[param(value_type = Option<String>, format = Date, pattern = r"^2[01][0-9]{2}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$")]
    date: Option<String>,
}

/// The messages written during a day: to whom, how, and what became of
/// each (owner).
#[utoipa::path(get, path = "/api/v1/restaurants/{id}/messages", tag = "messages",
    params(("id" = String, Path), MessagesQuery), security(("owner_key" = [])),
    responses((status = 200, body = Items<Message>), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(crate) async fn messages(
    State(service): State<Service>,
    Path(id): Path<String>,
    OwnerKey(key): OwnerKey,
    uri: axum::http::Uri,
) -> ApiResult<Json<Items<Message>>> {
    let q: MessagesQuery = query(uri.query())?;
    let mut errors = FieldErrors::default();
    let date = q.date.and_then(|text| errors.check("date", parse_date(&text)));
    errors.finish()?;
    let items = service.messages(&id, Some(&key), date).await?;
    Ok(Json(Items { items }))
}
