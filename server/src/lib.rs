//! The `covers` server: configuration, the HTTP router (server-rendered
//! Leptos pages, server functions, `/healthz`, the built site's static
//! files) and the process lifecycle (start-up, graceful shutdown).

pub mod config;
pub mod error;
pub mod protect;
pub mod rest;
pub mod site;
pub mod telemetry;

use std::net::SocketAddr;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use app::server::delivery::{Delivery, Mailer, Texter, Transports};
use app::server::{AppState, Db, PublicUrl};
use app::{App, shell};
use axum::Router;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use leptos::prelude::provide_context;
use leptos_axum::{AxumRouteListing, LeptosRoutes, generate_route_list};
use tower_http::compression::CompressionLayer;
use tower_http::trace::TraceLayer;

use crate::config::Config;
use crate::error::ApiError;
use crate::protect::Protection;
use crate::protect::limits::LimitSettings;
use crate::protect::proxies::TrustedProxies;

/// How long `/healthz` waits for the database before calling it unavailable.
const HEALTH_TIMEOUT: Duration = Duration::from_secs(2);

/// The whole HTTP application around `state`, with the default protections
/// (limits, headers, bounds) and its wrong-secret budget.
pub fn router(state: AppState) -> Router {
    let protection = Protection::new(
        &LimitSettings::default(),
        state.guesses.clone(),
        TrustedProxies::default(),
        None,
        Duration::from_secs(30),
    )
    .with_service(state.service.clone());
    router_with(state, Arc::new(protection))
}

/// The whole HTTP application around `state`, behind `protection`.
pub fn router_with(state: AppState, protection: Arc<Protection>) -> Router {
    protect::protect(routes(state), protection)
        .layer(axum::middleware::from_fn(telemetry::track))
        .layer(TraceLayer::new_for_http())
}

/// The routes, without the protections.
pub fn routes(state: AppState) -> Router {
    telemetry::handle();
    let routes = route_list();
    let shell_options = state.leptos_options.clone();
    Router::new()
        .route("/healthz", get(healthz))
        .route("/metrics", get(telemetry::render))
        .nest("/api/v1", rest::routes())
        .leptos_routes_with_context(&state, routes, page_context(&state), move || {
            shell(shell_options.clone())
        })
        // Anything else: a file of the built site, or the "not found" page.
        .fallback_service(site::files_or_not_found(&state))
        .layer(CompressionLayer::new())
        .with_state(state)
}

/// What every page render is given: the application state, and the slot
/// its Content-Security-Policy nonce is kept in.
pub(crate) fn page_context(state: &AppState) -> impl Fn() + Clone + Send + Sync + 'static {
    let state = state.clone();
    move || {
        provide_context(state.clone());
        app::server::page_policy::record();
    }
}

/// The app's pages, listed once per process. Listing them renders the app
/// with resource loading switched off for the whole process (a flag Leptos
/// shares between threads), so a page rendered on another thread meanwhile
/// would wait for its data forever. Listed once, before the first router
/// exists, the list can never be made while a page renders.
fn route_list() -> Vec<AxumRouteListing> {
    static LIST: OnceLock<Vec<AxumRouteListing>> = OnceLock::new();
    LIST.get_or_init(|| generate_route_list(App)).clone()
}

/// `GET /healthz`: 200 `{"status":"ok"}` when the database answers, else 503.
async fn healthz(State(db): State<Db>) -> Response {
    match tokio::time::timeout(HEALTH_TIMEOUT, db.ping()).await {
        Ok(Ok(())) => axum::Json(serde_json::json!({ "status": "ok" })).into_response(),
        Ok(Err(err)) => {
            tracing::warn!(error = %err, "health check: database error");
            ApiError::DatabaseUnavailable.into_response()
        }
        Err(_) => {
            tracing::warn!("health check: database did not answer in time");
            ApiError::DatabaseUnavailable.into_response()
        }
    }
}

/// Opens the database and serves until SIGINT or SIGTERM, then finishes the
/// requests in flight and closes the database.
pub async fn run(config: Config) -> Result<(), Box<dyn std::error::Error>> {
    let secrets = config.secrets()?;
    let mut db = Db::connect(config.database_url.as_deref()).await?;
    if let Some((url, max_lag)) = &config.read_replicas {
        db = db.read_from(url, *max_lag)?;
    }
    tracing::info!(database = db.location(), "database ready");
    let public_url = PublicUrl::new(
        &config.public_url.clone().unwrap_or_else(|| format!("http://{}", config.site_addr)),
    );
    let state = AppState::new(config.leptos_options.clone(), db.clone(), secrets.clone())
        .with_public_url(public_url.clone())
        .with_guesses(config.limits.guesses())
        .with_secure_cookies(config.https());
    state
        .service
        .upgrade_stored_secrets()
        .await
        .map_err(|e| format!("cannot upgrade the stored secrets: {e}"))?;
    if config.limits.is_off() {
        tracing::warn!("COVERS_RATE_LIMITS=off: no limit on requests, bookings or guessed codes");
    }
    let protection = Arc::new(
        Protection::new(
            &config.limits,
            state.guesses.clone(),
            config.trusted_proxies.clone(),
            config.public_url.as_deref(),
            config.request_timeout,
        )
        .with_service(state.service.clone()),
    );
    if config.demo_data {
        let made = app::server::demo::seed_if_empty(&state.service)
            .await
            .map_err(|e| format!("cannot create the demo data: {e}"))?;
        if made > 0 {
            tracing::info!(restaurants = made, "demo data created");
        }
    }
    // The outbox's delivery worker: every instance runs one.
    let transports = Transports {
        email: match &config.mail {
            Some((url, from)) => Some(Mailer::new(url, from)?),
            None => None,
        },
        sms: match &config.sms {
            Some(s) => Some(Texter::new(&s.url, &s.account, &s.token, &s.from)?),
            None => None,
        },
        public_url,
    };
    let delivery =
        Delivery::new(db.clone(), secrets.clone(), transports).with_timing(config.delivery);
    let delivery = tokio::spawn(delivery.run());
    let shutdown = shutdown_signal()?;
    let listener = tokio::net::TcpListener::bind(config.site_addr).await?;
    tracing::info!(
        address = %listener.local_addr()?,
        site_root = %config.site_root,
        "covers is listening on http://{}",
        listener.local_addr()?
    );
    let app = router_with(state, protection).into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, app).with_graceful_shutdown(shutdown).await?;
    delivery.abort();
    db.close().await;
    tracing::info!("covers stopped");
    Ok(())
}

/// Resolves on the first SIGINT (Ctrl-C) or SIGTERM. The handlers are
/// installed here, before the server listens, so a signal that arrives as
/// soon as it answers is never taken with the default action (an abrupt
/// exit).
#[cfg(unix)]
fn shutdown_signal() -> std::io::Result<impl std::future::Future<Output = ()>> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut terminate = signal(SignalKind::terminate())?;
    let mut interrupt = signal(SignalKind::interrupt())?;
    Ok(async move {
        tokio::select! {
            _ = terminate.recv() => {},
            _ = interrupt.recv() => {},
        }
        tracing::info!("shutting down: finishing requests in flight");
    })
}

#[cfg(not(unix))]
fn shutdown_signal() -> std::io::Result<impl std::future::Future<Output = ()>> {
    Ok(async {
        if let Err(err) = tokio::signal::ctrl_c().await {
            tracing::error!(error = %err, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
        tracing::info!("shutting down: finishing requests in flight");
    })
}
