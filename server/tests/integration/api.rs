//! The JSON API through the router: every endpoint, its statuses and its
//! error bodies, and that refused requests write nothing.

use crate::common;

use std::sync::Arc;

use app::server::{AppState, Service};
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;

struct Api {
    state: AppState,
    t: common::TestDb,
}

struct Answer {
    status: StatusCode,
    headers: axum::http::HeaderMap,
    body: Value,
}

impl Api {
    async fn new() -> Self {
        let t = common::TestDb::new().await;
        let options = server::config::Config::from_lookup(|_| None).unwrap().leptos_options;
        let service =
            Service::new(t.db.clone(), common::secrets()).with_clock(Arc::new(common::now));
        let mut state = AppState::new(options, t.db.clone(), common::secrets());
        state.service = service;
        Self { state, t }
    }

    async fn send(
        &self,
        method: &str,
        uri: &str,
        headers: &[(&str, &str)],
        body: Option<&str>,
    ) -> Answer {
        let mut request = Request::builder().method(method).uri(uri);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        if body.is_some() {
            request = request.header(header::CONTENT_TYPE, "application/json");
        }
        let request =
            request.body(body.map_or_else(Body::empty, |b| Body::from(b.to_string()))).unwrap();
        let response = server::router(self.state.clone()).oneshot(request).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        let body = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes).expect("a JSON body")
        };
        Answer { status, headers, body }
    }

    async fn get(&self, uri: &str) -> Answer {
        self.send("GET", uri, &[], None).await
    }

    async fn post(&self, uri: &str, body: Value) -> Answer {
        self.send("POST", uri, &[], Some(&body.to_string())).await
    }

    /// A restaurant (UTC, 12:00–22:00) with a 2-top and a 4-top: (id, owner key, table ids).
    async fn restaurant(&self) -> (String, String, Vec<String>) {
        let created = self
            .post(
                "/api/v1/restaurants",
                json!({"name": "Chez API", "phone": "+33 1 23 45 67 89", "city": "Lyon"}),
            )
            .await;
        assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
        let id = created.body["id"].as_str().unwrap().to_string();
        let key = created.body["owner_key"].as_str().unwrap().to_string();
        let auth = format!("Bearer {key}");
        let tables = self
            .send(
                "POST",
                &format!("/api/v1/restaurants/{id}/tables"),
                &[("authorization", &auth)],
                Some(r#"{"tables":[{"capacity":2,"label":"T1"},{"capacity":4,"label":"T2"}]}"#),
            )
            .await;
        assert_eq!(tables.status, StatusCode::CREATED, "{}", tables.body);
        let ids = tables.body["tables"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["id"].as_str().unwrap().to_string())
            .collect();
        (id, key, ids)
    }
}

fn assert_error(answer: &Answer, status: StatusCode, code: &str) {
    assert_eq!(answer.status, status, "{}", answer.body);
    assert_eq!(answer.body["error"]["code"], code, "{}", answer.body);
    assert!(
        answer.body["error"]["message"].as_str().is_some_and(|m| !m.is_empty()),
        "{}",
        answer.body
    );
}

