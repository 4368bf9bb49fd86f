//! `/restaurants/{id}/tables`: a restaurant's tables (owner).

use app::model::{NewTable, Table, TableChanges};
use app::server::service::Service;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};

use super::extract::*;
use crate::error::ErrorBody;

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
pub(crate) async fn add_tables(
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
pub(crate) async fn update_table(
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
pub(crate) async fn remove_table(
    State(service): State<Service>,
    Path((id, table_id)): Path<(String, String)>,
    OwnerKey(key): OwnerKey,
) -> ApiResult<StatusCode> {
    service.remove_table(&id, &table_id, Some(&key)).await?;
    Ok(StatusCode::NO_CONTENT)
}
