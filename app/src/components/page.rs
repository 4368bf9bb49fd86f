//! How a page shows the data it loads: a loading line while it comes, the
//! page once it is there, the "not found" page when there is nothing, and a
//! message when it could not be loaded.

use leptos::prelude::*;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::pages::not_found::NotFound;

/// The page `render` makes of `data` once it has loaded.
pub fn loaded_page<T, V>(
    data: Resource<Result<Option<T>, ServerFnError>>,
    render: impl Fn(T) -> V + Clone + Send + Sync + 'static,
) -> impl IntoView
where
    T: Clone + Send + Sync + Serialize + DeserializeOwned + 'static,
    V: IntoView + 'static,
{
    // While other data loads (a new date, say), the page shown so far stays
    // on screen but is marked busy and takes no clicks: a time picked from
    // it would be for what was asked before.
    let (pending, set_pending) = signal(false);
    view! {
        <div class="loaded" aria-busy=move || pending.get().then_some("true")>
        <Transition fallback=|| view! { <p>"Loading…"</p> } set_pending>
            {move || {
                let render = render.clone();
                Suspend::new(async move {
                    match data.await {
                        Ok(Some(data)) => render(data).into_any(),
                        Ok(None) => view! { <NotFound /> }.into_any(),
                        Err(_) => {
                            view! { <p class="form-problem">"This page could not be loaded. Please try again."</p> }
                                .into_any()
                        }
                    }
                })
            }}
        </Transition>
        </div>
    }
}
