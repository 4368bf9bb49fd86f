//! What every page of running a restaurant shares: its links, and the form
//! that lets a browser manage a restaurant given its owner key.

use chrono::{Duration, NaiveDate};
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
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

/// Chooses the day an owner's page shows: a date field with "Show", links
/// to the day before and after, and the day as a heading. `keep` is a
/// setting of the page that travels along (its name and value).
#[component]
pub fn DayChooser(
    /// The page's address, without a query.
    base: String,
    /// The day shown, `YYYY-MM-DD`.
    date: String,
    error: Option<String>,
    /// The date field's id.
    id: &'static str,
    #[prop(optional)] keep: Option<(&'static str, String)>,
) -> impl IntoView {
    let shown = date.parse::<NaiveDate>().ok();
    let suffix = keep.as_ref().map(|(name, value)| format!("&{name}={value}")).unwrap_or_default();
    let day_link =
        |offset: i64| shown.map(|d| format!("{base}?date={}{suffix}", d + Duration::days(offset)));
    let heading = shown.map_or(date.clone(), |d| d.format("%A %-d %B %Y").to_string());
    view! {
        <form method="get" action=base.clone() class="row" aria-label="Choose a day">
            <div class="field">
                <label for=id>"Day"</label>
                <input id=id type="date" name="date" value=date />
                <span class="field-error" aria-live="polite">{error}</span>
            </div>
            {keep.map(|(name, value)| view! { <input type="hidden" name=name value=value /> })}
            <div class="field">
                <button type="submit">"Show"</button>
            </div>
        </form>
        <p>
            {day_link(-1).map(|href| view! { <a href=href>"← Previous day"</a> })}
            " · "
            {day_link(1).map(|href| view! { <a href=href>"Next day →"</a> })}
        </p>
        <h2>{heading}</h2>
    }
}

/// An owner's page: its title, the restaurant's name and navigation, then
/// the page itself for the owner or, in a browser without the owner key,
/// the form that asks for it.
#[component]
pub fn OwnerFrame(
    /// What the page is ("Reservations"), shown before the restaurant's
    /// name in the title.
    title: &'static str,
    restaurant_id: String,
    restaurant_name: String,
    is_owner: bool,
    claim: ServerAction<ClaimRestaurant>,
    children: Children,
) -> impl IntoView {
    let body = if is_owner {
        children().into_any()
    } else {
        view! { <ClaimForm restaurant_id=restaurant_id.clone() claim /> }.into_any()
    };
    view! {
        <Title text=format!("{title} · {restaurant_name}") />
        <div class="stack wide">
            <h1>{restaurant_name.clone()}</h1>
            <OwnerNav restaurant_id />
            {body}
        </div>
    }
}
