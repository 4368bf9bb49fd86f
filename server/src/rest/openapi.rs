//! The OpenAPI document (`GET /api/v1/openapi.json`): what the handlers and
//! types declare, completed with what every operation can answer.

use axum::Json;
use axum::response::{IntoResponse, Response};

use utoipa::OpenApi;

use super::day::*;
use super::lookup::*;
use super::messages::*;
use super::reservations::*;
use super::restaurants::*;
use super::slots::*;
use super::tables::*;

pub(crate) struct OwnerKeyScheme;

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
        set_status, history, day_reservations, messages, lookup, verify,
    ),
    modifiers(&OwnerKeyScheme),
)]
pub struct ApiDoc;

/// `GET /api/v1/openapi.json`
pub(crate) async fn serve() -> Response {
    static DOCUMENT: std::sync::OnceLock<serde_json::Value> = std::sync::OnceLock::new();
    Json(DOCUMENT.get_or_init(document)).into_response()
}

/// The OpenAPI document: what the handlers and types declare, completed with
/// what every operation can answer and what the derives cannot say.
pub fn document() -> serde_json::Value {
    let mut doc = serde_json::to_value(ApiDoc::openapi()).expect("the document serializes");
    super::bounds::declare(&mut doc);
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
