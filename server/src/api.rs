//! The JSON API under `/api/v1`: thin handlers that read the request, call
//! the service and shape the answer. The OpenAPI document is generated from
//! these handlers and types (`GET /api/v1/openapi.json`).

use app::model::{
    CreatedRestaurant, DayExplanation, DaySlots, History, NewReservation, NewRestaurant, NewTable,
    Reservation, ReservationChanges, Restaurant, RestaurantPage, StatusChange, Table, TableChanges,
};
use app::server::AppState;
use app::server::service::{Caller, Service};
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Path, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, patch, post};
use axum::{Json, Router};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use utoipa::OpenApi;

use crate::error::{ApiError, ErrorBody};

type ApiResult<T> = Result<T, ApiError>;

/// The routes of `/api/v1`.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/openapi.json", get(openapi))
        .route("/restaurants", post(create_restaurant).get(list_restaurants))
        .route("/restaurants/{id}", get(get_restaurant).patch(update_restaurant))
        .route("/restaurants/{id}/owner-key/rotate", post(rotate_owner_key))
        .route("/restaurants/{id}/tables", post(add_tables))
        .route("/restaurants/{id}/tables/{table_id}", patch(update_table).delete(remove_table))
        .route("/restaurants/{id}/slots", get(slots))
        .route("/restaurants/{id}/reservations", get(day_reservations))
        .route("/reservations", post(create_reservation))
        .route("/restaurants/{id}/availability", get(explain_day))
        .route("/reservations/{id}", get(get_reservation).patch(move_reservation))
        .route("/reservations/{id}/cancel", post(cancel_reservation))
        .route("/reservations/{id}/status", post(set_status))
        .route("/reservations/{id}/history", get(history))
        .fallback(|| async { ApiError::NotFound("no such API endpoint".into()) })
        .method_not_allowed_fallback(|| async { ApiError::MethodNotAllowed })
}

// ------------------------------------------------------------------ extractors

/// A JSON body. Another `Content-Type` is a 415; unreadable JSON is a 400;
/// JSON of the wrong shape is a 422 naming the field (`party_size`,
/// `tables[0].capacity`).
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let json = is_json(&req);
        let bytes = read_body(req, state).await?;
        if !json {
            return Err(ApiError::UnsupportedMediaType);
        }
        parse_json(&bytes).map(ApiJson)
    }
}

/// Whether a request says its body is JSON (`application/json`, or a
/// `+json` type).
fn is_json(req: &Request) -> bool {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase())
        .is_some_and(|v| {
            v == "application/json" || (v.starts_with("application/") && v.ends_with("+json"))
        })
}

async fn read_body<S: Send + Sync>(req: Request, state: &S) -> ApiResult<Bytes> {
    Bytes::from_request(req, state).await.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::PayloadTooLarge(crate::protect::MAX_BODY_BYTES)
        } else {
            ApiError::Malformed(format!("cannot read the body: {e}"))
        }
    })
}

/// A JSON body that may be absent (an empty body, or `null`, reads as
/// `T::default()`).
pub struct OptionalJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Default> FromRequest<S> for OptionalJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let json = is_json(&req);
        let bytes = read_body(req, state).await?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(OptionalJson(T::default()));
        }
        if !json {
            return Err(ApiError::UnsupportedMediaType);
        }
        // `null` is the absent body written out.
        if bytes.trim_ascii() == b"null" {
            return Ok(OptionalJson(T::default()));
        }
        parse_json(&bytes).map(OptionalJson)
    }
}

fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> ApiResult<T> {
    // Syntax first, so that broken JSON is a 400 wherever the break is.
    let value: serde_json::Value = serde_json::from_slice(bytes)
        .map_err(|e| ApiError::Malformed(format!("the body is not valid JSON: {e}")))?;
    serde_path_to_error::deserialize(value).map_err(|err| {
        let path = err.path().to_string();
        let field = if path == "." { "body".to_string() } else { path };
        ApiError::field(&field, humanize(&err.into_inner().to_string()))
    })
}

/// serde's wording, in words for people.
fn humanize(message: &str) -> String {
    message
        .replace("invalid type: ", "")
        .replace("expected i64", "expected a whole number")
        .replace("expected f64", "expected a number")
        .replace("expected a sequence", "expected a list")
        .replace("expected struct ", "expected an object ")
}

/// Query parameters as text; handlers parse them so that bad values are a
/// 422 naming the parameter.
fn query<T: DeserializeOwned>(raw: Option<&str>) -> ApiResult<T> {
    serde_urlencoded::from_str(raw.unwrap_or_default())
        .map_err(|e| ApiError::Malformed(format!("cannot read the query string: {e}")))
}

