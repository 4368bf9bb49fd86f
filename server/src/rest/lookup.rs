//! `/lookup`: finding one's reservations with a one-time code sent to the
//! phone or email they were booked with.

use std::net::{IpAddr, Ipv4Addr};
use std::sync::Arc;

use app::domain::Contact;
use app::model::Reservation;
use app::server::service::Service;
use app::server::{ClientAddr, Guesses, PublicUrl, ServiceError};
use axum::extract::State;
use axum::http::StatusCode;
use axum::{Extension, Json};
use serde::{Deserialize, Serialize};

use super::day::Items;
use super::extract::*;
use crate::error::{ApiError, ErrorBody};

/// A contact to send a code to.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct LookupRequest {
    /// A phone number (`+44 20 7946 0000`) or an email address.
    #[schema(required = true, nullable = false)]
    #[serde(default)]
    contact: Option<String>,
}

/// A contact and the code sent to it.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct LookupVerify {
    /// The phone number or email the code was sent to.
    #[schema(required = true, nullable = false)]
    #[serde(default)]
    contact: Option<String>,
    /// The 6-digit code.
    #[schema(required = true, nullable = false, example = "123456")]
    #[serde(default)]
    code: Option<String>,
}

/// The same answer whether or not the contact has reservations.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct LookupSent {
    sent: bool,
}

/// A reservation found by its contact, with its manage link.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct FoundReservation {
    #[serde(flatten)]
    reservation: Reservation,
    /// Where the diner sees, changes or cancels it: a signed, expiring link.
    manage_url: String,
}

fn required<'a>(field: &str, value: &'a Option<String>) -> ApiResult<&'a str> {
    value.as_deref().ok_or_else(|| ApiError::field(field, "is required"))
}

/// Send a one-time code to a phone number (by SMS) or an email. The answer
/// is the same whether or not that contact has booked; the code goes out
/// only when it has. Codes live 10 minutes.
#[utoipa::path(post, path = "/api/v1/lookup", tag = "lookup", request_body = LookupRequest,
    responses((status = 202, body = LookupSent), (status = 400, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
pub(crate) async fn lookup(
    State(service): State<Service>,
    ApiJson(input): ApiJson<LookupRequest>,
) -> ApiResult<(StatusCode, Json<LookupSent>)> {
    service.send_lookup_code(required("contact", &input.contact)?).await?;
    Ok((StatusCode::ACCEPTED, Json(LookupSent { sent: true })))
}

/// The contact's upcoming reservations and those of the last 30 days, at
/// every restaurant, for the code sent to it. A wrong or expired code is
/// `invalid_code`; five wrong tries void a code.
#[utoipa::path(post, path = "/api/v1/lookup/verify", tag = "lookup", request_body = LookupVerify,
    responses((status = 200, body = Items<FoundReservation>), (status = 400, body = ErrorBody),
        (status = 422, description = "invalid_code, or validation_failed", body = ErrorBody)))]
pub(crate) async fn verify(
    State(service): State<Service>,
    State(public_url): State<PublicUrl>,
    State(guesses): State<Arc<Guesses>>,
    client: Option<Extension<ClientAddr>>,
    ApiJson(input): ApiJson<LookupVerify>,
) -> ApiResult<Json<Items<FoundReservation>>> {
    let contact = required("contact", &input.contact);
    let code = required("code", &input.code);
    let (contact, code) = match (contact, code) {
        (Ok(contact), Ok(code)) => (contact, code),
        (Err(e), Ok(_)) | (Ok(_), Err(e)) => return Err(e),
        (Err(_), Err(_)) => {
            return Err(ApiError::Invalid(
                [("contact", "is required"), ("code", "is required")]
                    .map(|(f, m)| (f.to_string(), m.to_string()))
                    .into(),
            ));
        }
    };
    // Wrong codes count against the client and the contact, as wrong
    // reservation codes do.
    let client = client.map_or(IpAddr::V4(Ipv4Addr::LOCALHOST), |Extension(c)| c.0);
    let target = Contact::parse(contact).ok().map(|c| format!("contact {}", c.key()));
    if let Some(target) = &target {
        guesses
            .check(client, target)
            .map_err(|wait| ApiError::RateLimited { retry_after: wait })?;
    }
    let found = match service.verify_lookup_code(contact, code).await {
        Err(ServiceError::InvalidCode) => {
            if let Some(target) = &target {
                guesses.failed(client, target);
            }
            return Err(ServiceError::InvalidCode.into());
        }
        other => other?,
    };
    let items = found
        .into_iter()
        .map(|f| FoundReservation {
            manage_url: public_url.manage_link(&f.manage_token),
            reservation: f.reservation,
        })
        .collect();
    Ok(Json(Items { items }))
}
