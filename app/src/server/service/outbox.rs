//! The messages a change to a reservation causes, written in the change's
//! own transaction (the outbox, `store::messages`): a booking never waits
//! for a mail server or an SMS provider, and no message is lost while one
//! is down. The delivery worker (`server::delivery`) sends them.
//!
//! Who gets what: the confirmation, a change and a cancellation go by
//! email when the diner gave an address, else by SMS to their phone. The
//! reminder goes by SMS and, when the diner gave an address, by email too,
//! `reminder_hours_before` the reservation starts; none when that moment
//! has already passed or the restaurant turned reminders off. A change
//! moves the reminder; a cancellation drops it; a new reminder setting
//! writes the reminders of every upcoming reservation again.

use std::collections::HashSet;

use chrono::{DateTime, Duration, Utc};
use sqlx::AnyConnection;

use super::Result;
use crate::server::store::from_secs;
use crate::server::store::messages::{self, Channel, Kind, NewMessage, RemindersOf};
use crate::server::store::reservations::{self, ReservationRow};
use crate::server::store::restaurants::RestaurantRecord;

/// What happened to a reservation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Cause {
    Booked,
    Changed,
    Cancelled,
}

/// A reservation as its messages need it.
pub(super) struct Diner<'a> {
    pub reservation_id: &'a str,
    pub start: DateTime<Utc>,
    pub email: Option<&'a str>,
    pub phone: &'a str,
}

impl<'a> Diner<'a> {
    /// The diner of a stored reservation, at its stored start.
    pub fn of(row: &'a ReservationRow) -> Self {
        Diner {
            reservation_id: &row.id,
            start: from_secs(row.start_at),
            email: row.email.as_deref(),
            phone: &row.phone,
        }
    }
}

/// Writes the messages `cause` brings to `diner`, in the caller's
/// transaction.
pub(super) async fn write(
    conn: &mut AnyConnection,
    restaurant: &RestaurantRecord,
    diner: &Diner<'_>,
    cause: Cause,
    now: DateTime<Utc>,
) -> Result<()> {
    let kind = match cause {
        Cause::Booked => Kind::Confirmation,
        Cause::Changed => Kind::Change,
        Cause::Cancelled => Kind::Cancellation,
    };
    let (channel, to) = match diner.email {
        Some(email) => (Channel::Email, email),
        None => (Channel::Sms, diner.phone),
    };
    enqueue(conn, restaurant, diner, kind, channel, to, now, now).await?;
    if cause != Cause::Booked {
        messages::drop_reminders(conn, RemindersOf::Reservation(diner.reservation_id)).await?;
    }
    if cause == Cause::Cancelled {
        return Ok(());
    }
    remind(conn, restaurant, diner, now, false).await
}

/// Writes the reminders of every upcoming reservation of a restaurant again
/// (its reminder setting changed), in the caller's transaction. A
/// reservation already reminded is not reminded again; one whose reminder
/// was still to go, and whose new moment has passed, is reminded now.
pub(super) async fn reschedule_reminders(
    conn: &mut AnyConnection,
    restaurant: &RestaurantRecord,
    now: DateTime<Utc>,
) -> Result<()> {
    let reminders = messages::reminders_of_restaurant(conn, &restaurant.id).await?;
    let with = |wanted: fn(&str) -> bool| -> HashSet<String> {
        reminders.iter().filter(|(_, s)| wanted(s)).map(|(id, _)| id.clone()).collect()
    };
    let reminded = with(|s| !matches!(s, "pending" | "dropped"));
    let waiting = with(|s| s == "pending");
    messages::drop_reminders(conn, RemindersOf::Restaurant(&restaurant.id)).await?;
    for row in reservations::upcoming(conn, &restaurant.id, now.timestamp()).await? {
        if !reminded.contains(&row.id) {
            remind(conn, restaurant, &Diner::of(&row), now, waiting.contains(&row.id)).await?;
        }
    }
    Ok(())
}

/// The reminders of a reservation: none when the restaurant turned them
/// off, or when their moment has passed (unless `late_now`: then at once).
async fn remind(
    conn: &mut AnyConnection,
    restaurant: &RestaurantRecord,
    diner: &Diner<'_>,
    now: DateTime<Utc>,
    late_now: bool,
) -> Result<()> {
    let Some(hours) = restaurant.reminder_hours_before else { return Ok(()) };
    let mut due = diner.start - Duration::hours(hours.into());
    if due <= now {
        if !late_now {
            return Ok(());
        }
        due = now;
    }
    enqueue(conn, restaurant, diner, Kind::Reminder, Channel::Sms, diner.phone, due, now).await?;
    if let Some(email) = diner.email {
        enqueue(conn, restaurant, diner, Kind::Reminder, Channel::Email, email, due, now).await?;
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
async fn enqueue(
    conn: &mut AnyConnection,
    restaurant: &RestaurantRecord,
    diner: &Diner<'_>,
    kind: Kind,
    channel: Channel,
    to: &str,
    due: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<()> {
    let id = uuid::Uuid::now_v7().to_string();
    let message = NewMessage {
        id: &id,
        restaurant_id: Some(&restaurant.id),
        reservation_id: Some(diner.reservation_id),
        kind,
        channel,
        recipient: to,
        sealed: None,
        due_at: due.timestamp(),
        now: now.timestamp(),
    };
    messages::enqueue(conn, message).await
}
