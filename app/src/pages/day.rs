//! The owner's day: the reservations of a service day with their statuses,
//! the buttons that change them and their histories, and, slot by slot,
//! whether guests can book online and why not.

use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::components::form::FormProblem;
use crate::components::owner::{DayChooser, OwnerFrame};
use crate::components::page::loaded_page;
use crate::components::table::PlainTable;
use crate::domain::limits;
use crate::model::{DayExplanation, Table, people};
use crate::server_fns::action_error;
use crate::server_fns::manage::{
    ChangeStatus, DayReservation, MoveBooking, OwnerDay, get_owner_day,
};
use crate::server_fns::owner::ClaimRestaurant;

/// `/restaurants/:id/day?date=YYYY-MM-DD&party_size=N`
#[component]
pub fn DayPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let change = ServerAction::<ChangeStatus>::new();
    let moving = ServerAction::<MoveBooking>::new();
    let claim = ServerAction::<ClaimRestaurant>::new();
    let data = Resource::new(
        move || {
            let q = query.read();
            (
                params.read().get("id").unwrap_or_default(),
                q.get("date").unwrap_or_default(),
                q.get("party_size").unwrap_or_default(),
                change.version().get(),
                moving.version().get(),
                claim.version().get(),
            )
        },
        |(id, date, party, ..)| get_owner_day(id, date, party),
    );
    loaded_page(data, move |day| view! { <DayView day change moving claim /> })
}

#[component]
fn DayView(
    day: OwnerDay,
    change: ServerAction<ChangeStatus>,
    moving: ServerAction<MoveBooking>,
    claim: ServerAction<ClaimRestaurant>,
) -> impl IntoView {
    let (id, name, is_owner) =
        (day.restaurant.id.clone(), day.restaurant.name.clone(), day.is_owner);
    view! {
        <OwnerFrame title="Reservations" restaurant_id=id restaurant_name=name is_owner claim>
            <DayBody day change moving />
        </OwnerFrame>
    }
}

#[component]
fn DayBody(
    day: OwnerDay,
    change: ServerAction<ChangeStatus>,
    moving: ServerAction<MoveBooking>,
) -> impl IntoView {
    let base = format!("/restaurants/{}/day", day.restaurant.id);
    let problem = Signal::derive(move || action_error(change).get().and_then(|e| e.general()));
    let move_problem = Signal::derive(move || action_error(moving).get().and_then(|e| e.general()));
    let tables = day.restaurant.tables.clone().unwrap_or_default();
    let list = if day.reservations.is_empty() {
        view! { <p class="empty">"No reservations on this day."</p> }.into_any()
    } else {
        let rows = day
            .reservations
            .iter()
            .map(|r| view! { <ReservationRow entry=r.clone() tables=tables.clone() change moving /> })
            .collect_view();
        view! {
            <PlainTable label="Reservations" columns=&["Time", "Guest", "Party", "Tables", "Status", "Change"]>
                {rows}
            </PlainTable>
        }
        .into_any()
    };
    view! {
        <DayChooser
            base=base.clone()
            date=day.date.clone()
            error=day.date_error.clone()
            id="day-date"
            keep=("party_size", day.party_size.to_string())
        />
        <FormProblem message=problem />
        <FormProblem message=move_problem />
        {list}
        {day.explanation.clone().map(|explanation| view! { <Availability explanation base=base.clone() /> })}
    }
}

