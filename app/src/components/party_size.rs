//! A stepper for the number of people in a party.

use leptos::prelude::*;
use stylers_macro::style;

/// Smallest and largest party a diner can pick.
pub const MIN_PARTY: u8 = 1;
pub const MAX_PARTY: u8 = 20;

/// "− 2 guests +": buttons that keep the party size within 1–20. The value is
/// also in a hidden input named `party_size`, so a surrounding form submits it.
#[component]
pub fn PartySizePicker(#[prop(into)] party_size: RwSignal<u8>) -> impl IntoView {
    let class = style! {
        .picker {
            display: inline-flex;
            align-items: center;
            gap: 0.75rem;
        }
        button {
            width: 2.5rem;
            height: 2.5rem;
            border-radius: 50%;
            border: 1px solid var(--line);
            background: var(--surface);
            color: var(--ink);
            font-size: 1.25rem;
            cursor: pointer;
        }
        button:disabled {
            opacity: 0.4;
            cursor: not-allowed;
        }
        output {
            min-width: 6rem;
            text-align: center;
            font-size: 1.1rem;
        }
    };
    let label = move || match party_size.get() {
        1 => "1 guest".to_string(),
        n => format!("{n} guests"),
    };
    view! { class=class,
        <div class="picker" role="group" aria-label="Party size">
            <button
                type="button"
                aria-label="Fewer guests"
                disabled=move || { party_size.get() <= MIN_PARTY }
                on:click=move |_| party_size.update(|n| *n = n.saturating_sub(1).max(MIN_PARTY))
            >
                "−"
            </button>
            <output aria-live="polite">{label}</output>
            <button
                type="button"
                aria-label="More guests"
                disabled=move || { party_size.get() >= MAX_PARTY }
                on:click=move |_| party_size.update(|n| *n = (*n + 1).min(MAX_PARTY))
            >
                "+"
            </button>
            <input type="hidden" name="party_size" prop:value=move || party_size.get().to_string() />
        </div>
    }
}
