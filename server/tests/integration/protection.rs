//! What stands between the open internet and Covers, through the router:
//! addresses that try to carry a message, personal data kept out of
//! addresses, security headers and cookies, foreign origins, limits and
//! lockouts, and bad input refused cleanly.

use crate::common;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use app::server::AppState;
use app::server_fns::reservations::Reserve;
use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{HeaderMap, Request, StatusCode, header};
use base64::Engine as _;
use http_body_util::BodyExt;
use leptos::server_fn::ServerFn;
use serde_json::{Value, json};
use server::protect::Protection;
use server::protect::limits::LimitSettings;
use server::protect::proxies::TrustedProxies;
use tower::ServiceExt;

struct App {
    router: Router,
    state: AppState,
    _t: common::TestDb,
}

struct Answer {
    status: StatusCode,
    headers: HeaderMap,
    text: String,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or(Value::Null)
    }

    fn header(&self, name: &str) -> &str {
        self.headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or("")
    }
}

impl App {
    /// The application on a fresh database, with `limits` (`COVERS_RATE_LIMITS`
    /// syntax) and, when `https`, as reached at https://covers.example.
    async fn new(limits: &str, https: bool) -> Self {
        let t = common::TestDb::new().await;
        let config = server::config::Config::from_lookup(|_| None).unwrap();
        let settings = LimitSettings::parse(limits).unwrap();
        let state = AppState::new(config.leptos_options, t.db.clone(), common::secrets())
            .with_guesses(settings.guesses())
            .with_secure_cookies(https);
        let protection = Protection::new(
            &settings,
            state.guesses.clone(),
            TrustedProxies::default(),
            https.then_some("https://covers.example"),
            Duration::from_secs(30),
        )
        .with_service(state.service.clone());
        let router = server::router_with(state.clone(), Arc::new(protection));
        Self { router, state, _t: t }
    }

    async fn send(&self, request: Request<Body>) -> Answer {
        let mut request = request;
        let peer: SocketAddr = "203.0.113.9:50000".parse().unwrap();
        request.extensions_mut().insert(ConnectInfo(peer));
        let response = self.router.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        Answer { status, headers, text: String::from_utf8_lossy(&bytes).into_owned() }
    }

    async fn get(&self, uri: &str, headers: &[(&str, &str)]) -> Answer {
        let mut request = Request::get(uri);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        self.send(request.body(Body::empty()).unwrap()).await
    }

    async fn post_json(&self, uri: &str, headers: &[(&str, &str)], body: &Value) -> Answer {
        let mut request = Request::post(uri).header(header::CONTENT_TYPE, "application/json");
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        self.send(request.body(Body::from(body.to_string())).unwrap()).await
    }

    /// A plain form post, as a browser without JavaScript sends it from `page`.
    async fn post_form(&self, path: &str, page: &str, fields: &[(&str, &str)]) -> Answer {
        let body = serde_urlencoded::to_string(fields).unwrap();
        let request = Request::post(path)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::ACCEPT, "text/html,application/xhtml+xml")
            .header(header::HOST, "127.0.0.1:3000")
            .header(header::ORIGIN, "http://127.0.0.1:3000")
            .header(header::REFERER, format!("http://127.0.0.1:3000{page}"))
            .body(Body::from(body))
            .unwrap();
        self.send(request).await
    }

    /// A restaurant open 12:00–22:00 UTC with one 4-top: (id, owner key, table id).
    async fn restaurant(&self) -> (String, String, String) {
        let created = self
            .post_json(
                "/api/v1/restaurants",
                &[],
                &json!({"name": "Chez Garde", "phone": "+33 1 23 45 67 89"}),
            )
            .await;
        assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
        let id = created.json()["id"].as_str().unwrap().to_string();
        let key = created.json()["owner_key"].as_str().unwrap().to_string();
        let tables = self
            .post_json(
                &format!("/api/v1/restaurants/{id}/tables"),
                &[("authorization", &format!("Bearer {key}"))],
                &json!({"tables": [{"capacity": 4, "label": "T1"}]}),
            )
            .await;
        assert_eq!(tables.status, StatusCode::CREATED, "{}", tables.text);
        let table = tables.json()["tables"][0]["id"].as_str().unwrap().to_string();
        (id, key, table)
    }
}

/// Tomorrow at 19:00 (UTC), as a slot page and the booking form write it.
fn tomorrow_evening() -> String {
    (chrono::Utc::now().date_naive() + chrono::Days::new(1)).format("%Y-%m-%dT19:00").to_string()
}

