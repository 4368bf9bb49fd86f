//! How a page shows the data it loads: a loading line while it comes, the
//! page once it is there, the "not found" page when there is nothing, and a
//! message when it could not be loaded.

use leptos::prelude::*;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::api::PageFlash;
use crate::api::flash::FormFlash;
use crate::pages::not_found::NotFound;

/// The refused form kept for this page, read once as the server renders it
/// (in the browser, the server's answer comes with the page).
async fn page_flash() -> Option<FormFlash> {
    #[cfg(feature = "ssr")]
    return crate::api::flash::take();
    #[cfg(not(feature = "ssr"))]
    None
}

/// The page `render` makes of `data` once it has loaded.
pub fn loaded_page<T, V>(
    data: Resource<Result<Option<T>, ServerFnError>>,
    render: impl Fn(T) -> V + Clone + Send + Sync + 'static,
) -> impl IntoView
where
    T: Clone + Send + Sync + Serialize + DeserializeOwned + 'static,
    V: IntoView + 'static,
{
    let flash = Resource::new(|| (), |_| page_flash());
    view! {
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || {
                let render = render.clone();
                Suspend::new(async move {
                    provide_context(PageFlash(flash.await));
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
    }
}
