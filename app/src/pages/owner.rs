//! The owner's pages: create a restaurant, then lay out its tables.

use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::components::form::{Field, FormProblem};
use crate::components::owner::{ClaimForm, OwnerNav};
use crate::components::page::loaded_page;
use crate::domain::{RestaurantName, TableLabel, limits};
use crate::model::Table;
use crate::server_fns::manage::{EditTable, RetireTable, WEEKDAYS};
use crate::server_fns::owner::{
    AddTable, ClaimRestaurant, CreateRestaurant, OwnerTables, ReplaceOwnerKey, get_owner_tables,
};
use crate::server_fns::{FormError, action_error};

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
                <Field label="Name" name="name" value=typed("name", "") error=field("name") required=true max_length=RestaurantName::MAX_CHARS autocomplete="organization" />
                <Field label="Phone" name="phone" kind="tel" value=typed("phone", "") error=field("phone") required=true autocomplete="tel" />
                <Field label="Address" name="address" value=typed("address", "") error=field("address") max_length=limits::PLACE_CHARS hint="Optional" autocomplete="street-address" />
                <Field label="City" name="city" value=typed("city", "") error=field("city") max_length=limits::PLACE_CHARS hint="Optional" />
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
                        {WEEKDAYS
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
    let edit = ServerAction::<EditTable>::new();
    let retire = ServerAction::<RetireTable>::new();
    let replace_key = ServerAction::<ReplaceOwnerKey>::new();
    let data = Resource::new(
        move || {
            (
                id(),
                add.version().get(),
                claim.version().get(),
                edit.version().get(),
                retire.version().get(),
                replace_key.version().get(),
            )
        },
        |(id, ..)| get_owner_tables(id),
    );
    loaded_page(data, move |data| view! { <TablesView data add claim edit retire replace_key /> })
}

#[component]
fn TablesView(
    data: OwnerTables,
    add: ServerAction<AddTable>,
    claim: ServerAction<ClaimRestaurant>,
    edit: ServerAction<EditTable>,
    retire: ServerAction<RetireTable>,
    replace_key: ServerAction<ReplaceOwnerKey>,
) -> impl IntoView {
    let OwnerTables { restaurant, is_owner, new_owner_key, key_replaced } = data;
    let tables = restaurant.tables.clone().unwrap_or_default();
    let id = restaurant.id.clone();
    let key_notice = new_owner_key.map(|key| {
        let heading =
            if key_replaced { "The owner key was replaced" } else { "Your restaurant is ready" };
        view! {
            <div class="notice" role="status">
                <h2>{heading}</h2>
                <p>
                    "This is its owner key. It is shown only this once: keep it somewhere safe. "
                    "This browser remembers it; use it to manage the restaurant from elsewhere "
                    "or through the API (Authorization: Bearer …)."
                </p>
                <p><span class="secret" data-testid="owner-key">{key}</span></p>
            </div>
        }
    });
    let nav = view! { <OwnerNav restaurant_id=id.clone() /> };
    let body = if is_owner {
        let add_error = action_error(add);
        let field = move |name: &'static str| {
            Signal::derive(move || add_error.get().and_then(|e| e.field(name)))
        };
        let problem = Signal::derive(move || add_error.get().and_then(|e| e.general()));
        let typed = move |name: &str| {
            add_error.get_untracked().and_then(|e| e.value(name)).unwrap_or_default()
        };
        let edit_problem = Signal::derive(move || {
            action_error(edit).get().map(|e| match e.general() {
                Some(message) => message,
                None => format!(
                    "The table was not changed: {}.",
                    match &e {
                        FormError::Invalid { fields, .. } => {
                            fields.values().cloned().collect::<Vec<_>>().join("; ")
                        }
                        _ => String::new(),
                    }
                ),
            })
        });
        let retire_problem =
            Signal::derive(move || action_error(retire).get().and_then(|e| e.general()));
        let replace_problem =
            Signal::derive(move || action_error(replace_key).get().and_then(|e| e.general()));
        let pending = add.pending();
        let list = if tables.is_empty() {
            view! { <p class="empty">"No tables yet. Add the first one below."</p> }.into_any()
        } else {
            let rows = tables
                .iter()
                .map(
                    |t| view! { <TableRow table=t.clone() restaurant_id=id.clone() edit retire /> },
                )
                .collect_view();
            view! {
                <table class="plain" aria-label="Tables">
                    <thead>
                        <tr>
                            <th scope="col">"Table"</th>
                            <th scope="col">"Seats"</th>
                            <th scope="col">"Area"</th>
                            <th scope="col">"Joins with"</th>
                            <th scope="col">"Online"</th>
                            <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
                <FormProblem message=edit_problem />
                <FormProblem message=retire_problem />
            }
            .into_any()
        };
        let walk_in_typed = !typed("walk_in_only").is_empty();
        let replace_id = id.clone();
        view! {
            <h2>"Tables"</h2>
            {list}
            <h2>"Add a table"</h2>
            <ActionForm action=add>
                <input type="hidden" name="restaurant_id" value=id.clone() />
                <Field label="Seats" name="capacity" kind="number" value=typed("capacity") error=field("capacity") required=true bounds=limits::PARTY />
                <Field label="Label" name="label" value=typed("label") error=field("label") max_length=TableLabel::MAX_CHARS hint="Optional: T1, T2… when left empty" />
                <Field label="Smallest party" name="min_party_size" kind="number" value=typed("min_party_size") error=field("min_party_size") bounds=limits::PARTY hint="Optional: keep this table for parties of at least this size" />
                <Field label="Area" name="area" value=typed("area") error=field("area") max_length=limits::GROUP_CHARS hint="Optional: Terrace, Upstairs…" />
                <Field label="Join group" name="join_group" value=typed("join_group") error=field("join_group") max_length=limits::GROUP_CHARS hint="Optional: tables with the same join group can be pushed together for a larger party" />
                <label class="choice">
                    <input type="checkbox" name="walk_in_only" checked=walk_in_typed />
                    "Keep for walk-ins (never offered online)"
                </label>
                <FormProblem message=problem />
                <button type="submit" disabled=move || pending.get()>
                    {move || if pending.get() { "Adding…" } else { "Add table" }}
                </button>
            </ActionForm>
            <h2>"Owner key"</h2>
            <p>
                "If someone else may have seen the owner key, replace it: the old key stops "
                "working at once, everywhere, and this browser keeps managing the restaurant."
            </p>
            <ActionForm action=replace_key>
                <input type="hidden" name="restaurant_id" value=replace_id />
                <FormProblem message=replace_problem />
                <button type="submit" class="secondary">"Replace the owner key"</button>
            </ActionForm>
        }
            .into_any()
    } else {
        view! { <ClaimForm restaurant_id=id.clone() claim /> }.into_any()
    };
    view! {
        <Title text=format!("Tables · {}", restaurant.name) />
        <div class="stack wide">
            <h1>{restaurant.name.clone()}</h1>
            {nav}
            {key_notice}
            {body}
        </div>
    }
}

