//! Shared fixtures for the request-level tests: an in-memory SQLite store with
//! a known set of visit dates around "today", and helpers that send requests
//! through the Router with `oneshot`.
#![allow(dead_code)]

use std::sync::Arc;

use axum::body::Body;
use axum::http::{header, HeaderMap, Method, Request, StatusCode};
use axum::Router;
use booking_fn::api::{router, AppState};
use booking_fn::clock::{Clock, FixedClock};
use booking_fn::config::ApiConfig;
use booking_fn::slots::Slot;
use booking_fn::store::sqlite::SqliteStore;
use booking_fn::store::Store;
use chrono::{Days, NaiveDate, Utc};
use http_body_util::BodyExt;
use tower::ServiceExt;

pub const HOST_PATH: &str = "/hosts/brook-lane-primary/";

/// Real today: the fixtures are placed around it so that a `ShiftedClock`
/// can move to any of them.
pub fn today() -> NaiveDate {
    Utc::now().date_naive()
}

pub fn day(offset: i64) -> NaiveDate {
    let t = today();
    if offset >= 0 {
        t.checked_add_days(Days::new(offset as u64)).unwrap()
    } else {
        t.checked_sub_days(Days::new((-offset) as u64)).unwrap()
    }
}

#[allow(clippy::too_many_arguments)]
pub fn slot(id: &str, date: i64, places: u32, max: u32, closes: i64, same_region: bool) -> Slot {
    Slot {
        id: id.to_string(),
        host_urn: "100001".to_string(),
        host_name: "Brook Lane Primary".to_string(),
        host_path: HOST_PATH.to_string(),
        region: "east-of-england".to_string(),
        date: day(date),
        start: "09:30".to_string(),
        end: "12:00".to_string(),
        places,
        max_per_school: max,
        booking_closes: day(closes),
        same_region,
        focus: vec!["reading".to_string(), "send".to_string()],
        bookable: date >= 0,
    }
}

/// The visit dates every test starts with.
pub fn slots() -> Vec<Slot> {
    let mut other = slot("other-host-visit", 40, 10, 5, 30, false);
    other.host_urn = "100002".to_string();
    other.host_name = "Marshfield Primary".to_string();
    other.host_path = "/hosts/marshfield-primary/".to_string();
    other.region = "london".to_string();
    vec![
        slot("open-visit", 30, 10, 3, 20, true),
        slot("small-visit", 31, 2, 2, 20, true),
        slot("closed-visit", 5, 10, 3, -1, true),
        slot("past-visit", -3, 10, 3, -10, true),
        slot("withdrawn-visit", 35, 10, 3, 20, true),
        slot("today-visit", 0, 10, 3, 0, true),
        other,
    ]
}

pub struct App {
    pub store: Arc<SqliteStore>,
    pub router: Router,
}

impl App {
    /// A fresh store with the fixtures, seen at noon today.
    pub async fn new() -> Self {
        let noon = today().and_hms_opt(12, 0, 0).unwrap().and_utc();
        Self::with_clock(Arc::new(FixedClock(noon))).await
    }

    pub async fn with_clock(clock: Arc<dyn Clock>) -> Self {
        let store = Arc::new(SqliteStore::in_memory().unwrap());
        let all = slots();
        store.sync_slots(&all).await.unwrap();
        // Dropping a date from the manifest withdraws it.
        let kept: Vec<Slot> = all
            .into_iter()
            .filter(|s| s.id != "withdrawn-visit")
            .collect();
        store.sync_slots(&kept).await.unwrap();
        let router = Self::router_for(store.clone(), clock);
        Self { store, router }
    }

    /// Another router on the same store, seen through another clock.
    pub fn router_for(store: Arc<SqliteStore>, clock: Arc<dyn Clock>) -> Router {
        router(AppState::new(store, ApiConfig::default(), clock))
    }

    pub fn at(&self, clock: Arc<dyn Clock>) -> Router {
        Self::router_for(self.store.clone(), clock)
    }

    pub async fn send(&self, request: Request<Body>) -> Resp {
        send(&self.router, request).await
    }

    pub async fn get(&self, uri: &str) -> Resp {
        get(&self.router, uri).await
    }

    pub async fn form(&self, uri: &str, body: &str) -> Resp {
        form(&self.router, uri, body).await
    }

    pub async fn json(&self, uri: &str, body: &serde_json::Value) -> Resp {
        json(&self.router, uri, body).await
    }

    pub async fn remaining(&self, visit: &str) -> u32 {
        self.store.visit(visit).await.unwrap().unwrap().remaining
    }