#[tokio::test]
async fn an_address_carrying_a_forms_answer_is_cleaned_before_any_page_reads_it() {
    let app = App::new("", false).await;
    let (id, _, _) = app.restaurant().await;
    let forged = json!({"SlotTaken": {
        "message": "Call +1 555 0100 to keep your table",
        "alternatives": [{"local_time": "20:00", "href": "javascript:alert(document.cookie)"}],
        "values": {}
    }});
    let err = base64::engine::general_purpose::URL_SAFE.encode(forged.to_string());
    let page = format!("/restaurants/{id}/slot?start={}&party_size=2", tomorrow_evening());
    let answer = app.get(&format!("{page}&__path={}&__err={err}", Reserve::PATH), &[]).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER);
    assert_eq!(answer.header("location"), page, "the same page, without what was carried");
    let shown = app.get(answer.header("location"), &[]).await;
    assert_eq!(shown.status, StatusCode::OK);
    assert!(!shown.text.contains("555 0100"));
    assert!(!shown.text.contains("javascript:"));
}

#[tokio::test]
async fn a_refused_form_without_javascript_comes_back_with_what_was_typed_and_no_personal_data_in_any_address()
 {
    let app = App::new("", false).await;
    let (id, _, _) = app.restaurant().await;
    let page = format!("/restaurants/{id}/slot");
    let query = format!("?start={}&party_size=2", tomorrow_evening());
    let fields = [
        ("restaurant_id", id.as_str()),
        ("start", &tomorrow_evening()),
        ("party_size", "2"),
        ("table_id", ""),
        ("name", "Ada Lovelace"),
        ("phone", "not a phone"),
        ("email", "ada@example.com"),
        ("notes", "peanut allergy"),
    ];
    let refused = app.post_form(Reserve::PATH, &format!("{page}{query}"), &fields).await;
    assert_eq!(refused.status, StatusCode::FOUND, "{}", refused.text);
    let location = refused.header("location").replace("%3A", ":");
    assert_eq!(location, format!("http://127.0.0.1:3000{page}{query}"));
    for personal in ["Ada", "Lovelace", "ada@example", "peanut", "not+a+phone", "not%20a"] {
        assert!(!location.contains(personal), "{location}");
    }
    let cookie = refused.header("set-cookie").to_string();
    assert!(cookie.starts_with("covers_form="), "{cookie}");
    assert!(cookie.contains("HttpOnly") && cookie.contains("Max-Age=120"), "{cookie}");
    let value = cookie.split(';').next().unwrap();

    // Back on the page, the message and what was typed are there, once.
    let shown = app.get(&format!("{page}{query}"), &[("cookie", value)]).await;
    assert_eq!(shown.status, StatusCode::OK);
    assert!(shown.text.contains("Ada Lovelace"), "{}", shown.text);
    assert!(shown.text.contains("peanut allergy"));
    assert!(shown.text.contains("aria-invalid=\"true\""), "the phone field is marked");
    assert!(shown.header("set-cookie").starts_with("covers_form=;"), "the answer is removed");
    assert!(shown.header("content-security-policy").contains("'nonce-"), "{:?}", shown.headers);

    // A changed cookie is not believed.
    let forged = value.replacen('.', ".x", 1);
    let shown = app.get(&format!("{page}{query}"), &[("cookie", &forged)]).await;
    assert!(!shown.text.contains("Ada Lovelace"));
}

#[tokio::test]
async fn pages_and_answers_carry_the_security_headers() {
    let app = App::new("", false).await;
    let page = app.get("/", &[]).await;
    assert_eq!(page.status, StatusCode::OK);
    let csp = page.header("content-security-policy").to_string();
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .expect("a nonce in the policy")
        .to_string();
    assert!(page.text.contains(&format!("nonce=\"{nonce}\"")), "the inline scripts carry it");
    for part in
        ["default-src 'self'", "frame-ancestors 'none'", "'wasm-unsafe-eval'", "object-src 'none'"]
    {
        assert!(csp.contains(part), "{csp}");
    }
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    let again = app.get("/", &[]).await;
    assert!(!again.header("content-security-policy").contains(&nonce), "a new nonce each time");
    for answer in [&page, &app.get("/api/v1/restaurants", &[]).await] {
        assert_eq!(answer.header("x-content-type-options"), "nosniff");
        assert_eq!(answer.header("referrer-policy"), "same-origin");
        assert_eq!(answer.header("cache-control"), "no-store");
        assert!(answer.header("content-security-policy").contains("frame-ancestors 'none'"));
    }
}