/// One table of the list, with a form to change it and a button to remove it.
#[component]
fn TableRow(
    table: Table,
    restaurant_id: String,
    edit: ServerAction<EditTable>,
    retire: ServerAction<RetireTable>,
) -> impl IntoView {
    let seats = if table.min_party_size > 1 {
        format!("{} (parties of {}+)", table.capacity, table.min_party_size)
    } else {
        table.capacity.to_string()
    };
    let online = if table.walk_in_only { "Walk-ins only" } else { "Yes" };
    let table_id = table.id.clone();
    let field_id = move |name: &str| format!("table-{table_id}-{name}");
    let (edit_restaurant, edit_table) = (restaurant_id.clone(), table.id.clone());
    let (retire_restaurant, retire_table) = (restaurant_id, table.id.clone());
    let walk_in = table.walk_in_only;
    let (label, area, join_group) = (
        table.label.clone(),
        table.area.clone().unwrap_or_default(),
        table.join_group.clone().unwrap_or_default(),
    );
    let (capacity, min_party) = (table.capacity.to_string(), table.min_party_size.to_string());
    let fields = view! {
        <Field label=format!("Label of {label}") name="table[label]" id=field_id("label") value=label.clone() required=true max_length=TableLabel::MAX_CHARS />
        <Field label=format!("Seats at {label}") name="table[capacity]" id=field_id("capacity") kind="number" value=capacity required=true bounds=limits::PARTY />
        <Field label=format!("Smallest party at {label}") name="table[min_party_size]" id=field_id("min") kind="number" value=min_party bounds=limits::PARTY />
        <Field label=format!("Area of {label}") name="table[area]" id=field_id("area") value=area.clone() max_length=limits::GROUP_CHARS />
        <Field label=format!("Join group of {label}") name="table[join_group]" id=field_id("join") value=join_group.clone() max_length=limits::GROUP_CHARS />
        <label class="choice">
            <input type="checkbox" name="table[walk_in_only]" checked=walk_in />
            {format!("Keep {label} for walk-ins")}
        </label>
    };
    view! {
        <tr>
            <td>{label.clone()}</td>
            <td>{seats}</td>
            <td>{area}</td>
            <td>{join_group}</td>
            <td>{online}</td>
            <td>
                <details>
                    <summary>{format!("Change {label}")}</summary>
                    <ActionForm action=edit>
                        <input type="hidden" name="restaurant_id" value=edit_restaurant />
                        <input type="hidden" name="table_id" value=edit_table />
                        {fields}
                        <button type="submit">"Save table"</button>
                    </ActionForm>
                </details>
                <ActionForm action=retire>
                    <input type="hidden" name="restaurant_id" value=retire_restaurant />
                    <input type="hidden" name="table_id" value=retire_table />
                    <button type="submit" class="secondary">{format!("Remove {label}")}</button>
                </ActionForm>
            </td>
        </tr>
    }
}
