//! `/manage/:token`: the page a diner's messages link to. The token is a
//! signed, expiring capability for one reservation: the diner sees it, says
//! they are coming, changes the date, time or party size, or cancels.

use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::components::form::{Field, FormProblem};
use crate::components::page::{answer_with, load_failed};
use crate::components::reservation::ReservationFacts;
use crate::domain::limits;
use crate::model::Status;
use crate::server_fns::action_error;
use crate::server_fns::link::{CancelManaged, ChangeManaged, ConfirmComing, Managed, get_managed};

#[component]
pub fn ManagePage() -> impl IntoView {
    let params = use_params_map();
    let token = move || params.read().get("token").unwrap_or_default();
    let coming = ServerAction::<ConfirmComing>::new();
    let change = ServerAction::<ChangeManaged>::new();
    let cancel = ServerAction::<CancelManaged>::new();
    let data = Resource::new(
        move || (token(), coming.version().get(), change.version().get(), cancel.version().get()),
        |(token, ..)| get_managed(token),
    );
    view! {
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(Some(managed)) => {
                        view! { <ManageView managed coming change cancel /> }.into_any()
                    }
                    Ok(None) => {
                        answer_with(404);
                        view! {
                            <Title text="Link expired" />
                            <h1>"This link does not open a reservation"</h1>
                            <p>
                                "It may have expired, or been copied only in part. "
                                <a href="/reservations/find">"Find my reservations"</a>
                                " sends a code to the phone or email you booked with."
                            </p>
                        }
                            .into_any()
                    }
                    Err(error) => load_failed(&error).into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn ManageView(
    managed: Managed,
    coming: ServerAction<ConfirmComing>,
    change: ServerAction<ChangeManaged>,
    cancel: ServerAction<CancelManaged>,
) -> impl IntoView {
    let Managed { reservation: r, token, open, date, time } = managed;
    let status = r.status;
    let confirmed = r.diner_confirmed_at.is_some();
    let (restaurant_id, restaurant_name, party) =
        (r.restaurant_id.clone(), r.restaurant_name.clone(), r.party_size);
    view! {
        <Title text=format!("Your reservation at {restaurant_name}") />
        <div class="stack">
            <ReservationFacts reservation=r />
            {confirmed.then(|| view! {
                <p class="note" role="status">"You told the restaurant you are coming."</p>
            })}
            {(status == Status::Cancelled).then(|| view! {
                <p>
                    "This reservation is cancelled. "
                    <a href=format!("/restaurants/{restaurant_id}")>"Book another table"</a>
                </p>
            })}
            {open.then(|| view! {
                <OpenActions token=token.clone() date time party confirmed coming change cancel />
            })}
            <p>
                <a href=format!("/restaurants/{restaurant_id}")>{restaurant_name.clone()}</a>
                " · "
                <a href="/reservations/find">"Find my reservations"</a>
            </p>
        </div>
    }
}

/// What a diner may do before the reservation starts.
#[allow(clippy::too_many_arguments)]
#[component]
fn OpenActions(
    token: String,
    date: String,
    time: String,
    party: u8,
    confirmed: bool,
    coming: ServerAction<ConfirmComing>,
    change: ServerAction<ChangeManaged>,
    cancel: ServerAction<CancelManaged>,
) -> impl IntoView {
    let coming_error = action_error(coming);
    let coming_problem = Signal::derive(move || coming_error.get().map(|e| e.to_string()));
    let change_error = action_error(change);
    let field = move |name: &'static str| {
        Signal::derive(move || change_error.get().and_then(|e| e.field(name)))
    };
    let typed = move |name: &str, shown: String| {
        change_error.get_untracked().and_then(|e| e.value(name)).unwrap_or(shown)
    };
    let change_problem = Signal::derive(move || change_error.get().and_then(|e| e.general()));
    let cancel_error = action_error(cancel);
    let cancel_problem = Signal::derive(move || cancel_error.get().map(|e| e.to_string()));
    let (coming_pending, change_pending, cancel_pending) =
        (coming.pending(), change.pending(), cancel.pending());
    let (coming_token, change_token) = (token.clone(), token.clone());
    view! {
        {(!confirmed).then(move || view! {
            <ActionForm action=coming>
                <input type="hidden" name="token" value=coming_token />
                <FormProblem message=coming_problem />
                <button type="submit" disabled=move || coming_pending.get()>"I'm coming"</button>
            </ActionForm>
        })}
        <section class="stack" aria-labelledby="change-heading">
            <h2 id="change-heading">"Change your reservation"</h2>
            <ActionForm action=change>
                <input type="hidden" name="token" value=change_token />
                <Field label="Date" name="date" kind="date" value=typed("date", date) error=field("date") required=true />
                <Field label="Time" name="time" kind="time" value=typed("time", time) error=field("time") required=true />
                <Field label="Party size" name="party_size" kind="number" value=typed("party_size", party.to_string()) error=field("party_size") bounds=limits::PARTY required=true />
                <FormProblem message=change_problem />
                <button type="submit" disabled=move || change_pending.get()>
                    {move || if change_pending.get() { "Changing…" } else { "Change reservation" }}
                </button>
            </ActionForm>
        </section>
        <section class="stack" aria-labelledby="cancel-heading">
            <h2 id="cancel-heading">"Cancel"</h2>
            <ActionForm action=cancel>
                <input type="hidden" name="token" value=token />
                <FormProblem message=cancel_problem />
                <button type="submit" class="danger" disabled=move || cancel_pending.get()>
                    {move || if cancel_pending.get() { "Cancelling…" } else { "Cancel reservation" }}
                </button>
            </ActionForm>
        </section>
    }
}
