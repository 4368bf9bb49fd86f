//! The booking rules page: opening hours and everything that decides which
//! slots are offered online.

use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::components::form::{Field, FormProblem, TextArea};
use crate::components::owner::OwnerFrame;
use crate::components::page::loaded_page;
use crate::domain::limits;
use crate::model::Restaurant;
use crate::server_fns::action_error;
use crate::server_fns::manage::{DURATION_ROWS, SaveRules, WEEKDAYS, day_hours};
use crate::server_fns::owner::{ClaimRestaurant, OwnerTables, get_owner_tables};

/// `/restaurants/:id/rules`
#[component]
pub fn RulesPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let save = ServerAction::<SaveRules>::new();
    let claim = ServerAction::<ClaimRestaurant>::new();
    let data = Resource::new(
        move || (id(), save.version().get(), claim.version().get()),
        |(id, ..)| get_owner_tables(id),
    );
    loaded_page(data, move |data| view! { <RulesView data save claim /> })
}

#[component]
fn RulesView(
    data: OwnerTables,
    save: ServerAction<SaveRules>,
    claim: ServerAction<ClaimRestaurant>,
) -> impl IntoView {
    let OwnerTables { restaurant, is_owner, .. } = data;
    let (id, name) = (restaurant.id.clone(), restaurant.name.clone());
    view! {
        <OwnerFrame title="Booking rules" restaurant_id=id restaurant_name=name is_owner claim>
            <RulesForm restaurant save />
        </OwnerFrame>
    }
}

