//! A plain table of rows with column headings, named for assistive
//! technology by its label.

use leptos::prelude::*;

#[component]
pub fn PlainTable(
    /// The table's accessible name.
    #[prop(into)]
    label: String,
    /// The column headings.
    columns: &'static [&'static str],
    children: Children,
) -> impl IntoView {
    view! {
        <table class="plain" aria-label=label>
            <thead>
                <tr>{columns.iter().map(|c| view! { <th scope="col">{*c}</th> }).collect_view()}</tr>
            </thead>
            <tbody>{children()}</tbody>
        </table>
    }
}
