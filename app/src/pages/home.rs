//! The home page: what Covers is, and where a diner starts.

use leptos::prelude::*;
use leptos_meta::Title;
use stylers_macro::style;

use crate::components::party_size::PartySizePicker;

#[component]
pub fn HomePage() -> impl IntoView {
    let class = style! {
        .hero {
            max-width: 40rem;
            margin: 2rem auto;
            padding: 2rem 1.5rem;
            background: var(--surface);
            border: 1px solid var(--line);
            border-radius: 12px;
            text-align: center;
        }
        h1 {
            margin-top: 0;
            font-size: 2rem;
        }
        .lead {
            color: var(--muted);
        }
    };
    let party_size = RwSignal::new(2u8);
    view! { class=class,
        <Title text="" />
        <section class="hero">
            <h1>"Book a table"</h1>
            <p class="lead">"Pick how many of you are coming, then choose a restaurant and a time."</p>
            <PartySizePicker party_size />
        </section>
    }
}