#[tokio::test]
async fn cookies_are_secure_and_host_only_under_https() {
    let app = App::new("", true).await;
    let (id, _, _) = app.restaurant().await;
    let page = format!("/restaurants/{id}/slot?start={}&party_size=2", tomorrow_evening());
    let fields = [
        ("restaurant_id", id.as_str()),
        ("start", "nonsense"),
        ("party_size", "2"),
        ("name", "A"),
        ("phone", "1"),
    ];
    let body = serde_urlencoded::to_string(fields).unwrap();
    let request = Request::post(Reserve::PATH)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ACCEPT, "text/html")
        .header(header::ORIGIN, "https://covers.example")
        .header(header::REFERER, format!("https://covers.example{page}"))
        .body(Body::from(body))
        .unwrap();
    let refused = app.send(request).await;
    assert_eq!(refused.status, StatusCode::FOUND, "{}", refused.text);
    let cookie = refused.header("set-cookie");
    assert!(cookie.starts_with("__Host-covers_form="), "{cookie}");
    assert!(cookie.contains("; Secure") && cookie.contains("Path=/"), "{cookie}");
}

#[tokio::test]
async fn a_post_relying_on_cookies_from_another_site_is_refused() {
    let app = App::new("", false).await;
    let (id, _, _) = app.restaurant().await;
    let fields = serde_urlencoded::to_string([
        ("restaurant_id", id.as_str()),
        ("start", "x"),
        ("party_size", "2"),
        ("name", "A"),
        ("phone", "1"),
    ])
    .unwrap();
    let from = |origin: &str, site: Option<&str>| {
        let mut request = Request::post(Reserve::PATH)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::HOST, "127.0.0.1:3000")
            .header(header::ORIGIN, origin);
        if let Some(site) = site {
            request = request.header("sec-fetch-site", site);
        }
        request.body(Body::from(fields.clone())).unwrap()
    };
    let foreign = app.send(from("https://evil.example", None)).await;
    assert_eq!(foreign.status, StatusCode::FORBIDDEN, "{}", foreign.text);
    let cross = app.send(from("http://127.0.0.1:3000", Some("cross-site"))).await;
    assert_eq!(cross.status, StatusCode::FORBIDDEN);
    let own = app.send(from("http://127.0.0.1:3000", Some("same-origin"))).await;
    assert_eq!(own.status, StatusCode::OK, "{}", own.text);
}

