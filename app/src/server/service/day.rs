//! The owner's day: the reservations of a service day (which runs past
//! midnight when the restaurant does).

use chrono::NaiveDate;

use super::auth::authorize_owner;
use super::{Result, Service};
use crate::domain::service_day;
use crate::model::Reservation;
use crate::server::store::{reservations, restaurants};

impl Service {
    /// The reservations of a service day, by start time (owner only).
    pub async fn day_reservations(
        &self,
        restaurant_id: &str,
        owner_key: Option<&str>,
        date: NaiveDate,
    ) -> Result<Vec<Reservation>> {
        let mut conn = self.db.reader().acquire().await?;
        let restaurant = restaurants::load(&mut conn, restaurant_id).await?;
        authorize_owner(&self.secrets, &mut conn, &restaurant, owner_key).await?;
        let (from, to) = service_day(&restaurant.policy.hours, restaurant.tz(), date);
        let rows = reservations::starting_between(&mut conn, restaurant_id, from, to).await?;
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            out.push(reservations::to_model(&mut conn, row, &restaurant).await?);
        }
        Ok(out)
    }
}
