//! Form fields with a visible label and their error message beside them.

use leptos::prelude::*;

use crate::domain::limits::Bounds;

/// A labelled input. `error` is the message shown beside it (and announced);
/// `value` is what it starts with.
#[component]
pub fn Field(
    #[prop(into)] label: String,
    #[prop(into)] name: String,
    /// The element id, when one form's field appears more than once on a page.
    #[prop(optional, into)]
    id: Option<String>,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional, into)] value: String,
    #[prop(optional, into)] error: Signal<Option<String>>,
    #[prop(optional)] required: bool,
    #[prop(optional)] autocomplete: Option<&'static str>,
    #[prop(optional)] hint: Option<&'static str>,
    /// A number's range, from the domain's limits.
    #[prop(optional)]
    bounds: Option<Bounds>,
    /// A text's longest length, from the domain's limits.
    #[prop(optional)]
    max_length: Option<usize>,
) -> impl IntoView {
    let id = id.unwrap_or_else(|| format!("field-{name}"));
    let (min, max) = bounds.map(|b| (b.min.to_string(), b.max.to_string())).unzip();
    let error_id = format!("{id}-error");
    view! {
        <div class="field">
            <label for=id.clone()>{label}</label>
            {hint.map(|hint| view! { <span class="hint">{hint}</span> })}
            <input
                id=id
                type=kind
                name=name
                value=value
                required=required
                autocomplete=autocomplete
                min=min
                max=max
                maxlength=max_length
                aria-describedby=error_id.clone()
                aria-invalid=move || error.get().map(|_| "true")
            />
            <span id=error_id class="field-error" aria-live="polite">
                {move || error.get()}
            </span>
        </div>
    }
}

/// A labelled multi-line text box.
#[component]
pub fn TextArea(
    label: &'static str,
    name: &'static str,
    #[prop(optional, into)] value: String,
    #[prop(optional, into)] error: Signal<Option<String>>,
    #[prop(optional)] hint: Option<&'static str>,
    /// The longest text, from the domain's limits.
    #[prop(optional)]
    max_length: Option<usize>,
) -> impl IntoView {
    let id = format!("field-{name}");
    let error_id = format!("{id}-error");
    view! {
        <div class="field">
            <label for=id.clone()>{label}</label>
            {hint.map(|hint| view! { <span class="hint">{hint}</span> })}
            <textarea
                id=id
                name=name
                rows="3"
                maxlength=max_length
                aria-describedby=error_id.clone()
                aria-invalid=move || error.get().map(|_| "true")
            >
                {value}
            </textarea>
            <span id=error_id class="field-error" aria-live="polite">
                {move || error.get()}
            </span>
        </div>
    }
}

/// The message of a form that failed as a whole (not one field), if any.
#[component]
pub fn FormProblem(#[prop(into)] message: Signal<Option<String>>) -> impl IntoView {
    view! {
        <Show when=move || message.get().is_some()>
            <p class="form-problem" role="alert">{move || message.get()}</p>
        </Show>
    }
}
