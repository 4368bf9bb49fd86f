//! How a page shows the data it loads: a loading line while it comes, the
//! page once it is there, the "not found" page when there is nothing, and a
//! message when it could not be loaded.

use leptos::prelude::*;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::pages::not_found::NotFound;
use crate::server_fns::LoadError;

/// The page `render` makes of `data` once it has loaded.
pub fn loaded_page<T, V>(
    data: Resource<Result<Option<T>, LoadError>>,
    render: impl Fn(T) -> V + Clone + Send + Sync + 'static,
) -> impl IntoView
where
    T: Clone + Send + Sync + Serialize + DeserializeOwned + 'static,
    V: IntoView + 'static,
{
    // While other data loads (a new date, say), the page shown so far stays
    // on screen but is marked busy and takes no clicks: a time picked from
    // it would be for what was asked before. That happens in the browser
    // only: on the server the transition sets `pending` from an effect on
    // another worker thread, and a read racing that write fails, so the
    // server never reads it (a page it renders is never busy).
    let (pending, set_pending) = signal(false);
    let busy = move || (!cfg!(feature = "ssr") && pending.get()).then_some("true");
    view! {
        <div class="loaded" aria-busy=busy>
        <Transition fallback=|| view! { <p>"Loading…"</p> } set_pending>
            {move || {
                let render = render.clone();
                Suspend::new(async move {
                    match data.await {
                        Ok(Some(data)) => render(data).into_any(),
                        Ok(None) => view! { <NotFound /> }.into_any(),
                        Err(error) => load_failed(&error).into_any(),
                    }
                })
            }}
        </Transition>
        </div>
    }
}

/// What a page shows when its data could not be loaded, answered with the
/// error's status (503 with `Retry-After` while the database is unreachable).
pub fn load_failed(error: &LoadError) -> impl IntoView + use<> {
    answer_with(error.status());
    view! { <p class="form-problem" role="alert">{error.to_string()}</p> }
}

/// Answers the page being rendered with HTTP `status`, and with
/// `Retry-After` when it is 503 (on the server; nothing in the browser).
pub fn answer_with(status: u16) {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        use axum::http::{HeaderValue, StatusCode, header};
        let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        response.set_status(status);
        if status == StatusCode::SERVICE_UNAVAILABLE {
            response.insert_header(header::RETRY_AFTER, HeaderValue::from_static("5"));
        }
    }
    #[cfg(not(feature = "ssr"))]
    let _ = status;
}
