//! A local server speaking the SMS provider's API (Twilio's Messages API):
//! it checks the account's credentials, keeps every message it is given
//! and answers as the provider does. It can be told to refuse, to test
//! what Covers does then.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::{Form, Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;

pub const ACCOUNT: &str = "AC0123456789abcdef0123456789abcdef";
pub const TOKEN: &str = "test-token";

/// A message the provider was given.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Text {
    pub to: String,
    pub from: String,
    pub body: String,
}

#[derive(Clone, Default)]
struct Shared {
    texts: Arc<Mutex<Vec<Text>>>,
    /// The answers to give before accepting again: (status, message).
    refusals: Arc<Mutex<Vec<(StatusCode, String)>>>,
}

pub struct SmsProvider {
    pub url: String,
    shared: Shared,
    server: tokio::task::JoinHandle<()>,
}

impl SmsProvider {
    pub async fn start() -> Self {
        let shared = Shared::default();
        let app = Router::new()
            .route("/2010-04-01/Accounts/{account}/Messages.json", post(create))
            .with_state(shared.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let server = tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Self { url, shared, server }
    }

    /// The messages accepted so far, oldest first.
    pub fn texts(&self) -> Vec<Text> {
        self.shared.texts.lock().unwrap().clone()
    }

    /// The next request is answered `status` with `message`, as the
    /// provider answers a refusal.
    pub fn refuse_next(&self, status: u16, message: &str) {
        let status = StatusCode::from_u16(status).unwrap();
        self.shared.refusals.lock().unwrap().push((status, message.into()));
    }
}

impl Drop for SmsProvider {
    fn drop(&mut self) {
        self.server.abort();
    }
}

async fn create(
    State(shared): State<Shared>,
    Path(account): Path<String>,
    headers: HeaderMap,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    use base64::Engine as _;
    let expected = base64::engine::general_purpose::STANDARD.encode(format!("{ACCOUNT}:{TOKEN}"));
    let authorized = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok())
        == Some(format!("Basic {expected}").as_str());
    if !authorized || account != ACCOUNT {
        return answer(
            StatusCode::UNAUTHORIZED,
            serde_json::json!({
                "code": 20003, "message": "Authenticate", "status": 401
            }),
        );
    }
    if let Some((status, message)) = shared.refusals.lock().unwrap().pop() {
        return answer(
            status,
            serde_json::json!({
                "code": 21211, "message": message, "status": status.as_u16()
            }),
        );
    }
    let field = |name: &str| form.get(name).cloned().unwrap_or_default();
    let text = Text { to: field("To"), from: field("From"), body: field("Body") };
    let mut texts = shared.texts.lock().unwrap();
    texts.push(text.clone());
    let sid = format!("SM{:032}", texts.len());
    answer(
        StatusCode::CREATED,
        serde_json::json!({
            "sid": sid, "status": "queued", "to": text.to, "from": text.from, "body": text.body
        }),
    )
}

fn answer(status: StatusCode, body: serde_json::Value) -> Response {
    (status, axum::Json(body)).into_response()
}
