//! The diner's reservations: the confirmation page of one, and the list of
//! those kept in this browser with a form to find another by its code.

use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::components::form::{Field, FormProblem};
use crate::components::page::load_failed;
use crate::components::reservation::{ReservationFacts, ReservationItem};
use crate::server_fns::action_error;
use crate::server_fns::reservations::{
    CancelMyReservation, FindReservation, MyReservation, get_my_reservation, my_reservations,
};

/// `/reservations/:id`: the reservation, its code, and a way to cancel it.
#[component]
pub fn ReservationPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let cancel = ServerAction::<CancelMyReservation>::new();
    let reservation =
        Resource::new(move || (id(), cancel.version().get()), |(id, _)| get_my_reservation(id));
    view! {
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match reservation.await {
                    Ok(Some(mine)) => view! { <ReservationView mine cancel /> }.into_any(),
                    Ok(None) => {
                        crate::components::page::answer_with(404);
                        view! {
                            <Title text="Reservation not found" />
                            <h1>"Reservation not found"</h1>
                            <p>
                                "This reservation is not kept in this browser. "
                                <a href="/reservations">"Find it with its confirmation code"</a>
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
fn ReservationView(
    mine: MyReservation,
    cancel: ServerAction<CancelMyReservation>,
) -> impl IntoView {
    let MyReservation { reservation: r, code } = mine;
    let error = action_error(cancel);
    let problem = Signal::derive(move || error.get().map(|e| e.to_string()));
    let pending = cancel.pending();
    let status = r.status;
    let cancellable = status.holds_tables() && status != crate::model::Status::Seated;
    let id = r.id.clone();
    let (restaurant_id, restaurant_name) = (r.restaurant_id.clone(), r.restaurant_name.clone());
    view! {
        <Title text=format!("Reservation at {restaurant_name}") />
        <div class="stack">
            <ReservationFacts reservation=r>
                <dt>"Confirmation code"</dt>
                <dd><span class="secret" data-testid="confirmation-code">{code}</span></dd>
            </ReservationFacts>
            <p class="hint">
                "This browser remembers the reservation. Keep the number and code to find it elsewhere."
            </p>
            {cancellable
                .then(|| {
                    view! {
                        <ActionForm action=cancel>
                            <input type="hidden" name="id" value=id.clone() />
                            <FormProblem message=problem />
                            <button type="submit" class="danger" disabled=move || pending.get()>
                                {move || if pending.get() { "Cancelling…" } else { "Cancel reservation" }}
                            </button>
                        </ActionForm>
                    }
                })}
            <p>
                <a href=format!("/restaurants/{restaurant_id}")>{format!("Back to {restaurant_name}")}</a>
                " · "
                <a href="/reservations">"My reservations"</a>
            </p>
        </div>
    }
}

/// `/reservations`: the reservations kept in this browser, and a form to
/// find one by its number and code.
#[component]
pub fn MyReservationsPage() -> impl IntoView {
    let find = ServerAction::<FindReservation>::new();
    let list = Resource::new(|| (), |_| my_reservations());
    let error = action_error(find);
    let field =
        move |name: &'static str| Signal::derive(move || error.get().and_then(|e| e.field(name)));
    let typed =
        move |name: &str| error.get_untracked().and_then(|e| e.value(name)).unwrap_or_default();
    let problem = Signal::derive(move || error.get().and_then(|e| e.general()));
    let pending = find.pending();
    view! {
        <Title text="My reservations" />
        <h1>"My reservations"</h1>
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match list.await {
                    Ok(list) if list.is_empty() => {
                        view! { <p class="empty">"No reservation is kept in this browser yet."</p> }.into_any()
                    }
                    Ok(list) => {
                        view! {
                            <ul class="reservations" aria-label="Reservations">
                                {list
                                    .into_iter()
                                    .map(|MyReservation { reservation: r, .. }| {
                                        let href = format!("/reservations/{}", r.id);
                                        view! { <ReservationItem reservation=r href /> }
                                    })
                                    .collect_view()}
                            </ul>
                        }
                            .into_any()
                    }
                    Err(error) => load_failed(&error).into_any(),
                }
            })}
        </Transition>
        <p>
            "Booked on another device, or lost the code? "
            <a href="/reservations/find">"Find my reservations"</a>
            " with your phone number or email."
        </p>
        <section class="stack">
            <h2>"Find a reservation"</h2>
            <ActionForm action=find>
                <Field label="Reservation number" name="reservation_id" value=typed("reservation_id") error=field("reservation_id") required=true />
                <Field label="Confirmation code" name="code" value=typed("code") error=field("code") required=true />
                <FormProblem message=problem />
                <button type="submit" disabled=move || pending.get()>
                    {move || if pending.get() { "Finding…" } else { "Find reservation" }}
                </button>
            </ActionForm>
        </section>
    }
}
