//! What every page of running a restaurant shares: its links, and the form
//! that lets a browser manage a restaurant given its owner key.

use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_router::components::A;
use stylers_macro::style;

use crate::components::form::{Field, FormProblem};
use crate::server_fns::action_error;
use crate::server_fns::owner::ClaimRestaurant;

/// The links between the owner's pages of one restaurant.
#[component]
pub fn OwnerNav(restaurant_id: String) -> impl IntoView {
    let class = style! {
        nav {
            margin: 0 0 1rem;
        }
        ul {
            display: flex;
            flex-wrap: wrap;
            gap: 0.25rem 1.25rem;
            list-style: none;
            margin: 0;
            padding: 0;
        }
        li :deep(a[aria-current]) {
            font-weight: 700;
            text-decoration: none;
            color: var(--ink);
        }
    };
    let link = |path: &str| format!("/restaurants/{restaurant_id}{path}");
    view! { class=class,
        <nav aria-label="Restaurant">
            <ul>
                <li><A href=link("/day")>"Reservations"</A></li>
                <li><A href=link("/tables")>"Tables"</A></li>
                <li><A href=link("/rules")>"Booking rules"</A></li>
                <li><A href=link("/messages")>"Messages"</A></li>
                <li><A href=link("")>"Public page"</A></li>
            </ul>
        </nav>
    }
}

/// Asks for the owner key, for a browser that does not hold it yet.
#[component]
pub fn ClaimForm(restaurant_id: String, claim: ServerAction<ClaimRestaurant>) -> impl IntoView {
    let claim_error = action_error(claim);
    let field = Signal::derive(move || claim_error.get().and_then(|e| e.field("owner_key")));
    let problem = Signal::derive(move || claim_error.get().and_then(|e| e.general()));
    view! {
        <p>"Only the restaurant's owner can manage it. Enter the owner key to manage it from this browser."</p>
        <ActionForm action=claim>
            <input type="hidden" name="restaurant_id" value=restaurant_id />
            <Field label="Owner key" name="owner_key" kind="password" error=field required=true autocomplete="off" />
            <FormProblem message=problem />
            <button type="submit">"Manage this restaurant"</button>
        </ActionForm>
    }
}
