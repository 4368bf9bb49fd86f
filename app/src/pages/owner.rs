//! The owner's pages: create a restaurant, then lay out its tables.

use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::api::action_error;
use crate::api::owner::{
    AddTable, ClaimRestaurant, CreateRestaurant, OwnerTables, get_owner_tables,
};
use crate::components::form::{Field, FormProblem};
use crate::pages::not_found::NotFound;

/// Time zones offered as suggestions; any IANA name is accepted.
const COMMON_ZONES: &[&str] = &[
    "UTC",
    "Europe/London",
    "Europe/Dublin",
    "Europe/Lisbon",
    "Europe/Paris",
    "Europe/Berlin",
    "Europe/Madrid",
    "Europe/Rome",
    "Europe/Amsterdam",
    "Europe/Brussels",
    "Europe/Zurich",
    "Europe/Vienna",
    "Europe/Stockholm",
    "Europe/Warsaw",
    "Europe/Athens",
    "Europe/Istanbul",
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
    "America/Toronto",
    "America/Mexico_City",
    "America/Sao_Paulo",
    "America/Buenos_Aires",
    "Asia/Tokyo",
    "Asia/Seoul",
    "Asia/Shanghai",
    "Asia/Singapore",
    "Asia/Kolkata",
    "Asia/Dubai",
    "Australia/Sydney",
    "Pacific/Auckland",
    "Africa/Johannesburg",
];

const DAYS: [(&str, &str); 7] = [
    ("mon", "Monday"),
    ("tue", "Tuesday"),
    ("wed", "Wednesday"),
    ("thu", "Thursday"),
    ("fri", "Friday"),
    ("sat", "Saturday"),
    ("sun", "Sunday"),
];

/// `/restaurants/new`
#[component]
pub fn NewRestaurantPage() -> impl IntoView {
    let create = ServerAction::<CreateRestaurant>::new();
    let error = action_error(create);
    let field =
        move |name: &'static str| Signal::derive(move || error.get().and_then(|e| e.field(name)));
    let typed = move |name: &str, default: &str| {
        error.get_untracked().and_then(|e| e.value(name)).unwrap_or_else(|| default.to_string())
    };
    // After a refused submission the ticked days are the ones sent; at first, all.
    let days_sent = error.get_untracked().and_then(|e| e.value("days_sent")).is_some();
    let problem = Signal::derive(move || error.get().and_then(|e| e.general()));
    let pending = create.pending();
    view! {
        <Title text="New restaurant" />
        <div class="stack">
            <h1>"New restaurant"</h1>
            <p>"Set up your restaurant; next you will add its tables."</p>
            <ActionForm action=create>
                <Field label="Name" name="name" value=typed("name", "") error=field("name") required=true autocomplete="organization" />
                <Field label="Phone" name="phone" kind="tel" value=typed("phone", "") error=field("phone") required=true autocomplete="tel" />
                <Field label="Address" name="address" value=typed("address", "") error=field("address") hint="Optional" autocomplete="street-address" />
                <Field label="City" name="city" value=typed("city", "") error=field("city") hint="Optional" />
                <div class="field">
                    <label for="field-timezone">"Time zone"</label>
                    <span class="hint">"Where the restaurant is, e.g. Europe/Paris"</span>
                    <input
                        id="field-timezone"
                        name="timezone"
                        list="time-zones"
                        value=typed("timezone", "UTC")
                        required=true
                        aria-describedby="field-timezone-error"
                        aria-invalid=move || field("timezone").get().map(|_| "true")
                    />
                    <datalist id="time-zones">
                        {COMMON_ZONES.iter().map(|z| view! { <option value=*z></option> }).collect_view()}
                    </datalist>
                    <span id="field-timezone-error" class="field-error" aria-live="polite">
                        {move || field("timezone").get()}
                    </span>
                </div>
                <fieldset>
                    <legend>"Opening hours"</legend>
                    <Field label="Opens at" name="opens" kind="time" value=typed("opens", "12:00") required=true />
                    <Field label="Closes at" name="closes" kind="time" value=typed("closes", "22:00") required=true hint="A closing time before the opening time means after midnight" />
                    <span class="field-error" aria-live="polite">{move || field("hours").get()}</span>
                    <div role="group" aria-labelledby="open-on">
                        <span id="open-on" class="label">"Open on"</span>
                        {DAYS
                            .iter()
                            .map(|(key, name)| {
                                let checked = !days_sent || typed(key, "").is_empty().then_some(()).is_none();
                                view! {
                                    <label class="choice">
                                        <input type="checkbox" name=*key checked=checked />
                                        {*name}
                                    </label>
                                }
                            })
                            .collect_view()}
                    </div>
                    <span class="field-error" aria-live="polite">{move || field("days").get()}</span>
                </fieldset>
                <FormProblem message=problem />
                <button type="submit" disabled=move || pending.get()>
                    {move || if pending.get() { "Creating…" } else { "Create restaurant" }}
                </button>
            </ActionForm>
        </div>
    }
}

