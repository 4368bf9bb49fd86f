//! `/reservations/find`: "Find my reservations". A person types the phone
//! number or email they booked with, gets a 6-digit code there, and with it
//! sees that contact's reservations at every restaurant, each opening its
//! manage page. The page never says whether a contact has booked.

use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;

use crate::components::form::{Field, FormProblem};
use crate::components::page::load_failed;
use crate::components::reservation::ReservationItem;
use crate::domain::limits;
use crate::server_fns::action_error;
use crate::server_fns::lookup::{
    ForgetLookup, FoundReservation, Lookup, SendLookupCode, VerifyLookupCode, lookup_state,
};

#[component]
pub fn FindReservationsPage() -> impl IntoView {
    let send = ServerAction::<SendLookupCode>::new();
    let verify = ServerAction::<VerifyLookupCode>::new();
    let forget = ServerAction::<ForgetLookup>::new();
    let state = Resource::new(
        move || (send.version().get(), verify.version().get(), forget.version().get()),
        |_| lookup_state(),
    );
    view! {
        <Title text="Find my reservations" />
        <h1>"Find my reservations"</h1>
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match state.await {
                    Ok(Lookup::Ask) => view! { <AskForm send /> }.into_any(),
                    Ok(Lookup::Code) => view! { <CodeForm verify forget /> }.into_any(),
                    Ok(Lookup::Found(list)) => view! { <FoundList list forget /> }.into_any(),
                    Err(error) => load_failed(&error).into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn AskForm(send: ServerAction<SendLookupCode>) -> impl IntoView {
    let error = action_error(send);
    let field = Signal::derive(move || error.get().and_then(|e| e.field("contact")));
    let typed = error.get_untracked().and_then(|e| e.value("contact")).unwrap_or_default();
    let problem = Signal::derive(move || error.get().and_then(|e| e.general()));
    let pending = send.pending();
    view! {
        <p>"We send a 6-digit code to the phone number or email you booked with. With it you see your reservations at every restaurant, and can change or cancel them."</p>
        <ActionForm action=send>
            <Field label="Phone or email" name="contact" value=typed error=field required=true max_length=limits::EMAIL_BYTES autocomplete="email" />
            <FormProblem message=problem />
            <button type="submit" disabled=move || pending.get()>
                {move || if pending.get() { "Sending…" } else { "Send code" }}
            </button>
        </ActionForm>
    }
}

#[component]
fn CodeForm(
    verify: ServerAction<VerifyLookupCode>,
    forget: ServerAction<ForgetLookup>,
) -> impl IntoView {
    let error = action_error(verify);
    let field = Signal::derive(move || error.get().and_then(|e| e.field("code")));
    let problem = Signal::derive(move || error.get().and_then(|e| e.general()));
    let pending = verify.pending();
    view! {
        <p role="status">"If reservations were booked with that phone number or email, a 6-digit code is on its way there. It works for 10 minutes."</p>
        <ActionForm action=verify>
            <Field label="Code" name="code" error=field required=true max_length=limits::ONE_TIME_CODE_CHARS autocomplete="one-time-code" />
            <FormProblem message=problem />
            <button type="submit" disabled=move || pending.get()>
                {move || if pending.get() { "Checking…" } else { "Show my reservations" }}
            </button>
        </ActionForm>
        <StartAgain forget />
    }
}

#[component]
fn FoundList(list: Vec<FoundReservation>, forget: ServerAction<ForgetLookup>) -> impl IntoView {
    let shown = if list.is_empty() {
        view! { <p class="empty">"No upcoming or recent reservations were booked with this phone number or email."</p> }
            .into_any()
    } else {
        view! {
            <ul class="reservations" aria-label="Reservations">
                {list
                    .into_iter()
                    .map(|FoundReservation { reservation, manage_path }| view! {
                        <ReservationItem reservation href=manage_path />
                    })
                    .collect_view()}
            </ul>
        }
        .into_any()
    };
    view! {
        {shown}
        <StartAgain forget />
    }
}

#[component]
fn StartAgain(forget: ServerAction<ForgetLookup>) -> impl IntoView {
    view! {
        <ActionForm action=forget>
            <button type="submit" class="secondary">"Use another phone or email"</button>
        </ActionForm>
    }
}