/// The owner key of an owner endpoint, from `Authorization: Bearer <key>`:
/// without one the answer is 401, before the query or body is read.
pub struct OwnerKey(pub String);

impl<S: Send + Sync> FromRequestParts<S> for OwnerKey {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        owner_key(&parts.headers)
            .map(OwnerKey)
            .ok_or_else(|| ApiError::from(app::server::ServiceError::Unauthorized))
    }
}

/// The owner key from `Authorization: Bearer <key>`.
fn owner_key(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, key) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| key.trim().to_string()).filter(|k| !k.is_empty())
}

/// Who asks about a reservation: the diner's code, else the owner's key.
fn caller(headers: &HeaderMap) -> ApiResult<Caller> {
    if let Some(code) = headers.get("x-reservation-code").and_then(|v| v.to_str().ok()) {
        return Ok(Caller::Diner { code: code.to_string() });
    }
    if let Some(key) = owner_key(headers) {
        return Ok(Caller::Owner { key });
    }
    // Without a code or key the reservation is not visible: same answer as a wrong code.
    Err(ApiError::NotFound("reservation not found".into()))
}

fn parse_number(field: &str, value: Option<&str>, default: u32) -> ApiResult<u32> {
    match value.map(str::trim) {
        None => Ok(default),
        Some(v) => {
            v.parse().map_err(|_| ApiError::field(field, format!("{v:?} is not a whole number")))
        }
    }
}

// ------------------------------------------------------------------ restaurants

/// Create a restaurant. The answer carries `owner_key`, shown only here.
#[utoipa::path(post, path = "/api/v1/restaurants", tag = "restaurants",
    request_body = NewRestaurant,
    responses(
        (status = 201, description = "Created", body = CreatedRestaurant),
        (status = 400, description = "Malformed JSON", body = ErrorBody),
        (status = 422, description = "Invalid fields", body = ErrorBody),
    ))]
async fn create_restaurant(
    State(service): State<Service>,
    ApiJson(input): ApiJson<NewRestaurant>,
) -> ApiResult<(StatusCode, Json<CreatedRestaurant>)> {
    Ok((StatusCode::CREATED, Json(service.create_restaurant(input).await?)))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct ListQuery {
    /// Text in the name or city.
    #[param(max_length = 100)]
    q: Option<String>,
    /// Exact city (any case).
    #[param(max_length = 100)]
    city: Option<String>,
    /// Page number, from 1.
    #[param(value_type = Option<u32>, minimum = 1, maximum = 1000000)]
    page: Option<String>,
    /// Results per page, 1 to 100 (default 20).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 100)]
    per_page: Option<String>,
}

/// List restaurants by name, optionally searched and filtered by city.
#[utoipa::path(get, path = "/api/v1/restaurants", tag = "restaurants", params(ListQuery),
    responses((status = 200, body = RestaurantPage), (status = 422, body = ErrorBody)))]
