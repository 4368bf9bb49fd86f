//! `/restaurants`: create, list, read and change a restaurant; replace its
//! owner key.

use app::model::{CreatedRestaurant, NewRestaurant, Restaurant, RestaurantPage};
use app::server::service::Service;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};

use super::extract::*;
use crate::error::ErrorBody;

/// Create a restaurant. The answer carries `owner_key`, shown only here.
#[utoipa::path(post, path = "/api/v1/restaurants", tag = "restaurants",
    request_body = NewRestaurant,
    responses(
        (status = 201, description = "Created", body = CreatedRestaurant),
        (status = 400, description = "Malformed JSON", body = ErrorBody),
        (status = 422, description = "Invalid fields", body = ErrorBody),
    ))]
pub(crate) async fn create_restaurant(
    State(service): State<Service>,
    ApiJson(input): ApiJson<NewRestaurant>,
) -> ApiResult<(StatusCode, Json<CreatedRestaurant>)> {
    Ok((StatusCode::CREATED, Json(service.create_restaurant(input).await?)))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct ListQuery {
    /// Text in the name or city.
    q: Option<String>,
    /// Exact city (any case).
    city: Option<String>,
    /// Page number, from 1.
    #[param(value_type = Option<u32>)]
    page: Option<String>,
    /// Results per page, 1 to 100 (default 20).
    #[param(value_type = Option<u32>)]
    per_page: Option<String>,
}

/// List restaurants by name, optionally searched and filtered by city.
#[utoipa::path(get, path = "/api/v1/restaurants", tag = "restaurants", params(ListQuery),
    responses((status = 200, body = RestaurantPage), (status = 422, body = ErrorBody)))]
pub(crate) async fn list_restaurants(
    State(service): State<Service>,
    uri: axum::http::Uri,
) -> ApiResult<Json<RestaurantPage>> {
    let q: ListQuery = query(uri.query())?;
    let page = parse_number("page", q.page.as_deref(), 1)?;
    let per_page = parse_number("per_page", q.per_page.as_deref(), 20)?;
    Ok(Json(service.list_restaurants(q.q.as_deref(), q.city.as_deref(), page, per_page).await?))
}

/// A restaurant with its tables.
#[utoipa::path(get, path = "/api/v1/restaurants/{id}", tag = "restaurants",
    params(("id" = String, Path)),
    responses((status = 200, body = Restaurant), (status = 404, body = ErrorBody)))]
pub(crate) async fn get_restaurant(
    State(service): State<Service>,
    Path(id): Path<String>,
) -> ApiResult<Json<Restaurant>> {
    Ok(Json(service.restaurant(&id).await?))
}

/// Change a restaurant's fields (owner).
#[utoipa::path(patch, path = "/api/v1/restaurants/{id}", tag = "restaurants",
    params(("id" = String, Path)), request_body = NewRestaurant,
    security(("owner_key" = [])),
    responses((status = 200, body = Restaurant), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(crate) async fn update_restaurant(
    State(service): State<Service>,
    Path(id): Path<String>,
    OwnerKey(key): OwnerKey,
    ApiJson(input): ApiJson<NewRestaurant>,
) -> ApiResult<Json<Restaurant>> {
    Ok(Json(service.update_restaurant(&id, Some(&key), input).await?))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct NewOwnerKey {
    /// The new owner key, shown only here; the old one no longer works.
    pub owner_key: String,
}

/// Replace the owner key with a new one (owner). Answers it once.
#[utoipa::path(post, path = "/api/v1/restaurants/{id}/owner-key/rotate", tag = "restaurants",
    params(("id" = String, Path)), security(("owner_key" = [])),
    responses((status = 200, body = NewOwnerKey), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(crate) async fn rotate_owner_key(
    State(service): State<Service>,
    Path(id): Path<String>,
    OwnerKey(key): OwnerKey,
) -> ApiResult<Json<NewOwnerKey>> {
    let owner_key = service.rotate_owner_key(&id, Some(&key)).await?;
    Ok(Json(NewOwnerKey { owner_key }))
}
