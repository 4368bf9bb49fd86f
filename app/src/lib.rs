//! Covers' web application, compiled twice: with `ssr` it renders pages on the
//! server and owns the database; with `hydrate` it runs in the browser as
//! WebAssembly and takes over the server-rendered HTML.
//!
//! A guided tour:
//! - [`shell`] is the HTML document around every page; [`App`] is the router.
//! - `pages` holds one module per page, `components` the widgets they share.
//! - `server_fns` holds the server functions the pages call (one module per
//!   page area): each parses its form, calls the service and maps the answer.
//! - `server` (only with `ssr`) holds the application state, the service and
//!   the database.

pub mod components;
pub mod domain;
pub mod model;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod server;
pub mod server_fns;

use leptos::prelude::*;
use leptos_meta::{Meta, MetaTags, Stylesheet, Title, provide_meta_context};
use leptos_router::{
    SsrMode,
    components::{Route, Router, Routes},
    path,
};

use crate::components::nav::NavBar;
use crate::pages::day::DayPage;
use crate::pages::home::HomePage;
use crate::pages::lookup::FindReservationsPage;
use crate::pages::manage::ManagePage;
use crate::pages::messages::MessagesPage;
use crate::pages::not_found::NotFound;
use crate::pages::owner::{NewRestaurantPage, TablesPage};
use crate::pages::reservation::{MyReservationsPage, ReservationPage};
use crate::pages::restaurant::RestaurantPage;
use crate::pages::rules::RulesPage;
use crate::pages::slot::SlotPage;

/// The scoped styles of every component (collected by `build.rs` from the
/// `stylers::style!` blocks), inlined in the head of each page.
#[cfg(feature = "ssr")]
pub const COMPONENT_CSS: &str = include_str!(concat!(env!("OUT_DIR"), "/components.css"));

/// The HTML document the server renders around the application.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    let component_css = COMPONENT_CSS;
    #[cfg(not(feature = "ssr"))]
    let component_css = "";
    #[cfg(feature = "ssr")]
    server::page_policy::record();
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                <AutoReload options=options.clone() />
                <HydrationScripts options />
                <style id="component-styles" nonce=use_nonce()>{component_css}</style>
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// The application: navigation bar and the page the URL names.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    server_fns::flash::provide_for_page();

    // Effects run only in the browser, so this flips once the WebAssembly has
    // taken over the server-rendered page. Tests and styles key off it.
    let (hydrated, set_hydrated) = signal(false);
    Effect::new(move |_| set_hydrated.set(true));

    view! {
        <Stylesheet id="covers" href="/pkg/covers.css" />
        <Title formatter=|page: String| {
            if page.is_empty() { "Covers".to_string() } else { format!("{page} · Covers") }
        } />
        <Meta name="description" content="Book a table at a restaurant in a few taps." />
        <Router>
            <div class="app" data-hydrated=move || hydrated.get().then_some("true")>
                <NavBar />
                <main class="page">
                    <Routes fallback=NotFound>
                        // Async: a page's status and cookies are decided before it is sent.
                        <Route path=path!("") view=HomePage ssr=SsrMode::Async />
                        <Route path=path!("/restaurants/new") view=NewRestaurantPage ssr=SsrMode::Async />
                        <Route path=path!("/restaurants/:id") view=RestaurantPage ssr=SsrMode::Async />
                        <Route path=path!("/restaurants/:id/slot") view=SlotPage ssr=SsrMode::Async />
                        <Route path=path!("/restaurants/:id/tables") view=TablesPage ssr=SsrMode::Async />
                        <Route path=path!("/restaurants/:id/rules") view=RulesPage ssr=SsrMode::Async />
                        <Route path=path!("/restaurants/:id/day") view=DayPage ssr=SsrMode::Async />
                        <Route path=path!("/restaurants/:id/messages") view=MessagesPage ssr=SsrMode::Async />
                        <Route path=path!("/reservations") view=MyReservationsPage ssr=SsrMode::Async />
                        <Route path=path!("/reservations/find") view=FindReservationsPage ssr=SsrMode::Async />
                        <Route path=path!("/manage/:token") view=ManagePage ssr=SsrMode::Async />
                        <Route path=path!("/reservations/:id") view=ReservationPage ssr=SsrMode::Async />
                    </Routes>
                </main>
                <footer class="site-footer">
                    <p>"Covers — open-source table reservations."</p>
                </footer>
            </div>
        </Router>
    }
}
