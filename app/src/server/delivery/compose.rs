//! What a message says, made when it is sent from the reservation as it is
//! then: a subject, a text and an HTML part, and a calendar file (updated on
//! a change, cancelled on a cancellation). What the diner typed (their name)
//! is escaped in the HTML part; nothing else of it is used.

use html_escape::{encode_double_quoted_attribute as attribute, encode_text as escape};
use icalendar::{Calendar, Component, EventLike, EventStatus, Property};

use crate::model::people;
use crate::server::store::messages::Kind;
use crate::server::store::reservations::ReservationRow;
use crate::server::store::restaurants::RestaurantRecord;

/// A message ready to send.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Letter {
    pub subject: String,
    pub text: String,
    /// The text message: the same news, short.
    pub sms: String,
    pub html: String,
    /// The calendar file, for e-mail.
    pub calendar: Option<CalendarFile>,
}

/// An iCalendar file and its method: `REQUEST` (add or update the event)
/// or `CANCEL`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CalendarFile {
    pub method: &'static str,
    pub body: String,
}

/// The letter of a message of `kind` about `reservation`; `link` is where
/// the diner sees and manages it.
pub fn letter(
    kind: Kind,
    reservation: &ReservationRow,
    restaurant: &RestaurantRecord,
    link: &str,
) -> Letter {
    let start = restaurant.local_secs(reservation.start_at);
    let when = start.format("%A %-d %B %Y at %H:%M");
    let short_when = start.format("%a %-d %b %H:%M");
    let party = people(reservation.party_size as u8);
    let place = &restaurant.name;
    let (subject, lead) = match kind {
        Kind::Confirmation => (
            format!("Your table at {place}, {when}"),
            format!("Your table for {party} at {place} is booked for {when}."),
        ),
        Kind::Change => (
            format!("Your reservation at {place} has changed"),
            format!("Your reservation at {place} is now for {party}, {when}."),
        ),
        Kind::Cancellation => (
            format!("Your reservation at {place} is cancelled"),
            format!("Your reservation for {party} at {place}, {when}, is cancelled."),
        ),
        Kind::Reminder => (
            format!("Reminder: your table at {place}, {when}"),
            format!("A reminder: your table for {party} at {place} is booked for {when}."),
        ),
        Kind::Code => (String::new(), String::new()),
    };
    let address = [restaurant.address.as_deref(), restaurant.city.as_deref()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(", ");
    let mut facts = vec![("Reservation number", reservation.id.clone())];
    if !address.is_empty() {
        facts.push(("Address", address.clone()));
    }
    facts.push(("Restaurant's phone", restaurant.phone.clone()));
    let greeting = format!("Hello {},", reservation.name);
    let action = if kind == Kind::Cancellation {
        "See your reservation"
    } else {
        "See, change or cancel your reservation"
    };
    let mut text = format!("{greeting}\n\n{lead}\n\n");
    for (label, value) in &facts {
        text.push_str(&format!("{label}: {value}\n"));
    }
    text.push_str(&format!("\n{action}: {link}\n"));
    let mut html = format!("<p>{}</p>\n<p>{}</p>\n<ul>\n", escape(&greeting), escape(&lead));
    for (label, value) in &facts {
        html.push_str(&format!("<li>{}: {}</li>\n", escape(label), escape(value)));
    }
    html.push_str(&format!(
        "</ul>\n<p><a href=\"{}\">{}</a></p>\n",
        attribute(link),
        escape(action)
    ));
    let news = match kind {
        Kind::Confirmation => format!("table for {party} booked, {short_when}"),
        Kind::Change => format!("your reservation is now for {party}, {short_when}"),
        Kind::Cancellation => format!("your reservation for {party}, {short_when}, is cancelled"),
        Kind::Reminder => format!("reminder: table for {party}, {short_when}"),
        Kind::Code => String::new(),
    };
    let sms = format!("{place}: {news}. {action}: {link}");
    let calendar = (kind != Kind::Code).then(|| calendar(kind, reservation, restaurant, &address));
    Letter { subject, text, sms, html, calendar }
}

/// The letter carrying a one-time code that finds a contact's
/// reservations, good for `minutes`.
pub fn code_letter(code: &str, minutes: i64) -> Letter {
    let subject = format!("Your code: {code}");
    let lead = format!(
        "Your code to see your reservations is {code}. It works for {minutes} minutes, once."
    );
    let unasked = "If you did not ask for it, ignore this message: nobody sees your \
                   reservations without the code.";
    Letter {
        text: format!("Hello,\n\n{lead}\n\n{unasked}\n"),
        html: format!("<p>Hello,</p>\n<p>{}</p>\n<p>{}</p>\n", escape(&lead), escape(unasked)),
        sms: format!("Your code to see your reservations: {code} (works for {minutes} minutes)"),
        subject,
        calendar: None,
    }
}

/// The reservation as a calendar event: one event per reservation (its id),
/// its sequence rising with every change so calendars replace it.
fn calendar(
    kind: Kind,
    reservation: &ReservationRow,
    restaurant: &RestaurantRecord,
    address: &str,
) -> CalendarFile {
    let cancelled = kind == Kind::Cancellation;
    let method = if cancelled { "CANCEL" } else { "REQUEST" };
    let sequence = (reservation.updated_at - reservation.created_at).max(0) as u32;
    let mut event = icalendar::Event::new();
    event
        .uid(&format!("{}@covers", reservation.id))
        .sequence(sequence)
        .summary(&format!("Table at {}", restaurant.name))
        .starts(crate::server::store::from_secs(reservation.start_at))
        .ends(crate::server::store::from_secs(reservation.end_at))
        .status(if cancelled { EventStatus::Cancelled } else { EventStatus::Confirmed });
    if !address.is_empty() {
        event.location(address);
    }
    let mut calendar = Calendar::new();
    calendar.append_property(Property::new("METHOD", method)).push(event.done());
    CalendarFile { method, body: calendar.done().to_string() }
}
