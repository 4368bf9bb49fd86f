//! Idempotent booking: a booking retried with the same `Idempotency-Key`
//! answers the reservation the first attempt made (with its code), and the
//! same key with another request is refused.

use chrono::{DateTime, Utc};
use sqlx::AnyConnection;

use super::{Result, Service};
use crate::model::Reservation;
use crate::server::error::ServiceError;
use crate::server::secrets;
use crate::server::store::{idempotency, reservations, restaurants};

impl Service {
    /// A retry's answer: the reservation made with `key`, if the same request
    /// made it within the keeping time; a different request is refused.
    pub(super) async fn replay(
        &self,
        conn: &mut AnyConnection,
        key: &str,
        request_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<Reservation>> {
        let Some(stored) = idempotency::find(conn, &self.secrets.hash(key), now).await? else {
            return Ok(None);
        };
        if stored.request_hash != request_hash {
            return Err(ServiceError::IdempotencyKeyReused);
        }
        let id = &stored.reservation_id;
        let restaurant_id = reservations::restaurant_of(conn, id)
            .await?
            .ok_or(ServiceError::NotFound("reservation"))?;
        let restaurant = restaurants::load(conn, &restaurant_id).await?;
        let mut reservation = reservations::load(conn, id, &restaurant).await?;
        reservation.code = secrets::unseal(&stored.code_sealed, key);
        tracing::info!(reservation = %id, "idempotent retry answered");
        metrics::counter!("covers_idempotent_replays_total").increment(1);
        Ok(Some(reservation))
    }

    /// Stores `key` for the reservation a request made, with its code sealed
    /// with the key (only a retry that has the key can read it back).
    pub(super) async fn remember(
        &self,
        conn: &mut AnyConnection,
        key: &str,
        request_hash: String,
        reservation_id: &str,
        code: &str,
        now: i64,
    ) -> Result<()> {
        let stored = idempotency::Stored {
            request_hash,
            reservation_id: reservation_id.to_owned(),
            code_sealed: secrets::seal(code, key),
        };
        idempotency::remember(conn, &self.secrets.hash(key), &stored, now).await
    }
}
