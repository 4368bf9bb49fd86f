//! The owner's view of the outbox: what was sent to whom, when, and what
//! became of it.

use chrono::NaiveDate;

use super::auth::authorize_owner;
use super::{Result, Service};
use crate::domain::service_day;
use crate::model::Message;
use crate::server::store::{messages, restaurants};

impl Service {
    /// The messages written during a service day of a restaurant (default:
    /// its today), newest first (owner only).
    pub async fn messages(
        &self,
        restaurant_id: &str,
        owner_key: Option<&str>,
        date: Option<NaiveDate>,
    ) -> Result<Vec<Message>> {
        let mut conn = self.db.reader().acquire().await?;
        let restaurant = restaurants::load(&mut conn, restaurant_id).await?;
        authorize_owner(&self.secrets, &mut conn, &restaurant, owner_key).await?;
        let date = date.unwrap_or_else(|| self.today_in(restaurant.tz()));
        let (from, to) = service_day(&restaurant.policy.hours, restaurant.tz(), date);
        let rows =
            messages::of_restaurant(&mut conn, restaurant_id, from.timestamp(), to.timestamp())
                .await?;
        Ok(rows
            .into_iter()
            .map(|m| Message {
                id: m.id,
                reservation_id: m.reservation_id,
                kind: m.kind,
                channel: m.channel,
                to: m.recipient,
                status: m.status,
                attempts: m.attempts.max(0) as u32,
                last_error: m.last_error,
                created_at: restaurant.local_secs(m.created_at),
                due_at: restaurant.local_secs(m.due_at),
                sent_at: m.sent_at.map(|t| restaurant.local_secs(t)),
            })
            .collect())
    }
}
