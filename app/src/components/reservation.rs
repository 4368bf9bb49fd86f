//! A diner's reservation as the diner's pages show it: its facts, and a
//! line of a list of reservations.

use leptos::prelude::*;

use crate::model::{Reservation, people};
use crate::server_fns::reservations::long_when;

/// The heading, the status and the facts of a reservation; `children` adds
/// rows (its confirmation code) before its number.
#[component]
pub fn ReservationFacts(
    reservation: Reservation,
    #[prop(optional)] children: Option<Children>,
) -> impl IntoView {
    let r = reservation;
    let tables = r
        .tables
        .iter()
        .map(|t| format!("{} ({} seats)", t.label, t.capacity))
        .collect::<Vec<_>>()
        .join(", ");
    view! {
        <h1>{format!("Your table at {}", r.restaurant_name)}</h1>
        <p class=format!("status status-{}", r.status.as_str())>{r.status.label()}</p>
        <div class="card">
            <dl class="data">
                <dt>"When"</dt>
                <dd data-testid="when">{long_when(&r.start)}</dd>
                <dt>"Party"</dt>
                <dd data-testid="party">{people(r.party_size)}</dd>
                {(!tables.is_empty()).then(|| view! { <dt>"Table"</dt><dd>{tables}</dd> })}
                <dt>"Name"</dt>
                <dd>{r.name.clone()}</dd>
                <dt>"Phone"</dt>
                <dd>{r.phone.clone()}</dd>
                {(!r.notes.is_empty()).then(|| view! { <dt>"Notes"</dt><dd>{r.notes.clone()}</dd> })}
                {children.map(|c| c())}
                <dt>"Reservation number"</dt>
                <dd><span class="secret" data-testid="reservation-id">{r.id.clone()}</span></dd>
            </dl>
        </div>
    }
}

/// A reservation as a line of a list, its restaurant's name linking to `href`.
#[component]
pub fn ReservationItem(reservation: Reservation, href: String) -> impl IntoView {
    let r = reservation;
    view! {
        <li class="card">
            <a href=href>{r.restaurant_name.clone()}</a>
            {format!(" · {} · {} · ", long_when(&r.start), people(r.party_size))}
            <span class=format!("status status-{}", r.status.as_str())>{r.status.label()}</span>
        </li>
    }
}