/// One reservation: its details, the status changes it allows, its history.
#[component]
fn ReservationRow(
    entry: DayReservation,
    tables: Vec<Table>,
    change: ServerAction<ChangeStatus>,
    moving: ServerAction<MoveBooking>,
) -> impl IntoView {
    let DayReservation { reservation: r, history } = entry;
    let labels: Vec<&str> = r.tables.iter().map(|t| t.label.as_str()).collect();
    let held_labels = labels.join(" + ");
    let status = r.status;
    let coming = r.diner_confirmed_at.is_some() && status.holds_tables();
    let (rid, restaurant_id) = (r.id.clone(), r.restaurant_id.clone());
    let who = format!("{} at {}", r.name, r.start.format("%H:%M"));
    let steps = status
        .next_steps()
        .iter()
        .map(|to| {
            let label = status.step_label(*to);
            let (rid, restaurant_id, who) = (rid.clone(), restaurant_id.clone(), who.clone());
            let class =
                if matches!(to, crate::model::Status::Cancelled | crate::model::Status::NoShow) {
                    "danger"
                } else {
                    ""
                };
            view! {
                <ActionForm action=change>
                    <input type="hidden" name="restaurant_id" value=restaurant_id />
                    <input type="hidden" name="reservation_id" value=rid />
                    <input type="hidden" name="status" value=to.as_str() />
                    <button type="submit" class=class aria-label=format!("{label}: {who}")>
                        {label}
                    </button>
                </ActionForm>
            }
        })
        .collect_view();
    let move_form = status.holds_tables().then(|| {
        let held: Vec<String> = r.tables.iter().map(|t| t.id.clone()).collect();
        let choices = tables
            .iter()
            .map(|t| {
                let checked = held.contains(&t.id);
                let walk_in = if t.walk_in_only { ", walk-ins" } else { "" };
                view! {
                    <label class="choice">
                        <input type="checkbox" name=format!("tables[table-{}]", t.id) checked=checked />
                        {format!("{} ({} seats{walk_in})", t.label, t.capacity)}
                    </label>
                }
            })
            .collect_view();
        let (rid, restaurant_id) = (rid.clone(), restaurant_id.clone());
        let (date, time) = (r.start.format("%Y-%m-%d").to_string(), r.start.format("%H:%M").to_string());
        let prefix = format!("move-{rid}");
        let party = r.party_size.to_string();
        view! {
            <details>
                <summary>"Move"</summary>
                <ActionForm action=moving>
                    <input type="hidden" name="restaurant_id" value=restaurant_id />
                    <input type="hidden" name="reservation_id" value=rid />
                    <div class="field">
                        <label for=format!("{prefix}-date")>"Date"</label>
                        <input id=format!("{prefix}-date") type="date" name="date" value=date required=true />
                    </div>
                    <div class="field">
                        <label for=format!("{prefix}-time")>"Time"</label>
                        <input id=format!("{prefix}-time") type="time" name="time" value=time required=true />
                    </div>
                    <div class="field">
                        <label for=format!("{prefix}-party")>"People"</label>
                        <input id=format!("{prefix}-party") type="number" name="party_size" min=limits::PARTY.min max=limits::PARTY.max value=party required=true />
                    </div>
                    <fieldset>
                        <legend>"Tables"</legend>
                        <span class="hint">"Tick none to let Covers choose."</span>
                        {choices}
                    </fieldset>
                    <button type="submit">"Move reservation"</button>
                </ActionForm>
            </details>
        }
    });
    let notes = (!r.notes.is_empty()).then(|| view! { <br /><small>{r.notes.clone()}</small> });
    let history = history
        .into_iter()
        .map(|e| {
            view! { <li>{format!("{} · {} · {}", e.at.format("%-d %b %H:%M"), e.by, e.change)}</li> }
        })
        .collect_view();
    view! {
        <tr data-reservation=r.id.clone()>
            <td>{format!("{}–{}", r.start.format("%H:%M"), r.end.format("%H:%M"))}</td>
            <td>
                {r.name.clone()}
                <br />
                <a href=format!("tel:{}", r.phone)>{r.phone.clone()}</a>
                {notes}
            </td>
            <td>{people(r.party_size)}</td>
            <td>{held_labels}</td>
            <td>
                <span class=format!("status status-{}", status.as_str())>{status.label()}</span>
                {coming.then(|| view! { <br /><span class="hint">"Guest said they are coming"</span> })}
            </td>
            <td>
                <div class="actions">{steps}</div>
                {move_form}
                <details>
                    <summary>"History"</summary>
                    <ul class="history">{history}</ul>
                </details>
            </td>
        </tr>
    }
}

/// Every slot of the day for a party: bookable online or why not.
#[component]
fn Availability(explanation: DayExplanation, base: String) -> impl IntoView {
    let party = explanation.party_size;
    let rows = explanation
        .slots
        .iter()
        .map(|s| {
            let (answer, detail) = if s.available {
                let tables: Vec<&str> = s.tables.iter().map(|t| t.label.as_str()).collect();
                ("Bookable", format!("Would get {}", tables.join(" + ")))
            } else {
                ("Not bookable", s.reason.as_ref().map(|r| r.message.clone()).unwrap_or_default())
            };
            view! {
                <tr>
                    <td>{s.local_time.clone()}</td>
                    <td>{answer}</td>
                    <td>{detail}</td>
                </tr>
            }
        })
        .collect_view();
    let empty = explanation.slots.is_empty();
    view! {
        <h2>"Can guests book online?"</h2>
        <form method="get" action=base class="row" aria-label="Party size to check">
            <input type="hidden" name="date" value=explanation.date.to_string() />
            <div class="field">
                <label for="why-party">"For a party of"</label>
                <input id="why-party" type="number" name="party_size" min=limits::PARTY.min max=limits::PARTY.max value=party.to_string() />
            </div>
            <div class="field">
                <button type="submit" class="secondary">"Check"</button>
            </div>
        </form>
        {if empty {
            view! { <p class="empty">"The restaurant does not open on this day."</p> }.into_any()
        } else {
            view! {
                <PlainTable label=format!("Online booking for {}", people(party)) columns=&["Time", "Online", "Why"]>
                    {rows}
                </PlainTable>
            }
                .into_any()
        }}
    }
}
