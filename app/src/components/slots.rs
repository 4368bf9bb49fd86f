//! The two views of a date's slots: the times a party can book, and the grid
//! of every slot by every table.

use leptos::prelude::*;
use stylers_macro::style;

use crate::model::{DaySlots, people};

/// The slots where the party can be seated, each a link named by its time.
#[component]
pub fn AvailableSlotsList(restaurant_id: String, day: DaySlots, party_size: u8) -> impl IntoView {
    let class = style! {
        ul {
            display: flex;
            flex-wrap: wrap;
            gap: 0.5rem;
            list-style: none;
            padding: 0;
            margin: 0;
        }
        a {
            display: inline-block;
            min-width: 4.5rem;
            padding: 0.5rem 0.75rem;
            border-radius: 999px;
            border: 1px solid var(--accent);
            color: var(--accent);
            text-align: center;
            text-decoration: none;
            font-weight: 600;
        }
        a:hover {
            background: var(--accent);
            color: var(--accent-ink);
        }
        .empty {
            color: var(--muted);
        }
    };
    if day.slots.is_empty() {
        let guests = people(party_size);
        return view! { class=class,
            <p class="empty">{format!("No table for {guests} is free on this date. Try another date.")}</p>
        }
        .into_any();
    }
    view! { class=class,
        <ul aria-label="Available times">
            {day
                .slots
                .into_iter()
                .map(|slot| {
                    let href = format!(
                        "/restaurants/{}/slot?start={}&party_size={}",
                        restaurant_id,
                        slot.start.format("%Y-%m-%dT%H:%M"),
                        party_size,
                    );
                    view! { class=class,
                        <li>
                            <a href=href>{slot.local_time}</a>
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
    .into_any()
}

/// Every slot of the date by every table, free or taken, as a table.
#[component]
pub fn AllSlotsList(day: DaySlots) -> impl IntoView {
    let class = style! {
        .scroll {
            overflow-x: auto;
        }
        table {
            border-collapse: collapse;
            width: 100%;
            background: var(--surface);
        }
        th,
        td {
            padding: 0.4rem 0.6rem;
            border: 1px solid var(--line);
            text-align: center;
            white-space: nowrap;
        }
        .free {
            color: var(--ok);
        }
        .taken {
            color: var(--muted);
            background: #f1eeea;
        }
    };
    let Some(first) = day.slots.first() else {
        return view! { <p class="empty">"The restaurant is closed on this date."</p> }.into_any();
    };
    let headers = first
        .tables
        .iter()
        .map(|t| view! { class=class, <th scope="col">{format!("{} ({} seats)", t.label, t.capacity)}</th> })
        .collect_view();
    view! { class=class,
        <div class="scroll">
            <table>
                <caption class="visually-hidden">"Every slot by table"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Time"</th>
                        {headers}
                    </tr>
                </thead>
                <tbody>
                    {day
                        .slots
                        .into_iter()
                        .map(|slot| {
                            view! { class=class,
                                <tr>
                                    <th scope="row">{slot.local_time}</th>
                                    {slot
                                        .tables
                                        .into_iter()
                                        .map(|t| {
                                            if t.available {
                                                view! { class=class, <td class="free">"Available"</td> }
                                            } else {
                                                view! { class=class, <td class="taken">"Taken"</td> }
                                            }
                                        })
                                        .collect_view()}
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}
