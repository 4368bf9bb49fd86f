//! The HTTP application through its router, without a network: health check,
//! server-rendered pages, static files and errors. The tests run on a
//! multi-threaded runtime, as `covers` itself does.

use crate::common;

use app::server::{AppState, Db};
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use server::config::Config;
use tower::ServiceExt;

struct TestApp {
    state: AppState,
    _dir: tempfile::TempDir,
}

impl TestApp {
    /// A router on a fresh database (SQLite, or PostgreSQL when the tests
    /// are given one), serving a site root with one file.
    async fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let site = dir.path().join("site");
        std::fs::create_dir_all(site.join("pkg")).unwrap();
        std::fs::write(site.join("pkg/covers_bg.wasm"), b"\0asm\x01\0\0\0").unwrap();
        let db_url = match std::env::var("COVERS_TEST_POSTGRES") {
            Ok(server) => common::fresh_postgres_database(&server).await,
            Err(_) => format!("sqlite:{}", dir.path().join("covers.db").display()),
        };
        let site_root = site.display().to_string();
        let config = Config::from_lookup(|name| match name {
            "LEPTOS_SITE_ROOT" => Some(site_root.clone()),
            "DATABASE_URL" => Some(db_url.clone()),
            _ => None,
        })
        .unwrap();
        let db = Db::connect(config.database_url.as_deref()).await.unwrap();
        let state = AppState::new(config.leptos_options, db, common::secrets());
        Self { state, _dir: dir }
    }

    async fn get(&self, uri: &str) -> (StatusCode, axum::http::HeaderMap, String) {
        let request = Request::get(uri).body(Body::empty()).unwrap();
        let response = server::router(self.state.clone()).oneshot(request).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let body = response.into_body().collect().await.unwrap().to_bytes();
        (status, headers, String::from_utf8_lossy(&body).into_owned())
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn healthz_answers_ok_when_the_database_answers() {
    let app = TestApp::new().await;
    let (status, headers, body) = app.get("/healthz").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CONTENT_TYPE], "application/json");
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&body).unwrap(),
        serde_json::json!({"status": "ok"})
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn healthz_answers_503_with_retry_after_when_the_database_is_gone() {
    let app = TestApp::new().await;
    app.state.db.close().await;
    let (status, headers, body) = app.get("/healthz").await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(headers.contains_key(header::RETRY_AFTER));
    let body: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(body["error"]["code"], "database_unavailable");
    assert!(body["error"]["message"].as_str().is_some_and(|m| !m.is_empty()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_home_page_is_rendered_on_the_server_and_loads_the_front_end() {
    let app = TestApp::new().await;
    let (status, headers, body) = app.get("/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(headers[header::CONTENT_TYPE].to_str().unwrap().starts_with("text/html"));
    assert!(body.starts_with("<!DOCTYPE html>"), "{body}");
    assert!(body.contains("<title>Covers</title>"), "{body}");
    assert!(body.contains(r#"<nav aria-label="Main""#), "{body}");
    assert!(body.contains("Book a table"), "{body}");
    assert!(body.contains("Search restaurants"), "{body}");
    // The hydration script asks for the files the build produces.
    assert!(body.contains("/pkg/covers.js"), "{body}");
    assert!(body.contains("covers_bg"), "{body}");
    assert!(body.contains(r#"href="/pkg/covers.css""#), "{body}");
    // Component styles are inlined in the head.
    assert!(body.contains(r#"<style id="component-styles" nonce="#), "{body}");
    assert!(body.contains(".hero."), "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_page_is_a_404_page() {
    let app = TestApp::new().await;
    let (status, _, body) = app.get("/no/such/page").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(body.contains("Page not found"), "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_page_whose_data_cannot_be_loaded_says_so_with_503() {
    let app = TestApp::new().await;
    app.state.db.close().await;
    for page in ["/", "/restaurants/0190b5a0-0000-7000-8000-000000000000"] {
        let (status, headers, body) = app.get(page).await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{page}");
        assert!(headers.contains_key(header::RETRY_AFTER), "{page}");
        assert!(body.contains("Covers cannot reach its database just now."), "{page}: {body}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_webassembly_is_served_as_application_wasm() {
    let app = TestApp::new().await;
    let (status, headers, body) = app.get("/pkg/covers_bg.wasm").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CONTENT_TYPE], "application/wasm");
    assert!(body.as_bytes().starts_with(b"\0asm"));
}

/// A file is answered on its own, never with the status or headers of a
/// page being rendered at the same moment on the same thread. Leptos leaves
/// each page's reactive owner as the thread's current one while the page is
/// rendered; here that page has answered 404 and set a cookie.
#[tokio::test(flavor = "current_thread")]
async fn a_file_never_carries_the_answer_of_a_page_rendered_meanwhile() {
    use leptos::prelude::{Owner, provide_context};
    let app = TestApp::new().await;
    let router = server::router(app.state.clone());
    let page = Owner::new_root(None);
    let page_answer = leptos_axum::ResponseOptions::default();
    page_answer.set_status(StatusCode::NOT_FOUND);
    page_answer.insert_header(header::SET_COOKIE, "owner=secret".parse().unwrap());
    provide_context(page_answer);
    let request = Request::get("/pkg/covers_bg.wasm").body(Body::empty()).unwrap();
    let response = router.oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()[header::CONTENT_TYPE], "application/wasm");
    assert!(!response.headers().contains_key(header::SET_COOKIE));
    drop(page);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn html_is_compressed_for_clients_that_accept_it() {
    let app = TestApp::new().await;
    let request =
        Request::get("/").header(header::ACCEPT_ENCODING, "gzip").body(Body::empty()).unwrap();
    let response = server::router(app.state.clone()).oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()[header::CONTENT_ENCODING], "gzip");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_count_and_time_requests_by_route() {
    let app = TestApp::new().await;
    app.get("/healthz").await;
    app.get("/api/v1/restaurants/some-id").await;
    let (status, headers, body) = app.get("/metrics").await;
    assert_eq!(status, StatusCode::OK);
    assert!(headers[header::CONTENT_TYPE].to_str().unwrap().starts_with("text/plain"));
    assert!(
        body.contains(r#"covers_http_requests_total{method="GET",route="/healthz",status="200"}"#),
        "{body}"
    );
    // The route pattern, not the id, names the series.
    assert!(body.contains(r#"route="/api/v1/restaurants/{id}",status="404""#), "{body}");
    assert!(body.contains("covers_http_request_duration_seconds_bucket"), "{body}");
    assert!(body.contains(r#"covers_db_connections{pool="writer",state="open"}"#), "{body}");
}

/// A page that waits for its data renders whole however its parts are
/// spread over the worker threads. The loading marker used to be read on
/// the server while another thread was writing it; the read failed and the
/// page answered 500 about once in a hundred renders.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_page_waiting_for_its_data_renders_whole_every_time() {
    let app = TestApp::new().await;
    let created = app.state.service.create_restaurant(app::model::NewRestaurant {
        name: Some("Chez Busy".into()),
        phone: Some("+33 1 23 45 67 89".into()),
        ..Default::default()
    });
    let id = created.await.unwrap().restaurant.id;
    for render in 0..400 {
        let (status, _, body) = app.get(&format!("/restaurants/{id}")).await;
        assert_eq!(status, StatusCode::OK, "render {render}: {body}");
        assert!(body.contains("Chez Busy"), "render {render}");
    }
}
