//! The home page: find a restaurant by name or city.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;
use stylers_macro::style;

use crate::components::page::load_failed;
use crate::server_fns::search_restaurants;

#[component]
pub fn HomePage() -> impl IntoView {
    let class = style! {
        .hero {
            margin: 1.5rem 0;
            padding: 1.5rem;
            background: var(--surface);
            border: 1px solid var(--line);
            border-radius: 12px;
        }
        h1 {
            margin-top: 0;
            font-size: 2rem;
        }
        .lead {
            color: var(--muted);
        }
        .search {
            display: flex;
            flex-wrap: wrap;
            gap: 0.5rem;
            align-items: center;
        }
        .search input {
            flex: 1 1 14rem;
        }
        .list {
            list-style: none;
            padding: 0;
            display: grid;
            gap: 0.75rem;
            grid-template-columns: repeat(auto-fill, minmax(16rem, 1fr));
        }
        .list li {
            background: var(--surface);
            border: 1px solid var(--line);
            border-radius: var(--radius);
            padding: 1rem;
        }
        .list a {
            font-weight: 700;
            font-size: 1.1rem;
        }
        .meta {
            color: var(--muted);
            margin: 0.25rem 0 0;
        }
    };
    let query = use_query_map();
    let q = move || query.read().get("q").unwrap_or_default();
    let restaurants = Resource::new(q, search_restaurants);
    view! { class=class,
        <Title text="" />
        <section class="hero">
            <h1>"Book a table"</h1>
            <p class="lead">"Find a restaurant, pick a date and a time, and the table is yours."</p>
            <Form method="GET" action="">
                <div class="search" role="search">
                    <label for="q">"Search restaurants"</label>
                    <input id="q" type="search" name="q" placeholder="Name or city" prop:value=q />
                    <button type="submit">"Search"</button>
                </div>
            </Form>
            <p class="meta">"Own a restaurant? " <a href="/restaurants/new">"New restaurant"</a></p>
        </section>
        <Transition fallback=|| view! { <p>"Loading restaurants…"</p> }>
            {move || Suspend::new(async move {
                match restaurants.await {
                    Ok(list) if list.is_empty() => {
                        view! { class=class, <p class="empty">"No restaurant matches your search."</p> }.into_any()
                    }
                    Ok(list) => {
                        view! { class=class,
                            <ul class="list" aria-label="Restaurants">
                                {list
                                    .into_iter()
                                    .map(|r| {
                                        let place = [r.address.clone(), r.city.clone()]
                                            .into_iter()
                                            .flatten()
                                            .collect::<Vec<_>>()
                                            .join(", ");
                                        view! { class=class,
                                            <li>
                                                <a href=format!("/restaurants/{}", r.id)>{r.name}</a>
                                                <p class="meta">{place}</p>
                                            </li>
                                        }
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
    }
}