async fn list_restaurants(
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
async fn get_restaurant(
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
async fn update_restaurant(
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
async fn rotate_owner_key(
    State(service): State<Service>,
    Path(id): Path<String>,
    OwnerKey(key): OwnerKey,
) -> ApiResult<Json<NewOwnerKey>> {
    let owner_key = service.rotate_owner_key(&id, Some(&key)).await?;
    Ok(Json(NewOwnerKey { owner_key }))
}

// ------------------------------------------------------------------ tables

#[derive(Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TablesBody<T> {
    pub tables: Vec<T>,
}

/// Add tables (all or none); answers with all of the restaurant's tables.
#[utoipa::path(post, path = "/api/v1/restaurants/{id}/tables", tag = "tables",
    params(("id" = String, Path)), request_body = TablesBody<NewTable>,
    security(("owner_key" = [])),
    responses((status = 201, body = TablesBody<Table>), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn add_tables(
    State(service): State<Service>,
    Path(id): Path<String>,
    OwnerKey(key): OwnerKey,
    ApiJson(body): ApiJson<TablesBody<NewTable>>,
) -> ApiResult<(StatusCode, Json<TablesBody<Table>>)> {
    let tables = service.add_tables(&id, Some(&key), body.tables).await?;
    Ok((StatusCode::CREATED, Json(TablesBody { tables })))
}

/// Change a table's label or seats (owner).
#[utoipa::path(patch, path = "/api/v1/restaurants/{id}/tables/{table_id}", tag = "tables",
    params(("id" = String, Path), ("table_id" = String, Path)), request_body = TableChanges,
    security(("owner_key" = [])),
    responses((status = 200, body = Table), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn update_table(
    State(service): State<Service>,
    Path((id, table_id)): Path<(String, String)>,
    OwnerKey(key): OwnerKey,
    ApiJson(changes): ApiJson<TableChanges>,
) -> ApiResult<Json<Table>> {
    Ok(Json(service.update_table(&id, &table_id, Some(&key), changes).await?))
}

/// Stop offering a table; it is kept for the reservations that name it.
#[utoipa::path(delete, path = "/api/v1/restaurants/{id}/tables/{table_id}", tag = "tables",
    params(("id" = String, Path), ("table_id" = String, Path)),
    security(("owner_key" = [])),
    responses((status = 204, description = "Removed"), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn remove_table(
    State(service): State<Service>,
    Path((id, table_id)): Path<(String, String)>,
    OwnerKey(key): OwnerKey,
) -> ApiResult<StatusCode> {
    service.remove_table(&id, &table_id, Some(&key)).await?;
    Ok(StatusCode::NO_CONTENT)
}

// ------------------------------------------------------------------ slots

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct SlotsQuery {
    /// The date, `YYYY-MM-DD`.
    #[param(required = true, value_type = String, format = Date, pattern = r"^2[01][0-9]{2}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$")]
    date: Option<String>,
    /// With `available=true`: the party to seat.
    #[param(value_type = Option<u8>, minimum = 1, maximum = 20)]
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
async fn slots(
    State(service): State<Service>,
    Path(id): Path<String>,
    uri: axum::http::Uri,
) -> ApiResult<Json<DaySlots>> {
    let q: SlotsQuery = query(uri.query())?;
    let date = q.date.ok_or_else(|| ApiError::field("date", "date is required (YYYY-MM-DD)"))?;
    let available = match q.available.as_deref().map(str::trim) {
        None | Some("") | Some("false") | Some("0") => false,
        Some("true") | Some("1") => true,
        Some(other) => {
            return Err(ApiError::field("available", format!("{other:?} is not true or false")));
        }
    };
    Ok(Json(service.slots(&id, &date, q.party_size.as_deref(), available).await?))
}

// ------------------------------------------------------------------ reservations

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
async fn create_reservation(
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
async fn move_reservation(
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
async fn set_status(
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
async fn history(
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
async fn get_reservation(
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
    #[schema(max_length = 500)]
    pub reason: Option<String>,
}

/// Cancel a reservation; cancelling twice answers the same.
#[utoipa::path(post, path = "/api/v1/reservations/{id}/cancel", tag = "reservations",
    params(("id" = String, Path), ("X-Reservation-Code" = Option<String>, Header)),
    request_body(content = Option<CancelBody>),
    responses((status = 200, body = Reservation), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, description = "A reason over 500 characters", body = ErrorBody)))]
async fn cancel_reservation(
    State(service): State<Service>,
    Path(id): Path<String>,
    headers: HeaderMap,
    OptionalJson(body): OptionalJson<CancelBody>,
) -> ApiResult<Json<Reservation>> {
    Ok(Json(service.cancel(&id, &caller(&headers)?, body.reason.as_deref()).await?))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Items<T> {
    pub items: Vec<T>,
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct DayQuery {
    /// The service date, `YYYY-MM-DD`.
    #[param(required = true, value_type = String, format = Date, pattern = r"^2[01][0-9]{2}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$")]
    date: Option<String>,
}

/// The reservations of a day (owner).
#[utoipa::path(get, path = "/api/v1/restaurants/{id}/reservations", tag = "reservations",
    params(("id" = String, Path), DayQuery), security(("owner_key" = [])),
    responses((status = 200, body = Items<Reservation>), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn day_reservations(
    State(service): State<Service>,
    Path(id): Path<String>,
    OwnerKey(key): OwnerKey,
    uri: axum::http::Uri,
) -> ApiResult<Json<Items<Reservation>>> {
    let q: DayQuery = query(uri.query())?;
    let date = q.date.ok_or_else(|| ApiError::field("date", "date is required (YYYY-MM-DD)"))?;
    let items = service.day_reservations(&id, Some(&key), &date).await?;
    Ok(Json(Items { items }))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct ExplainQuery {
    /// `YYYY-MM-DD`
    #[param(required = true, value_type = String, format = Date, pattern = r"^2[01][0-9]{2}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$")]
    date: Option<String>,
    /// The party to explain for (default 2).
    #[param(value_type = Option<u8>, minimum = 1, maximum = 20)]
    party_size: Option<String>,
}

/// Every slot of a date for a party: the tables a booking would get, or why
/// it cannot be booked online (owner).
#[utoipa::path(get, path = "/api/v1/restaurants/{id}/availability", tag = "slots",
    params(("id" = String, Path), ExplainQuery), security(("owner_key" = [])),
    responses((status = 200, body = DayExplanation), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn explain_day(
    State(service): State<Service>,
    Path(id): Path<String>,
    OwnerKey(key): OwnerKey,
    uri: axum::http::Uri,
) -> ApiResult<Json<DayExplanation>> {
    let q: ExplainQuery = query(uri.query())?;
    let date = q.date.ok_or_else(|| ApiError::field("date", "date is required (YYYY-MM-DD)"))?;
    let party = q.party_size.unwrap_or_else(|| "2".to_string());
    Ok(Json(service.explain_day(&id, Some(&key), &date, &party).await?))
}

// ------------------------------------------------------------------ OpenAPI

struct OwnerKeyScheme;

impl utoipa::Modify for OwnerKeyScheme {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "owner_key",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("The owner_key returned when the restaurant was created"))
                    .build(),
            ),
        );
    }
}

#[derive(OpenApi)]
#[openapi(
    info(title = "Covers API", description = "Restaurant table reservations."),
    paths(
        create_restaurant, list_restaurants, get_restaurant, update_restaurant, rotate_owner_key,
        add_tables, update_table, remove_table, slots,
        explain_day, create_reservation, get_reservation, move_reservation, cancel_reservation,
        set_status, history, day_reservations,
    ),
    modifiers(&OwnerKeyScheme),
)]
pub struct ApiDoc;

/// `GET /api/v1/openapi.json`
async fn openapi() -> Response {
    static DOCUMENT: std::sync::OnceLock<serde_json::Value> = std::sync::OnceLock::new();
    Json(DOCUMENT.get_or_init(document)).into_response()
}

/// The OpenAPI document: what the handlers and types declare, completed with
/// what every operation can answer and what the derives cannot say.
pub fn document() -> serde_json::Value {
    let mut doc = serde_json::to_value(ApiDoc::openapi()).expect("the document serializes");
    let error = serde_json::json!({
        "description": "The error body",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}
    });
    let with_retry = |description: &str| {
        let mut answer = error.clone();
        answer["description"] = description.into();
        answer["headers"] = serde_json::json!({"Retry-After": {
            "description": "Seconds to wait before trying again", "schema": {"type": "integer"}}});
        answer
    };
    for item in doc["paths"].as_object_mut().into_iter().flat_map(|p| p.values_mut()) {
        for operation in item.as_object_mut().into_iter().flat_map(|i| i.values_mut()) {
            let has_body = operation.get("requestBody").is_some();
            let secured = operation.get("security").is_some();
            let responses = operation["responses"].as_object_mut().expect("responses");
            let mut add = |status: &str, answer: serde_json::Value| {
                responses.entry(status).or_insert(answer);
            };
            // Any operation: limits, an unavailable database or a timeout,
            // and an unexpected failure (logged, details never sent).
            add("429", with_retry("rate_limited: a limit is spent"));
            add("503", with_retry("database_unavailable or timeout"));
            add("500", error.clone());
            // An unreadable query string or body.
            add("400", error.clone());
            if has_body {
                add("413", error.clone());
                add("415", error.clone());
            }
            if secured {
                add("401", error.clone());
            }
        }
    }
    let schemas = &mut doc["components"]["schemas"];
    // A change names only what changes: the new restaurant's fields, none required.
    let mut changes = schemas["NewRestaurant"].clone();
    if let Some(object) = changes.as_object_mut() {
        object.remove("required");
        object.insert(
            "description".into(),
            "Changes to a restaurant; absent fields stay as they are.".into(),
        );
    }
    schemas["RestaurantChanges"] = changes;
    // Time zones by their IANA names (empty: UTC).
    let zones: Vec<&str> =
        std::iter::once("").chain(chrono_tz::TZ_VARIANTS.iter().map(|tz| tz.name())).collect();
    for schema in ["NewRestaurant", "RestaurantChanges"] {
        schemas[schema]["properties"]["timezone"]["enum"] = serde_json::json!(zones);
    }
    doc["paths"]["/api/v1/restaurants/{id}"]["patch"]["requestBody"]["content"]["application/json"]
        ["schema"] = serde_json::json!({"$ref": "#/components/schemas/RestaurantChanges"});
    doc
}
