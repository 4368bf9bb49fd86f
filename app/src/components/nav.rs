//! The navigation bar at the top of every page.

use leptos::prelude::*;
use leptos_router::components::A;
use stylers_macro::style;

#[component]
pub fn NavBar() -> impl IntoView {
    let class = style! {
        nav {
            display: flex;
            flex-wrap: wrap;
            align-items: center;
            justify-content: space-between;
            gap: 1rem;
            padding: 0.75rem 1.25rem;
            background: var(--surface);
            border-bottom: 1px solid var(--line);
        }
        .brand {
            font-weight: 700;
            font-size: 1.25rem;
            color: var(--accent);
            text-decoration: none;
            letter-spacing: "0.02em";
        }
        ul {
            display: flex;
            flex-wrap: wrap;
            gap: 0.25rem 1rem;
            list-style: none;
            margin: 0;
            padding: 0;
        }
        li :deep(a) {
            color: var(--ink);
            text-decoration: none;
        }
        li :deep(a[aria-current]) {
            font-weight: 600;
            text-decoration: underline;
        }
    };
    view! { class=class,
        <nav aria-label="Main">
            <a class="brand" href="/">"Covers"</a>
            <ul>
                <li>
                    <A href="/" exact=true>"Restaurants"</A>
                </li>
                <li>
                    <A href="/reservations">"My reservations"</A>
                </li>
                <li>
                    <A href="/restaurants/new">"New restaurant"</A>
                </li>
            </ul>
        </nav>
    }
}
