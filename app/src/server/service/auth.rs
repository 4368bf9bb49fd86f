//! Who may see or change what: a restaurant's owner by its owner key, a
//! reservation's diner by its confirmation code. A wrong code answers "not
//! found", so reservation ids cannot be probed.

use sqlx::AnyConnection;

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
    /// The restaurant's owner, with the owner key.
    Owner { key: String },
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

/// A reservation and its restaurant, if `caller` may see them.
pub(super) async fn authorize_reservation(
    secrets: &Secrets,
    conn: &mut AnyConnection,
    id: &str,
    caller: &Caller,
) -> Result<(ReservationRow, RestaurantRecord)> {
    let row = reservations::find(conn, id).await?.ok_or(ServiceError::NotFound("reservation"))?;
    let restaurant = restaurants::load(conn, &row.restaurant_id).await?;
    let allowed = match caller {
        Caller::Diner { code } => secrets.matches(&secrets::normalize_code(code), &row.code_hash),
        Caller::Owner { key } => secrets.matches(key.trim(), &restaurant.owner_key_hash),
    };
    if allowed { Ok((row, restaurant)) } else { Err(ServiceError::NotFound("reservation")) }
}

impl Service {
    /// Whether `owner_key` is the key of `restaurant_id` (for the pages that
    /// show owner controls).
    pub async fn is_owner(&self, restaurant_id: &str, owner_key: Option<&str>) -> Result<bool> {
        let mut conn = self.db.reader().acquire().await?;
        let restaurant = restaurants::load(&mut conn, restaurant_id).await?;
        Ok(owner_key.is_some_and(|key| self.secrets.matches(key, &restaurant.owner_key_hash)))
    }
}