/// `/restaurants/:id/tables`
#[component]
pub fn TablesPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let add = ServerAction::<AddTable>::new();
    let claim = ServerAction::<ClaimRestaurant>::new();
    let data = Resource::new(
        move || (id(), add.version().get(), claim.version().get()),
        |(id, _, _)| get_owner_tables(id),
    );
    view! {
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(Some(data)) => view! { <TablesView data add claim /> }.into_any(),
                    Ok(None) => view! { <NotFound /> }.into_any(),
                    Err(_) => {
                        view! { <p class="form-problem">"This page could not be loaded. Please try again."</p> }
                            .into_any()
                    }
                }
            })}
        </Transition>
    }
}

#[component]
fn TablesView(
    data: OwnerTables,
    add: ServerAction<AddTable>,
    claim: ServerAction<ClaimRestaurant>,
) -> impl IntoView {
    let OwnerTables { restaurant, is_owner, new_owner_key } = data;
    let tables = restaurant.tables.clone().unwrap_or_default();
    let id = restaurant.id.clone();
    let public_page = format!("/restaurants/{id}");
    let key_notice = new_owner_key.map(|key| {
        view! {
            <div class="notice" role="status">
                <h2>"Your restaurant is ready"</h2>
                <p>
                    "This is its owner key. It is shown only this once: keep it somewhere safe. "
                    "This browser remembers it; use it to manage the restaurant from elsewhere "
                    "or through the API (Authorization: Bearer …)."
                </p>
                <p><span class="secret" data-testid="owner-key">{key}</span></p>
            </div>
        }
    });
    let body = if is_owner {
        let add_error = action_error(add);
        let field = move |name: &'static str| {
            Signal::derive(move || add_error.get().and_then(|e| e.field(name)))
        };
        let problem = Signal::derive(move || add_error.get().and_then(|e| e.general()));
        let typed = move |name: &str| {
            add_error.get_untracked().and_then(|e| e.value(name)).unwrap_or_default()
        };
        let pending = add.pending();
        let list = if tables.is_empty() {
            view! { <p class="empty">"No tables yet. Add the first one below."</p> }.into_any()
        } else {
            view! {
                <table class="plain" aria-label="Tables">
                    <thead>
                        <tr>
                            <th scope="col">"Table"</th>
                            <th scope="col">"Seats"</th>
                        </tr>
                    </thead>
                    <tbody>
                        {tables
                            .iter()
                            .map(|t| view! { <tr><td>{t.label.clone()}</td><td>{t.capacity}</td></tr> })
                            .collect_view()}
                    </tbody>
                </table>
            }
                .into_any()
        };
        view! {
            <h2>"Tables"</h2>
            {list}
            <h2>"Add a table"</h2>
            <ActionForm action=add>
                <input type="hidden" name="restaurant_id" value=id.clone() />
                <Field label="Seats" name="capacity" kind="number" value=typed("capacity") error=field("capacity") required=true min="1" max="20" />
                <Field label="Label" name="label" value=typed("label") error=field("label") hint="Optional: T1, T2… when left empty" />
                <FormProblem message=problem />
                <button type="submit" disabled=move || pending.get()>
                    {move || if pending.get() { "Adding…" } else { "Add table" }}
                </button>
            </ActionForm>
        }
            .into_any()
    } else {
        let claim_error = action_error(claim);
        let field = Signal::derive(move || claim_error.get().and_then(|e| e.field("owner_key")));
        let problem = Signal::derive(move || claim_error.get().and_then(|e| e.general()));
        view! {
            <p>"Only the restaurant's owner can manage its tables. Enter the owner key to manage it from this browser."</p>
            <ActionForm action=claim>
                <input type="hidden" name="restaurant_id" value=id.clone() />
                <Field label="Owner key" name="owner_key" kind="password" error=field required=true autocomplete="off" />
                <FormProblem message=problem />
                <button type="submit">"Manage this restaurant"</button>
            </ActionForm>
        }
            .into_any()
    };
    view! {
        <Title text=format!("Tables · {}", restaurant.name) />
        <div class="stack">
            <h1>{restaurant.name.clone()}</h1>
            {key_notice}
            {body}
            <p>
                <a href=public_page>"See the restaurant as diners do"</a>
            </p>
        </div>
    }
}