    pub async fn booking_count(&self) -> usize {
        let filter = booking_fn::model::BookingFilter {
            include_cancelled: true,
            ..Default::default()
        };
        self.store
            .list_bookings(&filter, Utc::now())
            .await
            .unwrap()
            .len()
    }
}

#[derive(Debug)]
pub struct Resp {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl Resp {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .map(|v| v.to_str().unwrap())
            .unwrap_or("")
    }

    pub fn location(&self) -> &str {
        self.header("location")
    }

    /// The `message` of each problem+json field error, as (field, message).
    pub fn field_errors(&self) -> Vec<(String, String)> {
        assert_eq!(
            self.header("content-type"),
            "application/problem+json",
            "{}",
            self.body
        );
        self.json()["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                (
                    e["field"].as_str().unwrap().to_string(),
                    e["message"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    }

    /// The one field error's message.
    pub fn only_error(&self, field: &str) -> String {
        let errors = self.field_errors();
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].0, field, "{errors:?}");
        errors[0].1.clone()
    }

    /// Checks the accessible error page and that it lists `message`.
    pub fn assert_error_page(&self, message: &str) {
        assert!(
            self.header("content-type").starts_with("text/html"),
            "{}",
            self.body
        );
        assert!(
            self.body.contains("<title>Error: There is a problem – "),
            "{}",
            self.body
        );
        assert!(self.body.contains("role=\"alert\""), "{}", self.body);
        assert!(
            self.body.contains(">There is a problem</h2>"),
            "{}",
            self.body
        );
        assert!(self.body.contains("Go back and change your answers"));
        let escaped = booking_fn::api::html::esc(message);
        assert!(
            self.body.contains(&escaped),
            "page does not say {message:?}:\n{}",
            self.body
        );
    }
}

pub async fn send(router: &Router, request: Request<Body>) -> Resp {
    let response = router.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    Resp {
        status,
        headers,
        body: String::from_utf8(bytes.to_vec()).unwrap(),
    }
}

pub async fn get(router: &Router, uri: &str) -> Resp {
    send(
        router,
        Request::builder().uri(uri).body(Body::empty()).unwrap(),
    )
    .await
}

pub async fn form(router: &Router, uri: &str, body: &str) -> Resp {
    send(
        router,
        Request::builder()
            .method(Method::POST)
            .uri(uri)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body.to_string()))
            .unwrap(),
    )
    .await
}

pub async fn json(router: &Router, uri: &str, body: &serde_json::Value) -> Resp {
    send(
        router,
        Request::builder()
            .method(Method::POST)
            .uri(uri)
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(body.to_string()))
            .unwrap(),
    )
    .await
}

/// A valid booking for `visit` by school `urn`, as JSON.
pub fn booking_json(visit: &str, urn: &str) -> serde_json::Value {
    serde_json::json!({
        "visit": visit,
        "school_name": "Fenland Edge Nursery School",
        "school_urn": urn,
        "school_region": "east-of-england",
        "contact_name": "Ada Lovelace",
        "contact_role": "Deputy headteacher",
        "email": "ada@fenland.sch.uk",
        "places": 2,
        "needs": "Step-free access",
        "consent": "yes",
        "website": "",
    })
}

/// The same as a form body.
pub fn booking_form(visit: &str, urn: &str) -> String {
    format!(
        "visit={visit}&school_name=Fenland+Edge+Nursery+School&school_urn={urn}\
         &school_region=east-of-england&contact_name=Ada+Lovelace\
         &contact_role=Deputy+headteacher&email=ada%40fenland.sch.uk&places=2\
         &needs=Step-free+access&consent=yes&website="
    )
}

/// `booking_json` with one field replaced (or removed, for `Null`).
pub fn booking_with(
    visit: &str,
    urn: &str,
    field: &str,
    value: serde_json::Value,
) -> serde_json::Value {
    let mut b = booking_json(visit, urn);
    if value.is_null() {
        b.as_object_mut().unwrap().remove(field);
    } else {
        b[field] = value;
    }
    b
}

/// Splits `/api/bookings/REF?token=T&new=1` into (REF, T).
pub fn ref_and_token(location: &str) -> (String, String) {
    let rest = location.strip_prefix("/api/bookings/").unwrap();
    let (reference, query) = rest.split_once('?').unwrap();
    let token = query
        .split('&')
        .find_map(|p| p.strip_prefix("token="))
        .unwrap();
    (reference.to_string(), token.to_string())
}
