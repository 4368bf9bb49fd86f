//! Who may see or change what: a restaurant's owner by its owner key, a
//! reservation's diner by its confirmation code or by the manage link sent
//! to them (a signed, expiring capability for that one reservation). A
//! wrong code or link answers "not found", so reservation ids cannot be
//! probed.

use chrono::{DateTime, Utc};
use sqlx::AnyConnection;

/// How long after a reservation starts its manage links keep working.
const LINK_LIFE_SECS: i64 = 14 * 24 * 3600;

use super::{Result, Service};
use crate::server::error::ServiceError;
use crate::server::secrets::{self, Secrets};
use crate::server::store::reservations::{self, ReservationRow};
use crate::server::store::restaurants::{self, RestaurantRecord};

/// Who is asking to see or change a reservation.
#[derive(Clone, Debug)]
pub enum Caller {
    /// The diner, with the confirmation code.
    Diner { code: String },
    /// The diner, with the token of a manage link sent to them.
    Link { token: String },
    /// The restaurant's owner, with the owner key.
    Owner { key: String },
}

impl Caller {
    /// Whether the diner is asking (with their code or their link).
    pub fn is_diner(&self) -> bool {
        matches!(self, Caller::Diner { .. } | Caller::Link { .. })
    }

    /// Who made a change, as the history records it.
    pub fn by(&self) -> &'static str {
        if self.is_diner() { "diner" } else { "owner" }
    }
}

/// The token of a manage link for reservation `id` starting at `start_at`,
/// made at `now`: good until two weeks after it starts (or after now, for
/// one that has started).
pub fn link_token(secrets: &Secrets, id: &str, start_at: i64, now: DateTime<Utc>) -> String {
    secrets.manage_token(id, start_at.max(now.timestamp()) + LINK_LIFE_SECS)
}

/// Checks the owner key of `restaurant`: 401 without a key or with an unknown
/// one, 403 with another restaurant's key.
pub(super) async fn authorize_owner(
    secrets: &Secrets,
    conn: &mut AnyConnection,
    restaurant: &RestaurantRecord,
    owner_key: Option<&str>,
) -> Result<()> {
    let key =
        owner_key.map(str::trim).filter(|k| !k.is_empty()).ok_or(ServiceError::Unauthorized)?;
    if secrets.matches(key, &restaurant.owner_key_hash) {
        return Ok(());
    }
    let elsewhere = restaurants::has_owner_key(conn, &secrets.hash(key)).await?;
    Err(if elsewhere { ServiceError::Forbidden } else { ServiceError::Unauthorized })
}

impl Service {
    /// A reservation and its restaurant, if `caller` may see them.
    pub(super) async fn authorize(
        &self,
        conn: &mut AnyConnection,
        id: &str,
        caller: &Caller,
    ) -> Result<(ReservationRow, RestaurantRecord)> {
        let row =
            reservations::find(conn, id).await?.ok_or(ServiceError::NotFound("reservation"))?;
        let restaurant = restaurants::load(conn, &row.restaurant_id).await?;
        let secrets = &self.secrets;
        let allowed = match caller {
            Caller::Diner { code } => {
                secrets.matches(&secrets::normalize_code(code), &row.code_hash)
            }
            Caller::Link { token } => self.open_link(token).is_ok_and(|linked| linked == id),
            Caller::Owner { key } => secrets.matches(key.trim(), &restaurant.owner_key_hash),
        };
        if allowed { Ok((row, restaurant)) } else { Err(ServiceError::NotFound("reservation")) }
    }

    /// The token of a manage link for reservation `id` starting at
    /// `start_at`: good until two weeks after it starts (or after now, for
    /// one that has started).
    pub fn manage_token(&self, id: &str, start_at: i64) -> String {
        link_token(&self.secrets, id, start_at, self.now())
    }

    /// The reservation a manage link's token opens; "not found" when this
    /// server did not make it, somebody changed it or it has expired.
    pub fn open_link(&self, token: &str) -> Result<String> {
        match self.secrets.open_manage_token(token.trim()) {
            Some((id, expires)) if expires > self.now().timestamp() => Ok(id),
            _ => Err(ServiceError::NotFound("reservation")),
        }
    }

    /// Whether `owner_key` is the key of `restaurant_id` (for the pages that
    /// show owner controls).
    pub async fn is_owner(&self, restaurant_id: &str, owner_key: Option<&str>) -> Result<bool> {
        let mut conn = self.db.reader().acquire().await?;
        let restaurant = restaurants::load(&mut conn, restaurant_id).await?;
        Ok(owner_key.is_some_and(|key| self.secrets.matches(key, &restaurant.owner_key_hash)))
    }
}
