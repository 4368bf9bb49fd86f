//! What a diner does through the manage link sent to them: see the
//! reservation, say they are coming, change it (`moves`) or cancel it
//! (`lifecycle`), all as `Caller::Link`.

use super::auth::Caller;
use super::{Result, Service};
use crate::model::{Reservation, Status};
use crate::server::error::ServiceError;
use crate::server::store::{self, Scope, Turn, from_secs, reservations};

impl Service {
    /// The reservation a manage link opens.
    pub async fn managed(&self, token: &str) -> Result<Reservation> {
        let id = self.open_link(token)?;
        self.reservation(&id, &Caller::Link { token: token.to_owned() }).await
    }

    /// The diner says they are coming: recorded once, before it starts.
    pub async fn confirm_coming(&self, token: &str) -> Result<Reservation> {
        let id = self.open_link(token)?;
        self.write((id, token.to_owned()), Self::confirm_coming_in).await
    }

    async fn confirm_coming_in(
        self,
        turn: Turn,
        (id, token): (String, String),
    ) -> Result<Reservation> {
        let mut writer = store::writer(&self.db, turn).await?;
        let mut tx = store::begin(&self.db, &mut writer, Scope::ReservationOf(&id)).await?;
        let (row, restaurant) = self.authorize(&mut tx, &id, &Caller::Link { token }).await?;
        let now = self.now();
        let status = row.status()?;
        if !matches!(status, Status::Pending | Status::Confirmed) {
            return Err(ServiceError::InvalidTransition(format!(
                "this reservation is {}",
                status.label().to_lowercase()
            )));
        }
        if from_secs(row.start_at) <= now {
            return Err(ServiceError::InvalidTransition(
                "this reservation has already started".into(),
            ));
        }
        if row.diner_confirmed_at.is_none() {
            reservations::confirm_by_diner(&mut tx, &id, now.timestamp()).await?;
            let said = "The diner said they are coming";
            reservations::record(&mut tx, &id, now, "diner", None, said).await?;
            tracing::info!(reservation = %id, "diner confirmed they are coming");
        }
        let reservation = reservations::load(&mut tx, &id, &restaurant).await?;
        tx.commit().await?;
        Ok(reservation)
    }
}