#[tokio::test]
async fn a_client_over_its_limit_is_answered_429_with_retry_after() {
    let app = App::new("client=5/minute", false).await;
    for _ in 0..5 {
        assert_eq!(app.get("/api/v1/restaurants", &[]).await.status, StatusCode::OK);
    }
    let refused = app.get("/api/v1/restaurants", &[]).await;
    assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(refused.json()["error"]["code"], "rate_limited");
    let wait: u64 = refused.header("retry-after").parse().unwrap();
    assert!((1..=60).contains(&wait), "{wait}");
    // A browser is told in words.
    let page = app.get("/", &[("accept", "text/html")]).await;
    assert_eq!(page.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(page.text.contains("Too many requests. Please wait"), "{}", page.text);
    // The site's own files are not counted.
    assert_ne!(app.get("/favicon.svg", &[]).await.status, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn bookings_and_new_restaurants_have_budgets_of_their_own() {
    let app = App::new("booking=2/hour,new_restaurant=2/day", false).await;
    let (id, _, _) = app.restaurant().await;
    let booking = |n: u32| {
        json!({"restaurant_id": id, "start": tomorrow_evening(), "party_size": 1 + n % 2,
               "name": "Guest", "phone": "+33 6 12 34 56 78"})
    };
    let first = app.post_json("/api/v1/reservations", &[], &booking(0)).await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.text);
    let second = app.post_json("/api/v1/reservations", &[], &booking(1)).await;
    assert_eq!(second.status, StatusCode::CONFLICT, "the table is taken: {}", second.text);
    let third = app.post_json("/api/v1/reservations", &[], &booking(2)).await;
    assert_eq!(third.status, StatusCode::TOO_MANY_REQUESTS);
    let wait: u64 = third.header("retry-after").parse().unwrap();
    assert!(wait > 60, "a booking budget comes back slowly: {wait}");
    let created = app
        .post_json("/api/v1/restaurants", &[], &json!({"name": "B", "phone": "+33 1 23 45 67 89"}))
        .await;
    assert_eq!(created.status, StatusCode::CREATED);
    let refused = app
        .post_json("/api/v1/restaurants", &[], &json!({"name": "C", "phone": "+33 1 23 45 67 89"}))
        .await;
    assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn wrong_codes_lock_the_reservation_for_a_while() {
    let app = App::new("guess_target=3/hour", false).await;
    let (id, _, _) = app.restaurant().await;
    let booked = app
        .post_json(
            "/api/v1/reservations",
            &[],
            &json!({"restaurant_id": id, "start": tomorrow_evening(), "party_size": 2,
                    "name": "Guest", "phone": "+33 6 12 34 56 78"}),
        )
        .await;
    assert_eq!(booked.status, StatusCode::CREATED, "{}", booked.text);
    let reservation = booked.json()["id"].as_str().unwrap().to_string();
    let code = booked.json()["code"].as_str().unwrap().to_string();
    let uri = format!("/api/v1/reservations/{reservation}");
    for wrong in ["AAAAAAAAAA", "BBBBBBBBBB", "CCCCCCCCCC", "DDDDDDDDDD"] {
        let answer = app.get(&uri, &[("x-reservation-code", wrong)]).await;
        assert_eq!(answer.status, StatusCode::NOT_FOUND);
    }
    let locked = app.get(&uri, &[("x-reservation-code", &code)]).await;
    assert_eq!(locked.status, StatusCode::TOO_MANY_REQUESTS, "even the right code waits");
    assert!(locked.header("retry-after").parse::<u64>().unwrap() > 60);
}

#[tokio::test]
async fn wrong_one_time_codes_lock_the_contact_and_asking_for_codes_has_a_budget() {
    let app = App::new("guess_target=3/hour,lookup=3/hour", false).await;
    let contact = json!({"contact": "ada@example.com"});
    for _ in 0..3 {
        assert_eq!(app.post_json("/api/v1/lookup", &[], &contact).await.status, 202);
    }
    let over = app.post_json("/api/v1/lookup", &[], &contact).await;
    assert_eq!(over.status, StatusCode::TOO_MANY_REQUESTS, "{}", over.text);
    let verify = |code: &str| json!({"contact": "ADA@example.com", "code": code});
    for wrong in ["111111", "222222", "333333", "444444"] {
        let answer = app.post_json("/api/v1/lookup/verify", &[], &verify(wrong)).await;
        assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", answer.text);
    }
    let locked = app.post_json("/api/v1/lookup/verify", &[], &verify("555555")).await;
    assert_eq!(locked.status, StatusCode::TOO_MANY_REQUESTS, "the contact waits");
}

#[tokio::test]
async fn an_owner_key_can_be_rotated_and_the_old_one_stops_working() {
    let app = App::new("", false).await;
    let (id, key, _) = app.restaurant().await;
    let uri = format!("/api/v1/restaurants/{id}/owner-key/rotate");
    let rotated =
        app.post_json(&uri, &[("authorization", &format!("Bearer {key}"))], &json!({})).await;
    assert_eq!(rotated.status, StatusCode::OK, "{}", rotated.text);
    let new_key = rotated.json()["owner_key"].as_str().unwrap().to_string();
    assert_ne!(new_key, key);
    let day = format!("/api/v1/restaurants/{id}/reservations?date=2026-12-04");
    let old = app.get(&day, &[("authorization", &format!("Bearer {key}"))]).await;
    assert_eq!(old.status, StatusCode::UNAUTHORIZED);
    let new = app.get(&day, &[("authorization", &format!("Bearer {new_key}"))]).await;
    assert_eq!(new.status, StatusCode::OK, "{}", new.text);
    let anonymous = app.post_json(&uri, &[], &json!({})).await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn extreme_dates_long_searches_and_other_content_types_are_refused_cleanly() {
    let app = App::new("", false).await;
    let (id, _, _) = app.restaurant().await;
    let slots = app.get(&format!("/api/v1/restaurants/{id}/slots?date=%2B262142-12-31"), &[]).await;
    assert_eq!(slots.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", slots.text);
    assert!(slots.json()["error"]["fields"]["date"].is_string());
    let booking = app
        .post_json(
            "/api/v1/reservations",
            &[],
            &json!({"restaurant_id": id, "start": "+262142-12-31T19:00", "party_size": 2,
                    "name": "Guest", "phone": "+33 6 12 34 56 78"}),
        )
        .await;
    assert_eq!(booking.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", booking.text);
    assert!(booking.json()["error"]["fields"]["start"].is_string());
    let rfc = app
        .post_json(
            "/api/v1/reservations",
            &[],
            &json!({"restaurant_id": id, "start": "9999-12-31T23:59:59+14:00", "party_size": 2,
                    "name": "Guest", "phone": "+33 6 12 34 56 78"}),
        )
        .await;
    assert_eq!(rfc.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", rfc.text);

    let search = app.get(&format!("/api/v1/restaurants?q={}", "a".repeat(52_000)), &[]).await;
    assert_eq!(search.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", search.text);
    assert!(search.json()["error"]["fields"]["q"].is_string());

    let plain = app
        .send(
            Request::post("/api/v1/restaurants")
                .header(header::CONTENT_TYPE, "text/plain")
                .body(Body::from(r#"{"name":"X","phone":"+33 1 23 45 67 89"}"#))
                .unwrap(),
        )
        .await;
    assert_eq!(plain.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(plain.json()["error"]["code"], "unsupported_media_type");

    let huge = app
        .send(
            Request::post("/api/v1/restaurants")
                .header(header::CONTENT_TYPE, "application/json")
                .header(header::CONTENT_LENGTH, "200000")
                .body(Body::from(vec![b' '; 200_000]))
                .unwrap(),
        )
        .await;
    assert_eq!(huge.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(huge.json()["error"]["code"], "payload_too_large");
}

#[tokio::test]
async fn a_panic_in_a_handler_is_a_logged_json_500() {
    let app = App::new("", false).await;
    let protection = Protection::new(
        &LimitSettings::default(),
        app.state.guesses.clone(),
        TrustedProxies::default(),
        None,
        Duration::from_secs(30),
    );
    let routes: Router = Router::new().route(
        "/boom",
        axum::routing::get(|| async {
            if true {
                panic!("a bug");
            }
            "never"
        }),
    );
    let router = server::protect::protect(routes, Arc::new(protection));
    let response =
        router.oneshot(Request::get("/boom").body(Body::empty()).unwrap()).await.unwrap();
    assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
    let body = response.into_body().collect().await.unwrap().to_bytes();
    let body: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(body["error"]["code"], "internal_error");
    assert!(!body.to_string().contains("a bug"), "details stay in the log");
}

#[tokio::test]
async fn a_restaurant_takes_at_most_its_own_budget_of_requests_a_minute() {
    let app = App::new("client=100000/minute", false).await;
    let (busy, key, _) = app.restaurant().await;
    let (quiet, _, _) = app.restaurant().await;
    let set = app
        .send(
            Request::patch(format!("/api/v1/restaurants/{busy}"))
                .header(header::CONTENT_TYPE, "application/json")
                .header(header::AUTHORIZATION, format!("Bearer {key}"))
                .body(Body::from(r#"{"requests_per_minute": 100}"#))
                .unwrap(),
        )
        .await;
    assert_eq!(set.status, StatusCode::OK, "{}", set.text);
    assert_eq!(set.json()["requests_per_minute"], 100);
    let mut refused = 0;
    for _ in 0..110 {
        if app.get(&format!("/api/v1/restaurants/{busy}"), &[]).await.status
            == StatusCode::TOO_MANY_REQUESTS
        {
            refused += 1;
        }
    }
    assert!((5..=10).contains(&refused), "about 100 of 110 answered: {refused} refused");
    let other = app.get(&format!("/api/v1/restaurants/{quiet}"), &[]).await;
    assert_eq!(other.status, StatusCode::OK, "another restaurant is not held up");
    let out_of_range = app
        .send(
            Request::patch(format!("/api/v1/restaurants/{quiet}"))
                .header(header::CONTENT_TYPE, "application/json")
                .header(header::AUTHORIZATION, format!("Bearer {key}"))
                .body(Body::from(r#"{"requests_per_minute": 5}"#))
                .unwrap(),
        )
        .await;
    assert_ne!(out_of_range.status, StatusCode::OK);
}

#[tokio::test]
async fn a_form_over_the_limit_says_so_in_words() {
    let app = App::new("booking=1/hour", false).await;
    let (id, _, _) = app.restaurant().await;
    // As the hydrated page sends it: the server function's own answer.
    let post = |name: &str| {
        let body = serde_urlencoded::to_string([
            ("restaurant_id", id.as_str()),
            ("start", "nonsense"),
            ("party_size", "2"),
            ("name", name),
            ("phone", "+33 6 12 34 56 78"),
        ])
        .unwrap();
        Request::post(Reserve::PATH)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::ACCEPT, "application/json")
            .header(header::HOST, "127.0.0.1:3000")
            .header(header::ORIGIN, "http://127.0.0.1:3000")
            .body(Body::from(body))
            .unwrap()
    };
    assert_eq!(app.send(post("First")).await.status, StatusCode::OK);
    let refused = app.send(post("Second")).await;
    assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(refused.header("retry-after").parse::<u64>().unwrap() > 0);
    let message = refused.json()["Failed"].as_str().unwrap_or_default().to_string();
    assert!(message.starts_with("Too many requests. Please wait"), "{}", refused.text);
}