#[tokio::test]
async fn restaurants_are_created_listed_fetched_and_changed() {
    let api = Api::new().await;
    let (id, key, _) = api.restaurant().await;
    let created = api.get(&format!("/api/v1/restaurants/{id}")).await;
    assert_eq!(created.status, StatusCode::OK);
    assert_eq!(created.body["name"], "Chez API");
    assert_eq!(created.body["timezone"], "UTC");
    assert_eq!(created.body["tables"].as_array().unwrap().len(), 2);
    assert!(created.body.get("owner_key").is_none(), "the owner key is shown only at creation");

    api.post(
        "/api/v1/restaurants",
        json!({"name": "Trattoria", "phone": "0612345678", "city": "Paris"}),
    )
    .await;
    let all = api.get("/api/v1/restaurants").await;
    assert_eq!(
        (all.body["total"].as_u64(), all.body["page"].as_u64(), all.body["per_page"].as_u64()),
        (Some(2), Some(1), Some(20))
    );
    assert_eq!(all.body["items"][0]["name"], "Chez API", "by name");
    let found = api.get("/api/v1/restaurants?q=tratt").await;
    assert_eq!(found.body["total"], 1);
    assert_eq!(found.body["items"][0]["name"], "Trattoria");
    assert_eq!(api.get("/api/v1/restaurants?city=lyon").await.body["total"], 1);
    let paged = api.get("/api/v1/restaurants?per_page=1&page=2").await;
    assert_eq!(
        (paged.body["items"].as_array().unwrap().len(), paged.body["total"].as_u64()),
        (1, Some(2))
    );
    assert_error(
        &api.get("/api/v1/restaurants?per_page=500").await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    );
    assert_error(
        &api.get("/api/v1/restaurants?page=first").await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    );

    let auth = format!("Bearer {key}");
    let patched = api
        .send(
            "PATCH",
            &format!("/api/v1/restaurants/{id}"),
            &[("authorization", &auth)],
            Some(r#"{"name":"Chez API 2","timezone":"Europe/Paris"}"#),
        )
        .await;
    assert_eq!(patched.status, StatusCode::OK, "{}", patched.body);
    assert_eq!(
        (patched.body["name"].as_str(), patched.body["timezone"].as_str()),
        (Some("Chez API 2"), Some("Europe/Paris"))
    );
    assert_eq!(patched.body["phone"], "+33 1 23 45 67 89", "untouched fields stay");
    let anonymous = api
        .send("PATCH", &format!("/api/v1/restaurants/{id}"), &[], Some(r#"{"name":"Hijacked"}"#))
        .await;
    assert_error(&anonymous, StatusCode::UNAUTHORIZED, "unauthorized");
    assert_eq!(anonymous.headers[header::WWW_AUTHENTICATE], "Bearer");
    assert_error(
        &api.get("/api/v1/restaurants/no-such-id").await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
}

#[tokio::test]
async fn bad_input_is_a_clear_4xx_and_writes_nothing() {
    let api = Api::new().await;
    let malformed = api.send("POST", "/api/v1/restaurants", &[], Some(r#"{"name": "Chez"#)).await;
    assert_error(&malformed, StatusCode::BAD_REQUEST, "malformed_request");
    let missing = api.post("/api/v1/restaurants", json!({"name": "  "})).await;
    assert_error(&missing, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert!(missing.body["error"]["fields"]["name"].is_string());
    assert!(missing.body["error"]["fields"]["phone"].is_string());
    let wrong_type = api
        .post(
            "/api/v1/restaurants",
            json!({"name": "A", "phone": "0612345678", "slot_minutes": "hourly"}),
        )
        .await;
    assert_error(&wrong_type, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert!(
        wrong_type.body["error"]["fields"]["slot_minutes"]
            .as_str()
            .unwrap()
            .contains("whole number")
    );
    let unknown = api
        .post("/api/v1/restaurants", json!({"name": "A", "phone": "0612345678", "colour": "red"}))
        .await;
    assert!(unknown.body["error"]["fields"]["colour"].is_string());
    let not_an_object = api.send("POST", "/api/v1/restaurants", &[], Some("[1, 2]")).await;
    assert_error(&not_an_object, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert_eq!(api.t.count("restaurants").await, 0);

    let (id, key, _) = api.restaurant().await;
    let auth = format!("Bearer {key}");
    let bad_tables = api
        .send(
            "POST",
            &format!("/api/v1/restaurants/{id}/tables"),
            &[("authorization", &auth)],
            Some(r#"{"tables":[{"capacity":4},{"capacity":0}]}"#),
        )
        .await;
    assert_error(&bad_tables, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert!(bad_tables.body["error"]["fields"]["tables[1].capacity"].is_string());
    assert_eq!(api.t.count("tables").await, 2, "none of the batch was written");

    assert_error(&api.get("/api/v1/no-such-endpoint").await, StatusCode::NOT_FOUND, "not_found");
    assert_error(
        &api.send("DELETE", "/api/v1/restaurants", &[], None).await,
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
    );
}

#[tokio::test]
async fn tables_are_changed_and_removed_by_their_owner() {
    let api = Api::new().await;
    let (id, key, tables) = api.restaurant().await;
    let (_, other_key, _) = api.restaurant().await;
    let auth = format!("Bearer {key}");
    let uri = format!("/api/v1/restaurants/{id}/tables/{}", tables[0]);
    let changed =
        api.send("PATCH", &uri, &[("authorization", &auth)], Some(r#"{"capacity":3}"#)).await;
    assert_eq!(changed.status, StatusCode::OK);
    assert_eq!(
        (changed.body["capacity"].as_u64(), changed.body["label"].as_str()),
        (Some(3), Some("T1"))
    );
    let foreign =
        api.send("DELETE", &uri, &[("authorization", &format!("Bearer {other_key}"))], None).await;
    assert_error(&foreign, StatusCode::FORBIDDEN, "forbidden");
    let removed = api.send("DELETE", &uri, &[("authorization", &auth)], None).await;
    assert_eq!(removed.status, StatusCode::NO_CONTENT);
    assert_error(
        &api.send("DELETE", &uri, &[("authorization", &auth)], None).await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
    let restaurant = api.get(&format!("/api/v1/restaurants/{id}")).await;
    assert_eq!(restaurant.body["tables"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn slots_reservations_and_cancellation_over_http() {
    let api = Api::new().await;
    let (id, key, tables) = api.restaurant().await;

    let all = api.get(&format!("/api/v1/restaurants/{id}/slots?date=2026-12-04")).await;
    assert_eq!(all.status, StatusCode::OK);
    assert_eq!(
        (all.body["date"].as_str(), all.body["timezone"].as_str()),
        (Some("2026-12-04"), Some("UTC"))
    );
    let first = &all.body["slots"][0];
    assert_eq!(
        (first["start"].as_str(), first["local_time"].as_str()),
        (Some("2026-12-04T12:00:00+00:00"), Some("12:00"))
    );
    assert_eq!(first["tables"].as_array().unwrap().len(), 2);
    assert_eq!(first["tables"][0]["available"], true);
    let for_three = api
        .get(&format!("/api/v1/restaurants/{id}/slots?date=2026-12-04&party_size=3&available=true"))
        .await;
    assert_eq!(
        for_three.body["slots"][0]["tables"][0]["table_id"],
        tables[1].as_str(),
        "the 4-top"
    );
    assert_error(
        &api.get(&format!("/api/v1/restaurants/{id}/slots")).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    );
    assert_error(
        &api.get(&format!(
            "/api/v1/restaurants/{id}/slots?date=2026-12-04&party_size=30&available=true"
        ))
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    );

    let request = json!({"restaurant_id": id, "start": "2026-12-04T19:00", "party_size": 4, "name": "Grace Hopper", "phone": "+1 555 123 4567", "notes": "Birthday"});
    let booked = api.post("/api/v1/reservations", request.clone()).await;
    assert_eq!(booked.status, StatusCode::CREATED, "{}", booked.body);
    assert_eq!(booked.body["status"], "confirmed");
    assert_eq!(booked.body["start"], "2026-12-04T19:00:00+00:00");
    assert_eq!(booked.body["end"], "2026-12-04T20:00:00+00:00");
    assert_eq!(booked.body["tables"][0]["id"], tables[1].as_str());
    assert_eq!(
        (booked.body["name"].as_str(), booked.body["notes"].as_str()),
        (Some("Grace Hopper"), Some("Birthday"))
    );
    let code = booked.body["code"].as_str().unwrap().to_string();
    let rid = booked.body["id"].as_str().unwrap().to_string();

    let taken = api.post("/api/v1/reservations", request).await;
    assert_error(&taken, StatusCode::CONFLICT, "slot_unavailable");
    let alternatives: Vec<&str> = taken.body["error"]["alternatives"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap())
        .collect();
    assert_eq!(
        alternatives,
        ["2026-12-04T17:00:00+00:00", "2026-12-04T18:00:00+00:00", "2026-12-04T20:00:00+00:00"]
    );

    let bad = api.post("/api/v1/reservations", json!({"restaurant_id": id, "start": "2026-12-04T19:00", "party_size": 0, "name": "", "phone": "abc"})).await;
    assert_error(&bad, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    let fields = bad.body["error"]["fields"].as_object().unwrap();
    assert!(
        fields.contains_key("party_size")
            && fields.contains_key("name")
            && fields.contains_key("phone"),
        "{fields:?}"
    );
    let unknown = api.post("/api/v1/reservations", json!({"restaurant_id": "nope", "start": "2026-12-04T19:00", "party_size": 2, "name": "A", "phone": "0612345678"})).await;
    assert_error(&unknown, StatusCode::NOT_FOUND, "not_found");
    assert_eq!(api.t.count("reservations").await, 1);

    let uri = format!("/api/v1/reservations/{rid}");
    let seen = api.send("GET", &uri, &[("x-reservation-code", &code)], None).await;
    assert_eq!(seen.status, StatusCode::OK);
    assert!(seen.body.get("code").is_none());
    assert_error(
        &api.send("GET", &uri, &[("x-reservation-code", "WRONGWRONG")], None).await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
    assert_error(&api.get(&uri).await, StatusCode::NOT_FOUND, "not_found");
    let as_owner =
        api.send("GET", &uri, &[("authorization", &format!("Bearer {key}"))], None).await;
    assert_eq!(as_owner.status, StatusCode::OK);

    let day = api
        .send(
            "GET",
            &format!("/api/v1/restaurants/{id}/reservations?date=2026-12-04"),
            &[("authorization", &format!("Bearer {key}"))],
            None,
        )
        .await;
    assert_eq!(day.status, StatusCode::OK);
    assert_eq!(day.body["items"].as_array().unwrap().len(), 1);
    assert_error(
        &api.get(&format!("/api/v1/restaurants/{id}/reservations?date=2026-12-04")).await,
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    );

    let cancel_uri = format!("{uri}/cancel");
    assert_error(
        &api.send("POST", &cancel_uri, &[("x-reservation-code", "WRONGWRONG")], None).await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
    let cancelled = api
        .send("POST", &cancel_uri, &[("x-reservation-code", &code)], Some(r#"{"reason":"ill"}"#))
        .await;
    assert_eq!(cancelled.status, StatusCode::OK, "{}", cancelled.body);
    assert_eq!(cancelled.body["status"], "cancelled");
    let twice = api.send("POST", &cancel_uri, &[("x-reservation-code", &code)], None).await;
    assert_eq!(twice.status, StatusCode::OK);
    assert_eq!(twice.body["status"], "cancelled");
}

#[tokio::test]
async fn the_openapi_document_describes_every_endpoint() {
    let api = Api::new().await;
    let doc = api.get("/api/v1/openapi.json").await;
    assert_eq!(doc.status, StatusCode::OK);
    assert!(doc.body["openapi"].as_str().unwrap().starts_with("3."));
    let paths = doc.body["paths"].as_object().unwrap();
    for path in [
        "/api/v1/restaurants",
        "/api/v1/restaurants/{id}",
        "/api/v1/restaurants/{id}/tables",
        "/api/v1/restaurants/{id}/tables/{table_id}",
        "/api/v1/restaurants/{id}/slots",
        "/api/v1/restaurants/{id}/reservations",
        "/api/v1/reservations",
        "/api/v1/reservations/{id}",
        "/api/v1/reservations/{id}/cancel",
        "/api/v1/reservations/{id}/status",
        "/api/v1/reservations/{id}/history",
        "/api/v1/restaurants/{id}/availability",
        "/api/v1/restaurants/{id}/messages",
    ] {
        assert!(paths.contains_key(path), "{path} is documented");
    }
    assert!(
        doc.body["components"]["schemas"]["Reservation"]["properties"]["party_size"].is_object()
    );
    assert!(doc.body["components"]["securitySchemes"]["owner_key"].is_object());
}

#[tokio::test]
async fn the_owner_reads_what_was_sent_to_whom() {
    let api = Api::new().await;
    let (id, key, _) = api.restaurant().await;
    let owner = format!("Bearer {key}");
    let booked = api
        .post(
            "/api/v1/reservations",
            json!({"restaurant_id": id, "start": "2026-12-04T19:00", "party_size": 2,
                   "name": "Ada", "phone": "+44 20 7946 0958", "email": "ada@example.com"}),
        )
        .await;
    assert_eq!(booked.status, StatusCode::CREATED, "{}", booked.body);
    // Written "today" (the tests' 1 December), the restaurant's default day.
    let uri = format!("/api/v1/restaurants/{id}/messages");
    let today = api.send("GET", &uri, &[("authorization", &owner)], None).await;
    assert_eq!(today.status, StatusCode::OK, "{}", today.body);
    let items = today.body["items"].as_array().unwrap();
    let kinds: Vec<(&str, &str)> = items
        .iter()
        .map(|m| (m["kind"].as_str().unwrap(), m["channel"].as_str().unwrap()))
        .collect();
    assert_eq!(kinds.len(), 3, "{kinds:?}");
    assert!(kinds.contains(&("confirmation", "email")));
    assert!(kinds.contains(&("reminder", "sms")));
    let confirmation = items.iter().find(|m| m["kind"] == "confirmation").unwrap();
    assert_eq!(confirmation["to"], "ada@example.com");
    assert_eq!(confirmation["status"], "pending");
    assert_eq!(confirmation["reservation_id"], booked.body["id"]);
    let other_day = format!("{uri}?date=2026-12-02");
    let empty = api.send("GET", &other_day, &[("authorization", &owner)], None).await;
    assert_eq!(empty.body["items"].as_array().unwrap().len(), 0);
    assert_error(&api.get(&uri).await, StatusCode::UNAUTHORIZED, "unauthorized");
    let bad = format!("{uri}?date=tomorrow");
    assert_error(
        &api.send("GET", &bad, &[("authorization", &owner)], None).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    );
}

#[tokio::test]
async fn a_diner_finds_their_reservations_with_a_one_time_code() {
    let mut api = Api::new().await;
    api.state.public_url = app::server::PublicUrl::new("https://covers.example.com/");
    let (id, _, _) = api.restaurant().await;
    let booked = api
        .post(
            "/api/v1/reservations",
            json!({"restaurant_id": id, "start": "2026-12-04T19:00", "party_size": 2,
                   "name": "Ada", "phone": "+44 20 7946 0958", "email": "ada@example.com"}),
        )
        .await;
    assert_eq!(booked.status, StatusCode::CREATED, "{}", booked.body);
    // The same answer for a contact that booked and for one that did not.
    for contact in ["ada@example.com", "nobody@example.com"] {
        let sent = api.post("/api/v1/lookup", json!({ "contact": contact })).await;
        assert_eq!((sent.status, sent.body.clone()), (StatusCode::ACCEPTED, json!({"sent": true})));
    }
    let (message, sealed): (String, String) =
        sqlx::query_as("SELECT id, sealed FROM messages WHERE kind = 'code'")
            .fetch_one(api.t.db.reader())
            .await
            .unwrap();
    let code = common::secrets().open_for(&message, &sealed).unwrap();
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let refused = api
        .post("/api/v1/lookup/verify", json!({"contact": "ada@example.com", "code": wrong}))
        .await;
    assert_error(&refused, StatusCode::UNPROCESSABLE_ENTITY, "invalid_code");
    let found = api
        .post("/api/v1/lookup/verify", json!({"contact": "ada@example.com", "code": code}))
        .await;
    assert_eq!(found.status, StatusCode::OK, "{}", found.body);
    let items = found.body["items"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["id"], booked.body["id"]);
    let link = items[0]["manage_url"].as_str().unwrap();
    assert!(link.starts_with("https://covers.example.com/manage/"), "{link}");
    assert!(!link.contains("ada"), "no personal data in a link");
    assert_error(
        &api.post("/api/v1/lookup/verify", json!({})).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    );
    assert_error(
        &api.post("/api/v1/lookup", json!({"contact": "not a contact"})).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    );
}

#[tokio::test]
async fn reminders_are_set_by_the_hour_or_turned_off() {
    let api = Api::new().await;
    let (id, key, _) = api.restaurant().await;
    let owner = format!("Bearer {key}");
    let fetched = api.get(&format!("/api/v1/restaurants/{id}")).await;
    assert_eq!(fetched.body["reminder_hours_before"], 24, "the default");
    let uri = format!("/api/v1/restaurants/{id}");
    let patch = |body: Value| {
        let body = body.to_string();
        let owner = owner.clone();
        let uri = uri.clone();
        let api = &api;
        async move { api.send("PATCH", &uri, &[("authorization", &owner)], Some(&body)).await }
    };
    let three = patch(json!({"reminder_hours_before": 3})).await;
    assert_eq!(three.body["reminder_hours_before"], 3, "{}", three.body);
    let unchanged = patch(json!({"name": "Chez API"})).await;
    assert_eq!(unchanged.body["reminder_hours_before"], 3);
    let off = patch(json!({"reminder_hours_before": null})).await;
    assert_eq!(off.status, StatusCode::OK);
    assert_eq!(off.body["reminder_hours_before"], Value::Null);
    let bad = patch(json!({"reminder_hours_before": 0})).await;
    assert_error(&bad, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
}

/// `POST /api/v1/reservations/{id}/status` as the owner.
async fn set_status(api: &Api, id: &str, owner: &[(&str, &str)], status: &str) -> Answer {
    let body = json!({ "status": status }).to_string();
    api.send("POST", &format!("/api/v1/reservations/{id}/status"), owner, Some(&body)).await
}

#[tokio::test]
async fn the_booking_engine_over_http() {
    let api = Api::new().await;
    let created = api
        .post(
            "/api/v1/restaurants",
            json!({
                "name": "Chez Moteur", "phone": "+33 1 23 45 67 89",
                "slot_minutes": 30, "duration_minutes": 120,
                "durations": [{"max_party_size": 2, "minutes": 90}],
                "walk_in_seats_percent": 0, "buffer_minutes": 15,
            }),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    assert_eq!(created.body["durations"][0]["minutes"], 90);
    let id = created.body["id"].as_str().unwrap().to_string();
    let auth = format!("Bearer {}", created.body["owner_key"].as_str().unwrap());
    let owner = [("authorization", auth.as_str())];
    let tables = api
        .send(
            "POST",
            &format!("/api/v1/restaurants/{id}/tables"),
            &owner,
            Some(
                &json!({"tables": [
                    {"capacity": 2, "label": "A", "join_group": "wall", "area": "Inside"},
                    {"capacity": 4, "label": "B", "join_group": "wall", "min_party_size": 3},
                    {"capacity": 2, "label": "Bar", "walk_in_only": true},
                ]})
                .to_string(),
            ),
        )
        .await;
    assert_eq!(tables.status, StatusCode::CREATED, "{}", tables.body);
    assert_eq!(tables.body["tables"][0]["area"], "Inside");
    assert_eq!(tables.body["tables"][2]["walk_in_only"], true);
    assert_eq!(tables.body["tables"][1]["min_party_size"], 3);

    // Six people: the two wall tables pushed together.
    let slots = api
        .get(&format!("/api/v1/restaurants/{id}/slots?date=2026-12-04&party_size=6&available=true"))
        .await;
    assert_eq!(slots.status, StatusCode::OK);
    assert_eq!(slots.body["slots"][0]["tables"].as_array().unwrap().len(), 2);
    let body = json!({
        "restaurant_id": id, "start": "2026-12-04T19:00", "party_size": 6,
        "name": "Grace Hopper", "phone": "+1 212 555 0100",
    })
    .to_string();
    let retry = [("idempotency-key", "grace-1")];
    let first = api.send("POST", "/api/v1/reservations", &retry, Some(&body)).await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.body);
    let labels: Vec<&str> = first.body["tables"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["label"].as_str().unwrap())
        .collect();
    assert_eq!(labels, ["A", "B"]);
    assert_eq!(first.body["end"], "2026-12-04T21:00:00+00:00");
    let again = api.send("POST", "/api/v1/reservations", &retry, Some(&body)).await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.body);
    assert_eq!(again.body["id"], first.body["id"]);
    assert_eq!(again.body["code"], first.body["code"]);
    let other = body.replace("Grace Hopper", "Someone Else");
    let reused = api.send("POST", "/api/v1/reservations", &retry, Some(&other)).await;
    assert_error(&reused, StatusCode::CONFLICT, "idempotency_key_reused");
    assert_eq!(api.t.count("reservations").await, 1);

    // The owner follows the visit through, and reads its history.
    let rid = first.body["id"].as_str().unwrap();
    let seat = set_status(&api, rid, &owner, "seated").await;
    assert_eq!((seat.status, seat.body["status"].as_str()), (StatusCode::OK, Some("seated")));
    let done = set_status(&api, rid, &owner, "completed").await;
    assert_eq!(done.body["status"], "completed");
    let back = set_status(&api, rid, &owner, "seated").await;
    assert_error(&back, StatusCode::CONFLICT, "invalid_transition");
    let unknown = set_status(&api, rid, &owner, "gone").await;
    assert_error(&unknown, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    let history =
        api.send("GET", &format!("/api/v1/reservations/{rid}/history"), &owner, None).await;
    assert_eq!(history.status, StatusCode::OK);
    let items = history.body["items"].as_array().unwrap();
    assert_eq!(items.len(), 3);
    assert_eq!(
        (items[1]["by"].as_str(), items[1]["change"].as_str()),
        (Some("owner"), Some("Confirmed → Seated"))
    );
    assert!(items[0]["at"].as_str().unwrap().ends_with("+00:00"));
    let hidden = api.get(&format!("/api/v1/reservations/{rid}/history")).await;
    assert_error(&hidden, StatusCode::UNAUTHORIZED, "unauthorized");

    // A couple, moved by the owner to a later time.
    let couple = api
        .post(
            "/api/v1/reservations",
            json!({"restaurant_id": id, "start": "2026-12-04T12:00", "party_size": 2, "name": "Alan Turing", "phone": "+44 20 7946 0000"}),
        )
        .await;
    assert_eq!(couple.body["tables"][0]["label"], "A");
    let cid = couple.body["id"].as_str().unwrap();
    let moved = api
        .send(
            "PATCH",
            &format!("/api/v1/reservations/{cid}"),
            &owner,
            Some(r#"{"start":"2026-12-04T13:30"}"#),
        )
        .await;
    assert_eq!(moved.status, StatusCode::OK, "{}", moved.body);
    assert_eq!(moved.body["start"], "2026-12-04T13:30:00+00:00");
    let bad_move = api
        .send(
            "PATCH",
            &format!("/api/v1/reservations/{cid}"),
            &owner,
            Some(r#"{"start":"2026-12-04T13:10"}"#),
        )
        .await;
    assert_error(&bad_move, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert!(bad_move.body["error"]["fields"]["start"].is_string());

    // Why 13:30 is not available for another couple: its only table is held.
    let why = api
        .send(
            "GET",
            &format!("/api/v1/restaurants/{id}/availability?date=2026-12-04&party_size=2"),
            &owner,
            None,
        )
        .await;
    assert_eq!(why.status, StatusCode::OK, "{}", why.body);
    let slot =
        why.body["slots"].as_array().unwrap().iter().find(|s| s["local_time"] == "13:30").unwrap();
    assert_eq!(slot["available"], false);
    assert_eq!(slot["reason"]["code"], "all_tables_held");
    let anonymous = api
        .get(&format!("/api/v1/restaurants/{id}/availability?date=2026-12-04&party_size=2"))
        .await;
    assert_error(&anonymous, StatusCode::UNAUTHORIZED, "unauthorized");
}
