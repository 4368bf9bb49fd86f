//! A reservation's life after booking: reading it (diner or owner),
//! cancelling it, the owner changing its status, and its history. Every
//! change adds a history line in the same transaction.

use super::auth::Caller;
use super::outbox::{self, Cause, Diner};
use super::{Result, Service};
use crate::model::{History, HistoryEntry, Reservation, Status, StatusChange};
use crate::server::error::ServiceError;
use crate::server::store::{self, Scope, Turn, from_secs, reservations};

impl Service {
    /// A reservation, for its diner (with the code) or the restaurant's owner.
    /// A wrong code answers "not found", so ids cannot be probed.
    pub async fn reservation(&self, id: &str, caller: &Caller) -> Result<Reservation> {
        let mut conn = self.db.reader().acquire().await?;
        let (row, restaurant) = self.authorize(&mut conn, id, caller).await?;
        reservations::to_model(&mut conn, row, &restaurant).await
    }

    /// Cancels a reservation; cancelling a cancelled one changes nothing.
    pub async fn cancel(
        &self,
        id: &str,
        caller: &Caller,
        reason: Option<&str>,
    ) -> Result<Reservation> {
        let asked = (id.to_owned(), caller.clone(), reason.map(str::to_owned));
        self.write(asked, Self::cancel_in).await
    }

    async fn cancel_in(
        self,
        turn: Turn,
        (id, caller, reason): (String, Caller, Option<String>),
    ) -> Result<Reservation> {
        let reason = cancel_reason(reason.as_deref())?;
        let mut writer = store::writer(&self.db, turn).await?;
        let mut tx = store::begin(&self.db, &mut writer, Scope::ReservationOf(&id)).await?;
        let (row, restaurant) = self.authorize(&mut tx, &id, &caller).await?;
        let status = row.status()?;
        let now = self.now();
        let row = match status {
            Status::Cancelled => row,
            Status::Pending | Status::Confirmed => {
                if caller.is_diner() && from_secs(row.start_at) <= now {
                    return Err(ServiceError::InvalidTransition(
                        "this reservation has already started; please call the restaurant".into(),
                    ));
                }
                let by = caller.by();
                let row = reservations::cancel(&mut tx, &id, by, reason, now.timestamp()).await?;
                let change = match reason {
                    Some(reason) => format!("Cancelled: {reason}"),
                    None => "Cancelled".to_string(),
                };
                reservations::record(&mut tx, &id, now, by, Some(Status::Cancelled), &change)
                    .await?;
                let diner = Diner::of(&row);
                outbox::write(&mut tx, &restaurant, &diner, Cause::Cancelled, now).await?;
                tracing::info!(reservation = %id, by, "reservation cancelled");
                metrics::counter!("covers_cancellations_total", "by" => by).increment(1);
                row
            }
            other => {
                return Err(ServiceError::InvalidTransition(format!(
                    "a reservation that is {} cannot be cancelled",
                    other.label().to_lowercase()
                )));
            }
        };
        let reservation = reservations::to_model(&mut tx, row, &restaurant).await?;
        tx.commit().await?;
        Ok(reservation)
    }

    /// Changes a reservation's status (owner only). Setting the status it
    /// already has changes nothing; an impossible change is refused. A
    /// reservation brought back to a status that holds tables gets its
    /// tables back only if nobody else holds them then.
    pub async fn set_status(
        &self,
        id: &str,
        owner_key: Option<&str>,
        change: StatusChange,
    ) -> Result<Reservation> {
        let asked = (id.to_owned(), owner_key.map(str::to_owned), change);
        self.write(asked, Self::set_status_in).await
    }

    async fn set_status_in(
        self,
        turn: Turn,
        (id, owner_key, change): (String, Option<String>, StatusChange),
    ) -> Result<Reservation> {
        let to = match change.status.as_deref().map(str::trim) {
            None | Some("") => return Err(ServiceError::invalid("status", "status is required")),
            Some(text) => Status::parse(text).ok_or_else(|| {
                ServiceError::invalid(
                    "status",
                    "must be one of pending, confirmed, seated, completed, cancelled, no_show",
                )
            })?,
        };
        let reason = cancel_reason(change.reason.as_deref())?;
        let key = owner_key.ok_or(ServiceError::Unauthorized)?;
        let mut writer = store::writer(&self.db, turn).await?;
        let mut tx = store::begin(&self.db, &mut writer, Scope::ReservationOf(&id)).await?;
        let owner = Caller::Owner { key };
        let (row, restaurant) = self.authorize(&mut tx, &id, &owner).await?;
        let from = row.status()?;
        if from != to {
            if !from.next_steps().contains(&to) {
                return Err(ServiceError::InvalidTransition(format!(
                    "a {} reservation cannot become {}",
                    from.label().to_lowercase(),
                    to.label().to_lowercase()
                )));
            }
            let now = self.now();
            if !reservations::set_status(&mut tx, &id, to, reason, now.timestamp()).await? {
                return Err(ServiceError::SlotUnavailable {
                    message: "its tables have been booked by someone else since; move it to another time or table first".into(),
                    alternatives: Vec::new(),
                });
            }
            let mut text = format!("{} → {}", from.label(), to.label());
            if let (Status::Cancelled, Some(reason)) = (to, reason) {
                text.push_str(&format!(": {reason}"));
            }
            reservations::record(&mut tx, &id, now, "owner", Some(to), &text).await?;
            // A cancellation tells the diner; bringing one back confirms it again.
            let cause = match (from, to) {
                (_, Status::Cancelled) => Some(Cause::Cancelled),
                (Status::Cancelled, Status::Pending | Status::Confirmed) => Some(Cause::Booked),
                _ => None,
            };
            if let Some(cause) = cause {
                outbox::write(&mut tx, &restaurant, &Diner::of(&row), cause, now).await?;
            }
            tracing::info!(reservation = %id, from = from.as_str(), to = to.as_str(), "status changed");
            metrics::counter!("covers_status_changes_total", "to" => to.as_str()).increment(1);
        }
        let reservation = reservations::load(&mut tx, &id, &restaurant).await?;
        tx.commit().await?;
        Ok(reservation)
    }

    /// Who changed a reservation, what and when, oldest first (owner only).
    pub async fn history(&self, id: &str, owner_key: Option<&str>) -> Result<History> {
        let key = owner_key.ok_or(ServiceError::Unauthorized)?;
        let mut conn = self.db.reader().acquire().await?;
        let owner = Caller::Owner { key: key.to_string() };
        let (_, restaurant) = self.authorize(&mut conn, id, &owner).await?;
        let items = reservations::events(&mut conn, id)
            .await?
            .into_iter()
            .map(|(at, by, status, change)| HistoryEntry {
                at: restaurant.local_secs(at),
                by,
                change,
                status: status.as_deref().and_then(Status::parse),
            })
            .collect();
        Ok(History { items })
    }
}

/// A cancellation's reason: trimmed, absent when blank, at most 500 characters.
fn cancel_reason(reason: Option<&str>) -> Result<Option<&str>> {
    match reason.map(str::trim).filter(|r| !r.is_empty()) {
        Some(r) if r.chars().count() > 500 => {
            Err(ServiceError::invalid("reason", "at most 500 characters"))
        }
        other => Ok(other),
    }
}
