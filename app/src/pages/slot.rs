//! The slot page (SlotView): the slot, the tables free for it, and the form
//! that reserves one.

use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::components::form::{Field, FormProblem, TextArea};
use crate::components::page::loaded_page;
use crate::domain::{DinerName, Notes, limits};
use crate::model::people;
use crate::server_fns::reservations::{Reserve, SlotDetails, get_slot};
use crate::server_fns::{FormError, action_error};

#[component]
pub fn SlotPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let args = move || {
        let q = query.read();
        (
            params.read().get("id").unwrap_or_default(),
            q.get("start").unwrap_or_default(),
            q.get("party_size").unwrap_or_default(),
        )
    };
    let details = Resource::new(args, |(id, start, party)| get_slot(id, start, party));
    let reserve = ServerAction::<Reserve>::new();
    loaded_page(details, move |details| view! { <SlotView details reserve /> })
}

#[component]
fn SlotView(details: SlotDetails, reserve: ServerAction<Reserve>) -> impl IntoView {
    let error = action_error(reserve);
    let field =
        move |name: &'static str| Signal::derive(move || error.get().and_then(|e| e.field(name)));
    // What was typed before a refused submission (it comes back in the address
    // when JavaScript is off).
    let typed =
        move |name: &str| error.get_untracked().and_then(|e| e.value(name)).unwrap_or_default();
    let problem = Signal::derive(move || match error.get() {
        Some(e @ (FormError::Refused(_) | FormError::Failed(_))) => e.general(),
        // A problem with the slot itself (its time, party or table), not a typed field.
        Some(FormError::Invalid { fields, .. }) => fields
            .iter()
            .find(|(k, _)| !["name", "phone", "email", "notes"].contains(&k.as_str()))
            .map(|(_, message)| format!("Sorry: {message}.")),
        _ => None,
    });
    let taken = move || match error.get() {
        Some(FormError::SlotTaken { message, alternatives, .. }) => Some((message, alternatives)),
        _ => None,
    };
    let pending = reserve.pending();
    let party = people(details.party_size);
    let back = format!(
        "/restaurants/{}?date={}&party_size={}",
        details.restaurant_id,
        details.start.get(..10).unwrap_or_default(),
        details.party_size
    );
    let chosen_table = typed("table_id");
    let any_table = if details.assigned.len() > 1 {
        let labels: Vec<&str> = details.assigned.iter().map(|t| t.label.as_str()).collect();
        format!("Tables {}, pushed together for your party", labels.join(" + "))
    } else {
        "Any table: we choose the best one for your party".to_string()
    };
    // Right after a refusal because the slot was taken, keep the form and what
    // was typed on screen with the other times, rather than only "no table".
    let just_taken = matches!(error.get_untracked(), Some(FormError::SlotTaken { .. }));
    let slot_problem = details.problem.clone().filter(|_| !just_taken);
    let form = slot_problem.is_none().then(|| {
        let tables = details
            .tables
            .iter()
            .map(|t| {
                let checked = chosen_table == t.table_id;
                view! {
                    <label class="choice">
                        <input type="radio" name="table_id" value=t.table_id.clone() checked=checked />
                        {format!("{} ({} seats)", t.label, t.capacity)}
                    </label>
                }
            })
            .collect_view();
        view! {
            <ActionForm action=reserve>
                <input type="hidden" name="restaurant_id" value=details.restaurant_id.clone() />
                <input type="hidden" name="start" value=details.start.clone() />
                <input type="hidden" name="party_size" value=details.party_size.to_string() />
                <fieldset>
                    <legend>"Table"</legend>
                    <label class="choice">
                        <input type="radio" name="table_id" value="" checked=chosen_table.is_empty() />
                        {any_table.clone()}
                    </label>
                    {tables}
                </fieldset>
                <Field label="Name" name="name" value=typed("name") error=field("name") required=true max_length=DinerName::MAX_CHARS autocomplete="name" />
                <Field label="Phone" name="phone" kind="tel" value=typed("phone") error=field("phone") required=true autocomplete="tel" />
                <Field label="Email" name="email" kind="email" value=typed("email") error=field("email") max_length=limits::EMAIL_BYTES autocomplete="email" hint="Optional" />
                <TextArea label="Notes" name="notes" value=typed("notes") error=field("notes") max_length=Notes::MAX_CHARS hint="Allergies, dietary needs, an occasion…" />
                <FormProblem message=problem />
                {move || {
                    taken()
                        .map(|(message, alternatives)| {
                            view! {
                                <div class="form-problem" role="alert">
                                    <p>{message}</p>
                                    {if alternatives.is_empty() {
                                        view! { <p>"No other time is free on this date."</p> }.into_any()
                                    } else {
                                        view! {
                                            <p>"These times are still free:"</p>
                                            <ul class="alternatives" aria-label="Other times">
                                                {alternatives
                                                    .into_iter()
                                                    .map(|a| view! { <li><a href=a.href>{a.local_time}</a></li> })
                                                    .collect_view()}
                                            </ul>
                                        }
                                            .into_any()
                                    }}
                                </div>
                            }
                        })
                }}
                <button type="submit" disabled=move || pending.get()>
                    {move || if pending.get() { "Reserving…" } else { "Reserve" }}
                </button>
            </ActionForm>
        }
    });
    view! {
        <Title text=format!("Reserve at {}", details.restaurant_name) />
        <div class="stack">
            <p>
                <a href=back.clone()>{format!("← {}", details.restaurant_name)}</a>
            </p>
            <h1>"Reserve a table"</h1>
            <p class="card">
                <strong>{details.when.clone()}</strong>
                {format!(" · {party} · {}", details.restaurant_name)}
            </p>
            {slot_problem.map(|problem| {
                view! {
                    <p class="form-problem" role="alert">{problem}</p>
                    <p><a href=back.clone()>"Choose another time"</a></p>
                }
            })}
            {form}
        </div>
    }
}
