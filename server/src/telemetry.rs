//! `GET /metrics`: counters and latency histograms in Prometheus' text
//! format. Every request is counted and timed by route (the route pattern,
//! not the path, so ids do not multiply the series); the service counts
//! bookings, conflicts and cancellations; the database pools report their
//! size when scraped.

use std::sync::OnceLock;
use std::time::Instant;

use app::server::Db;
use axum::extract::{MatchedPath, Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

/// Latency buckets, in seconds: fine below 10 ms, where Covers mostly is.
const BUCKETS: &[f64] =
    &[0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0];

/// The process-wide recorder, installed on first use.
pub fn handle() -> &'static PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE.get_or_init(|| {
        let recorder = PrometheusBuilder::new()
            .set_buckets_for_metric(
                Matcher::Full("covers_http_request_duration_seconds".into()),
                BUCKETS,
            )
            .expect("valid buckets")
            .build_recorder();
        let handle = recorder.handle();
        // Another recorder may be installed already (tests embed several
        // routers in one process); then that one keeps the figures.
        let _ = metrics::set_global_recorder(recorder);
        handle
    })
}

/// Counts and times every request by method, route and status.
pub async fn track(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().as_str().to_owned();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "other".to_owned(), |p| p.as_str().to_owned());
    let response = next.run(request).await;
    let status = response.status().as_u16().to_string();
    let seconds = started.elapsed().as_secs_f64();
    metrics::counter!("covers_http_requests_total", "method" => method.clone(), "route" => route.clone(), "status" => status)
        .increment(1);
    metrics::histogram!("covers_http_request_duration_seconds", "method" => method, "route" => route)
        .record(seconds);
    response
}

/// `GET /metrics`
pub async fn render(State(db): State<Db>) -> Response {
    for (pool, connections) in [("writer", db.writer()), ("reader", db.reader())] {
        metrics::gauge!("covers_db_connections", "pool" => pool, "state" => "open")
            .set(connections.size() as f64);
        metrics::gauge!("covers_db_connections", "pool" => pool, "state" => "idle")
            .set(connections.num_idle() as f64);
    }
    metrics::gauge!("covers_db_replicas_fit").set(db.replicas_fit() as f64);
    let text = handle().render();
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], text).into_response()
}
