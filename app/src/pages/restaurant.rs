//! A restaurant's page: choose a date and a party size, see the free times
//! and every slot by table.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Form;
use leptos_router::hooks::{use_params_map, use_query_map};
use stylers_macro::style;

use crate::components::page::loaded_page;
use crate::components::slots::{AllSlotsList, AvailableSlotsList};
use crate::model::people;
use crate::server_fns::{DayView, restaurant_day};

#[component]
pub fn RestaurantPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let args = move || {
        let q = query.read();
        (
            params.read().get("id").unwrap_or_default(),
            q.get("date").unwrap_or_default(),
            q.get("party_size").unwrap_or_default(),
        )
    };
    let day = Resource::new(args, |(id, date, party)| restaurant_day(id, date, party));
    loaded_page(day, move |day| view! { <RestaurantDayView day /> })
}

#[component]
fn RestaurantDayView(day: DayView) -> impl IntoView {
    let class = style! {
        header p {
            margin: 0.25rem 0;
            color: var(--muted);
        }
        .choose {
            display: flex;
            flex-wrap: wrap;
            gap: 1rem;
            align-items: flex-end;
            margin: 1rem 0;
        }
        .field {
            display: flex;
            flex-direction: column;
            gap: 0.25rem;
        }
        section {
            margin: 1.5rem 0;
        }
    };
    let DayView { restaurant, date, party_size, all, available, date_error, party_size_error } =
        day;
    let place = [restaurant.address.clone(), restaurant.city.clone()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(", ");
    let id = restaurant.id.clone();
    view! { class=class,
        <Title text=restaurant.name.clone() />
        <header>
            <h1>{restaurant.name.clone()}</h1>
            <p>{place}</p>
            <p>{format!("Phone {}", restaurant.phone)}</p>
        </header>
        <Form method="GET" action="">
            <div class="choose card">
                <div class="field">
                    <label for="date">"Date"</label>
                    <input
                        id="date"
                        type="date"
                        name="date"
                        value=date.clone()
                        aria-describedby="date-error"
                        aria-invalid=date_error.is_some().then_some("true")
                    />
                    <span id="date-error" class="field-error">{date_error}</span>
                </div>
                <div class="field">
                    <label for="party_size">"Party size"</label>
                    <select
                        id="party_size"
                        name="party_size"
                        aria-describedby="party-size-error"
                        aria-invalid=party_size_error.is_some().then_some("true")
                    >
                        {(1..=20u8)
                            .map(|n| {
                                view! { <option value=n.to_string() selected=n == party_size>{people(n)}</option> }
                            })
                            .collect_view()}
                    </select>
                    <span id="party-size-error" class="field-error">{party_size_error}</span>
                </div>
                <button type="submit">"Show times"</button>
            </div>
        </Form>
        <section aria-labelledby="available-heading">
            <h2 id="available-heading">"Available times"</h2>
            <AvailableSlotsList restaurant_id=id day=available party_size />
        </section>
        <section aria-labelledby="all-heading">
            <h2 id="all-heading">"All slots"</h2>
            <AllSlotsList day=all />
        </section>
    }
}