#[component]
fn RulesForm(restaurant: Restaurant, save: ServerAction<SaveRules>) -> impl IntoView {
    let error = action_error(save);
    let field =
        move |name: &'static str| Signal::derive(move || error.get().and_then(|e| e.field(name)));
    let problem = Signal::derive(move || error.get().and_then(|e| e.general()));
    // After a refusal, what was typed; otherwise what is saved.
    let typed = move |name: &str, saved: String| {
        error.get_untracked().and_then(|e| e.value(name)).unwrap_or(saved)
    };
    let saved = Signal::derive(move || {
        save.value().get().is_some_and(|v| matches!(v, Ok(None))) && !save.pending().get()
    });
    let pending = save.pending();
    let r = &restaurant;
    let durations = (1..=DURATION_ROWS)
        .map(|row| {
            let rule = r.durations.get(row - 1);
            let upto = typed(&format!("upto_{row}"), rule.map(|d| d.max_party_size.to_string()).unwrap_or_default());
            let minutes = typed(&format!("minutes_{row}"), rule.map(|d| d.minutes.to_string()).unwrap_or_default());
            view! {
                <div class="row">
                    <Field label="Parties up to" name=format!("rules[upto_{row}]") id=format!("upto-{row}") kind="number" value=upto bounds=limits::PARTY />
                    <Field label="stay (minutes)" name=format!("rules[minutes_{row}]") id=format!("minutes-{row}") kind="number" value=minutes bounds=limits::STAY_MINUTES />
                </div>
            }
        })
        .collect_view();
    let hours = WEEKDAYS
        .iter()
        .map(|(day, name)| {
            let key = format!("hours_{day}");
            let value = typed(&key, day_hours(r, day));
            let error_key = key.clone();
            let error = Signal::derive(move || error.get().and_then(|e| e.field(&error_key)));
            view! {
                <Field label=*name name=format!("rules[{key}]") id=format!("hours-{day}") value=value error />
            }
        })
        .collect_view();
    let closed_dates = typed(
        "closed_dates",
        r.closed_dates.iter().map(|d| d.to_string()).collect::<Vec<_>>().join("\n"),
    );
    let restaurant_id = r.id.clone();
    let slot_minutes = typed("slot_minutes", r.slot_minutes.to_string());
    let duration_minutes = typed("duration_minutes", r.duration_minutes.to_string());
    let buffer_minutes = typed("buffer_minutes", r.buffer_minutes.to_string());
    let walk_in = typed("walk_in_seats_percent", r.walk_in_seats_percent.to_string());
    let notice = typed("min_notice_minutes", r.min_notice_minutes.to_string());
    let days_ahead = typed("max_days_ahead", r.max_days_ahead.to_string());
    let max_party =
        typed("max_party_size", r.max_party_size.map(|n| n.to_string()).unwrap_or_default());
    let requests = typed(
        "requests_per_minute",
        r.requests_per_minute.map(|n| n.to_string()).unwrap_or_default(),
    );
    let reminder = typed(
        "reminder_hours_before",
        r.reminder_hours_before.map(|n| n.to_string()).unwrap_or_default(),
    );
    view! {
        <ActionForm action=save>
            <input type="hidden" name="restaurant_id" value=restaurant_id />
            <fieldset>
                <legend>"Opening hours"</legend>
                <p class="hint">
                    "One or more periods a day, like 12:00–14:30, 18:30–23:00. A period may run past midnight (18:00–01:00). Leave a day empty when closed."
                </p>
                {hours}
                <span class="field-error" aria-live="polite">{move || field("hours").get()}</span>
            </fieldset>
            <fieldset>
                <legend>"Slots and durations"</legend>
                <Field label="A slot every (minutes)" name="rules[slot_minutes]" id="slot-minutes" kind="number" value=slot_minutes error=field("slot_minutes") required=true bounds=limits::SLOT_MINUTES hint="Slots start this often from each opening time: 15, 30, 60…" />
                <Field label="A table is held for (minutes)" name="rules[duration_minutes]" id="duration-minutes" kind="number" value=duration_minutes error=field("duration_minutes") required=true bounds=limits::STAY_MINUTES hint="For parties the rows below do not cover" />
                <p class="label">"Durations by party size"</p>
                {durations}
                <span class="field-error" aria-live="polite">{move || field("durations").get()}</span>
                <Field label="Time to clear a table (minutes)" name="rules[buffer_minutes]" id="buffer-minutes" kind="number" value=buffer_minutes error=field("buffer_minutes") bounds=limits::BUFFER_MINUTES />
            </fieldset>
            <fieldset>
                <legend>"Online booking"</legend>
                <Field label="Seats kept for walk-ins (%)" name="rules[walk_in_seats_percent]" id="walk-in-percent" kind="number" value=walk_in error=field("walk_in_seats_percent") bounds=limits::WALK_IN_PERCENT hint="At any moment, online bookings hold at most the rest of the seats" />
                <Field label="Minimum notice (minutes)" name="rules[min_notice_minutes]" id="min-notice" kind="number" value=notice error=field("min_notice_minutes") bounds=limits::NOTICE_MINUTES />
                <Field label="Bookings open (days ahead)" name="rules[max_days_ahead]" id="max-days-ahead" kind="number" value=days_ahead error=field("max_days_ahead") required=true bounds=limits::DAYS_AHEAD />
                <Field label="Largest party online" name="rules[max_party_size]" id="max-party-size" kind="number" value=max_party error=field("max_party_size") bounds=limits::PARTY hint="Optional: when empty, the largest party the tables seat" />
                <TextArea label="Closed dates" name="rules[closed_dates]" value=closed_dates error=field("closed_dates") hint="One date a line, like 2026-12-25" />
            </fieldset>
            <fieldset>
                <legend>"Messages to guests"</legend>
                <Field label="Reminder (hours before)" name="rules[reminder_hours_before]" id="reminder-hours" kind="number" value=reminder error=field("reminder_hours_before") bounds=limits::REMINDER_HOURS hint="Guests get a reminder by text (and e-mail, when they gave one) this long before their table, 1 to 168. Empty: no reminders" />
            </fieldset>
            <fieldset>
                <legend>"Protection"</legend>
                <Field label="Requests a minute" name="rules[requests_per_minute]" id="requests-per-minute" kind="number" value=requests error=field("requests_per_minute") bounds=limits::REQUESTS_PER_MINUTE hint="How many page views and API calls a minute this restaurant takes from everyone together, 100 to 2000; past it, people are asked to wait a moment. Empty: the server's default" />
            </fieldset>
            <FormProblem message=problem />
            <Show when=move || saved.get()>
                <p class="notice" role="status">"Saved. New bookings follow these rules; existing ones stay as they are."</p>
            </Show>
            <button type="submit" disabled=move || pending.get()>
                {move || if pending.get() { "Saving…" } else { "Save rules" }}
            </button>
        </ActionForm>
    }
}
