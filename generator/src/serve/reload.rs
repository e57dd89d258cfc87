//! Live reload: open pages listen on a server-sent-events stream and reload
//! after each good build, or show the build's errors over the page after a
//! bad one. The client script is added to HTML answers by the preview only,
//! so built pages stay identical to production.

use std::convert::Infallible;
use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderValue, Response};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;
use tokio::sync::broadcast;
use tokio_stream::wrappers::BroadcastStream;
use tokio_stream::{Stream, StreamExt};

const EVENTS_PATH: &str = "/__prospectus/events";
const CLIENT_PATH: &str = "/__prospectus/reload.js";
const CLIENT_JS: &str = include_str!("reload.js");
/// HTML answers larger than this are passed through untouched.
const MAX_INJECT_BYTES: usize = 8 * 1024 * 1024;

#[derive(Debug, Clone)]
enum Message {
    Reload,
    Error(String),
}

/// Fans build results out to every open page.
#[derive(Clone)]
pub struct ReloadHub {
    sender: broadcast::Sender<Message>,
    /// The current build error, sent to pages that connect while it stands.
    current_error: Arc<Mutex<Option<String>>>,
}

impl ReloadHub {
    pub fn new() -> Self {
        let (sender, _) = broadcast::channel(16);
        Self {
            sender,
            current_error: Arc::new(Mutex::new(None)),
        }
    }

    pub fn reload(&self) {
        self.set_error(None);
        // No open pages is not an error.
        let _ = self.sender.send(Message::Reload);
    }

    pub fn error(&self, text: &str) {
        self.set_error(Some(text.to_string()));
        let _ = self.sender.send(Message::Error(text.to_string()));
    }

    fn set_error(&self, error: Option<String>) {
        if let Ok(mut current) = self.current_error.lock() {
            *current = error;
        }
    }

    fn current_error(&self) -> Option<String> {
        self.current_error.lock().ok().and_then(|e| e.clone())
    }
}

pub fn routes(hub: ReloadHub) -> Router {
    Router::new()
        .route(EVENTS_PATH, get(events))
        .route(CLIENT_PATH, get(client))
        .with_state(hub)
}

async fn events(
    State(hub): State<ReloadHub>,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let pending = hub.current_error().map(Message::Error);
    let updates = BroadcastStream::new(hub.sender.subscribe()).filter_map(Result::ok);
    let stream = tokio_stream::iter(pending)
        .chain(updates)
        .map(|message| Ok(to_event(message)));
    Sse::new(stream).keep_alive(KeepAlive::default())
}

fn to_event(message: Message) -> Event {
    match message {
        Message::Reload => Event::default().event("reload").data("reload"),
        Message::Error(text) => Event::default().event("build-error").data(text),
    }
}

async fn client() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        CLIENT_JS,
    )
}

/// Adds the client script to HTML answers, just before `</body>`.
pub async fn inject_client(response: Response<Body>) -> Response<Body> {
    let is_html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if !is_html {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_INJECT_BYTES).await else {
        return Response::from_parts(parts, Body::from("response too large to preview"));
    };
    let tag = format!("<script src=\"{CLIENT_PATH}\" defer></script>");
    let html = String::from_utf8_lossy(&bytes);
    let injected = match html.rfind("</body>") {
        Some(at) => format!("{}{tag}{}", &html[..at], &html[at..]),
        None => format!("{html}{tag}"),
    };
    parts.headers.remove(header::CONTENT_LENGTH);
    parts
        .headers
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Response::from_parts(parts, Body::from(injected))
}
