//! The rest of the API through the Router: health, availability, the private
//! booking page, cancelling (and rebooking), feedback with a moved clock, and
//! store failures.

mod api_support;

use std::sync::Arc;

use api_support::*;
use async_trait::async_trait;
use axum::http::StatusCode;
use booking_fn::api::{router, AppState};
use booking_fn::clock::{Clock, FixedClock, ShiftedClock, SystemClock};
use booking_fn::config::ApiConfig;
use booking_fn::model::{Booking, BookingFilter, Feedback, SyncReport, VisitRecord};
use booking_fn::slots::Slot;
use booking_fn::store::{BookingRefused, CancelRefused, FeedbackRefused, Store, StoreError};
use chrono::{DateTime, Utc};
use serde_json::json;

const NOT_FOUND: &str = "We could not find a booking with that reference and link. Check that you used the full link from your confirmation page.";

async fn book(app: &App, visit: &str, urn: &str) -> (String, String) {
    let r = app.json("/api/bookings", &booking_json(visit, urn)).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let b = r.json();
    (
        b["reference"].as_str().unwrap().to_string(),
        b["token"].as_str().unwrap().to_string(),
    )
}

fn shifted(days: i64) -> Arc<dyn Clock> {
    Arc::new(ShiftedClock::to_today(day(days)))
}

#[tokio::test]
async fn health_answers_ok() {
    let app = App::new().await;
    let r = app.get("/api/health").await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json()["status"], "ok");
}

#[tokio::test]
async fn availability_lists_each_date_with_its_status() {
    let app = App::new().await;
    book(&app, "small-visit", "200001").await;
    let r = app.get("/api/availability?host=100001").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.header("cache-control"), "public, max-age=15");
    let body = r.json();
    assert_eq!(body["host"], "100001");
    let visits = body["visits"].as_array().unwrap();
    let status_of = |id: &str| {
        let v = visits.iter().find(|v| v["id"] == id).unwrap();
        (
            v["status"].as_str().unwrap().to_string(),
            v["remaining"].as_u64().unwrap(),
        )
    };
    assert_eq!(status_of("open-visit"), ("open".to_string(), 10));
    assert_eq!(status_of("small-visit"), ("full".to_string(), 0));
    assert_eq!(status_of("closed-visit").0, "closed");
    assert_eq!(status_of("past-visit").0, "past");
    assert_eq!(status_of("withdrawn-visit").0, "withdrawn");
    let open = visits.iter().find(|v| v["id"] == "open-visit").unwrap();
    assert_eq!(
        open,
        &json!({"id": "open-visit", "date": day(30).to_string(), "start": "09:30", "end": "12:00",
                "places": 10, "remaining": 10, "status": "open"})
    );
    // Ordered by date.
    let dates: Vec<&str> = visits.iter().map(|v| v["date"].as_str().unwrap()).collect();
    let mut sorted = dates.clone();
    sorted.sort();
    assert_eq!(dates, sorted);

    let none = app.get("/api/availability?host=999999").await;
    assert_eq!(none.json(), json!({"host": "999999", "visits": []}));
}

#[tokio::test]
async fn availability_needs_a_six_digit_host() {
    let app = App::new().await;
    for (uri, message) in [
        (
            "/api/availability",
            "Give the host school's URN, like ?host=100001",
        ),
        (
            "/api/availability?host=12",
            "The host school's URN must be 6 digits, like 100001",
        ),
        (
            "/api/availability?host=%FF",
            "Give the host school's URN, like ?host=100001",
        ),
    ] {
        let r = app.get(uri).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{uri}");
        assert_eq!(r.only_error("host"), message, "{uri}");
    }
}

#[tokio::test]
async fn the_booking_page_needs_the_right_token() {
    let app = App::new().await;
    let (reference, token) = book(&app, "open-visit", "123456").await;
    let page = app
        .get(&format!("/api/bookings/{reference}?token={token}"))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains(&format!(
        "<h1 class=\"ik-heading-l\">Your booking {reference}</h1>"
    )));
    assert!(
        !page.body.contains("ik-panel"),
        "the panel is for new bookings only"
    );
    assert!(page.body.contains("Ada Lovelace") && page.body.contains("Step-free access"));
    assert!(page.body.contains("<input type=\"hidden\" name=\"token\""));
    // The reference is read as people type it.
    let lower = app
        .get(&format!(
            "/api/bookings/{}?token={token}",
            reference.to_lowercase()
        ))
        .await;
    assert_eq!(lower.status, StatusCode::OK);

    let wrong_token = "0".repeat(32);
    for uri in [
        format!("/api/bookings/{reference}?token={wrong_token}"),
        format!("/api/bookings/{reference}"),
        format!("/api/bookings/IK-0000-0000?token={token}"),
        format!("/api/bookings/not-a-reference?token={token}"),
    ] {
        let r = app.get(&uri).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{uri}");
        r.assert_error_page(NOT_FOUND);
        assert!(!r.body.contains("Ada"), "{uri}");
    }
}

#[tokio::test]
async fn the_calendar_file_is_the_booking_alone_and_needs_its_token() {
    let app = App::new().await;
    let (reference, token) = book(&app, "open-visit", "123456").await;
    let uri = format!("/api/bookings/{reference}/calendar.ics?token={token}");
    let r = app.get(&uri).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.header("content-type"), "text/calendar; charset=utf-8");
    assert_eq!(
        r.header("content-disposition"),
        format!("attachment; filename=\"{reference}.ics\"")
    );
    assert_eq!(r.body.matches("BEGIN:VEVENT").count(), 1, "{}", r.body);
    let start = format!(
        "DTSTART;TZID=Europe/London:{}T093000",
        day(30).format("%Y%m%d")
    );
    assert!(r.body.contains(&start), "{}", r.body);
    assert!(r
        .body
        .contains("SUMMARY:School visit: Brook Lane Primary\r\n"));
    assert!(r
        .body
        .contains(&format!("Booking reference {reference}\\, 2 places.")));
    assert!(!r.body.contains("STATUS:CANCELLED"));
    // Calendar files get forwarded: no contact details in them.
    assert!(!r.body.contains("Ada") && !r.body.contains("fenland.sch.uk"));

    let wrong = app
        .get(&format!(
            "/api/bookings/{reference}/calendar.ics?token={}",
            "0".repeat(32)
        ))
        .await;
    assert_eq!(wrong.status, StatusCode::NOT_FOUND);
    wrong.assert_error_page(NOT_FOUND);

    app.form(
        &format!("/api/bookings/{reference}/cancel"),
        &format!("token={token}"),
    )
    .await;
    let cancelled = app.get(&uri).await;
    assert_eq!(cancelled.status, StatusCode::OK);
    assert!(
        cancelled.body.contains("STATUS:CANCELLED\r\n"),
        "re-importing marks the event cancelled: {}",
        cancelled.body
    );
}

#[tokio::test]
async fn cancel_gives_the_places_back_and_the_school_can_rebook() {
    let app = App::new().await;
    let (reference, token) = book(&app, "open-visit", "123456").await;
    assert_eq!(app.remaining("open-visit").await, 8);

    let r = app
        .form(
            &format!("/api/bookings/{reference}/cancel"),
            &format!("token={token}"),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(
        r.location(),
        format!("/api/bookings/{reference}?token={token}")
    );
    assert_eq!(app.remaining("open-visit").await, 10);
    let page = app.get(r.location()).await;
    assert!(
        page.body.contains("This booking has been cancelled"),
        "{}",
        page.body
    );
    assert!(!page.body.contains("Cancel this booking"));

    let again = app
        .form(
            &format!("/api/bookings/{reference}/cancel"),
            &format!("token={token}"),
        )
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    again.assert_error_page(&format!("Booking {reference} has already been cancelled"));
    let again_json = app
        .json(
            &format!("/api/bookings/{reference}/cancel"),
            &json!({"token": token}),
        )
        .await;
    assert_eq!(
        again_json.only_error("token"),
        format!("Booking {reference} has already been cancelled")
    );

    let (new_reference, _) = book(&app, "open-visit", "123456").await;
    assert_ne!(new_reference, reference);
    assert_eq!(app.remaining("open-visit").await, 8);
}

#[tokio::test]
async fn cancel_in_json() {
    let app = App::new().await;
    let (reference, token) = book(&app, "open-visit", "123456").await;
    let r = app
        .json(
            &format!("/api/bookings/{reference}/cancel"),
            &json!({"token": token}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(
        r.json(),
        json!({"reference": reference, "visit": "open-visit", "places": 2, "status": "cancelled"})
    );
}

#[tokio::test]
async fn cancel_refuses_wrong_tokens_alike_and_unknown_fields() {
    let app = App::new().await;
    let (reference, token) = book(&app, "open-visit", "123456").await;
    for (path, body) in [
        (
            format!("/api/bookings/{reference}/cancel"),
            json!({"token": "wrong"}),
        ),
        (format!("/api/bookings/{reference}/cancel"), json!({})),
        (
            "/api/bookings/IK-0000-0000/cancel".to_string(),
            json!({"token": token}),
        ),
        (
            "/api/bookings/%FF/cancel".to_string(),
            json!({"token": token}),
        ),
    ] {
        let r = app.json(&path, &body).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{path} {body}");
        assert_eq!(r.only_error("token"), NOT_FOUND);
    }
    let r = app
        .form(&format!("/api/bookings/{reference}/cancel"), "token=wrong")
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    r.assert_error_page(NOT_FOUND);
    let r = app
        .form(
            &format!("/api/bookings/{reference}/cancel"),
            &format!("token={token}&why=because"),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    r.assert_error_page("The field `why` is not part of this form");
    assert_eq!(app.remaining("open-visit").await, 8);
}

#[tokio::test]
async fn a_past_visit_cannot_be_cancelled() {
    let app = App::new().await;
    let (reference, token) = book(&app, "open-visit", "123456").await;
    let later = app.at(shifted(31));
    let r = json(
        &later,
        &format!("/api/bookings/{reference}/cancel"),
        &json!({"token": token}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(
        r.only_error("token"),
        "This visit has already taken place, so the booking cannot be cancelled"
    );
}

fn feedback_body(reference: &str, token: &str) -> serde_json::Value {
    json!({
        "reference": reference,
        "token": token,
        "satisfaction": 5,
        "covered_focus": "partly",
        "will_change": "Start phonics groups in Year 1",
        "recommend": "yes",
        "quote_consent": "yes",
        "comments": "Loved it & would go again <3",
    })
}

#[tokio::test]
async fn feedback_opens_on_the_visit_date_and_is_taken_once() {
    let app = App::new().await;
    let (reference, token) = book(&app, "open-visit", "123456").await;
    let visit_date = day(30).format("%A %-d %B %Y").to_string();

    // Before the visit: the form page and the POST both say when it opens.
    let page = app
        .get(&format!(
            "/api/feedback?reference={reference}&token={token}"
        ))
        .await;
    assert_eq!(page.status, StatusCode::CONFLICT);
    assert!(page.body.contains("Feedback is not open yet"));
    assert!(page.body.contains(&visit_date));
    let early = app
        .json("/api/feedback", &feedback_body(&reference, &token))
        .await;
    assert_eq!(early.status, StatusCode::CONFLICT);
    assert_eq!(
        early.only_error("reference"),
        format!("Feedback opens on the day of the visit, {visit_date}. Come back then")
    );

    // On the visit date (a shifted clock, as the local preview uses).
    let on_the_day = app.at(shifted(30));
    let page = get(
        &on_the_day,
        &format!("/api/feedback?reference={reference}&token={token}"),
    )
    .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page
        .body
        .contains("<form method=\"post\" action=\"/api/feedback\" novalidate>"));
    assert!(page
        .body
        .contains(&format!("name=\"reference\" value=\"{reference}\"")));
    assert!(page
        .body
        .contains(&format!("name=\"token\" value=\"{token}\"")));
    assert!(page.body.contains("id=\"satisfaction\""));
    let booking_page = get(
        &on_the_day,
        &format!("/api/bookings/{reference}?token={token}"),
    )
    .await;
    assert!(booking_page.body.contains("Give feedback on your visit"));

    let r = form(
        &on_the_day,
        "/api/feedback",
        &format!(
            "reference={reference}&token={token}&satisfaction=4&covered_focus=yes\
             &will_change=More+reading+aloud&recommend=no&comments="
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.location(), "/feedback/thanks/");
    let stored = app
        .store
        .feedback_for_booking(&reference, Utc::now())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.satisfaction, 4);
    assert!(!stored.recommend && !stored.quote_consent);
    assert_eq!(stored.comments, None);
    assert_eq!(
        stored.focus,
        vec!["reading".to_string(), "send".to_string()]
    );
    assert_eq!(stored.visit_date, day(30));

    let twice = json(
        &on_the_day,
        "/api/feedback",
        &feedback_body(&reference, &token),
    )
    .await;
    assert_eq!(twice.status, StatusCode::CONFLICT);
    assert_eq!(
        twice.only_error("reference"),
        format!("Feedback has already been given for booking {reference}. Thank you")
    );
    let page = get(
        &on_the_day,
        &format!("/api/feedback?reference={reference}&token={token}"),
    )
    .await;
    assert!(page.body.contains("You have already given feedback"));
}

#[tokio::test]
async fn feedback_in_json_and_its_field_errors() {
    let app = App::new().await;
    let (reference, token) = book(&app, "today-visit", "123456").await;
    let r = app
        .json(
            "/api/feedback",
            &json!({"reference": reference, "token": token, "satisfaction": 9,
                    "covered_focus": "maybe", "recommend": "perhaps", "quote_consent": "sure",
                    "will_change": "  ", "comments": "c".repeat(2001)}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(
        r.field_errors(),
        [
            (
                "satisfaction",
                "Select how satisfied you were with the visit, from 1 to 5"
            ),
            (
                "covered_focus",
                "Select whether the visit covered its focus area: yes, partly or no"
            ),
            (
                "will_change",
                "Enter what your school will change as a result of the visit"
            ),
            (
                "recommend",
                "Select whether you would recommend this visit to other schools"
            ),
            (
                "quote_consent",
                "Permission to quote must be yes, or left unticked"
            ),
            (
                "comments",
                "Other comments must be 2000 characters or fewer"
            ),
        ]
        .map(|(f, m)| (f.to_string(), m.to_string()))
    );
    let long = app
        .json(
            "/api/feedback",
            &json!({"reference": reference, "token": token, "satisfaction": "3",
                    "covered_focus": "no", "recommend": "no", "will_change": "w".repeat(2001)}),
        )
        .await;
    assert_eq!(
        long.only_error("will_change"),
        "What your school will change must be 2000 characters or fewer"
    );
    let page_error = app
        .form(
            "/api/feedback",
            &format!("reference={reference}&token={token}&satisfaction=3"),
        )
        .await;
    assert_eq!(page_error.status, StatusCode::UNPROCESSABLE_ENTITY);
    page_error
        .assert_error_page("Select whether the visit covered its focus area: yes, partly or no");
    // Back links return to the feedback form.
    assert!(page_error.body.contains(&format!(
        "href=\"/api/feedback?reference={reference}&amp;token={token}\" class=\"ik-back-link\""
    )));

    let ok = app
        .json("/api/feedback", &feedback_body(&reference, &token))
        .await;
    assert_eq!(ok.status, StatusCode::CREATED, "{}", ok.body);
    assert_eq!(
        ok.json(),
        json!({"reference": reference, "status": "received"})
    );
    let stored = app
        .store
        .feedback_for_booking(&reference, Utc::now())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        stored.comments.as_deref(),
        Some("Loved it & would go again <3")
    );
    assert!(stored.quote_consent && stored.recommend);
}

#[tokio::test]
async fn feedback_needs_a_live_booking_and_its_token() {
    let app = App::new().await;
    let (reference, token) = book(&app, "today-visit", "123456").await;
    for body in [
        feedback_body(&reference, "wrong"),
        feedback_body("IK-0000-0000", &token),
        json!({"satisfaction": 5}),
    ] {
        let r = app.json("/api/feedback", &body).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{body}");
        assert_eq!(r.only_error("reference"), NOT_FOUND);
    }
    let page = app
        .get("/api/feedback?reference=IK-0000-0000&token=x")
        .await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    page.assert_error_page(NOT_FOUND);

    let mut extra = feedback_body(&reference, &token);
    extra["rating"] = json!(5);
    let r = app.json("/api/feedback", &extra).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        r.only_error("rating"),
        "The field `rating` is not part of this form"
    );

    let cancel = app
        .json(
            &format!("/api/bookings/{reference}/cancel"),
            &json!({"token": token}),
        )
        .await;
    assert_eq!(cancel.status, StatusCode::OK);
    let r = app
        .json("/api/feedback", &feedback_body(&reference, &token))
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(
        r.only_error("reference"),
        format!("Booking {reference} was cancelled, so there is no visit to give feedback on")
    );
    let page = app
        .get(&format!(
            "/api/feedback?reference={reference}&token={token}"
        ))
        .await;
    assert!(page
        .body
        .contains("<h1 class=\"ik-heading-l\">This booking has been cancelled</h1>"));
}

/// A store that is always down, as DynamoDB is when throttled or unreachable.
struct DownStore;

fn down() -> StoreError {
    StoreError::Unavailable("throttled".into())
}

#[async_trait]
impl Store for DownStore {
    async fn sync_slots(&self, _: &[Slot]) -> Result<SyncReport, StoreError> {
        Err(down())
    }
    async fn visit(&self, _: &str) -> Result<Option<VisitRecord>, StoreError> {
        Err(down())
    }
    async fn visits_for_host(&self, _: &str) -> Result<Vec<VisitRecord>, StoreError> {
        Err(down())
    }
    async fn create_booking(&self, _: &Booking) -> Result<(), BookingRefused> {
        Err(down().into())
    }
    async fn booking(&self, _: &str, _: DateTime<Utc>) -> Result<Option<Booking>, StoreError> {
        Err(down())
    }
    async fn school_booking(
        &self,
        _: &str,
        _: &str,
        _: DateTime<Utc>,
    ) -> Result<Option<Booking>, StoreError> {
        Err(down())
    }
    async fn cancel_booking(&self, _: &str, _: DateTime<Utc>) -> Result<Booking, CancelRefused> {
        Err(down().into())
    }
    async fn add_feedback(&self, _: &Feedback) -> Result<(), FeedbackRefused> {
        Err(down().into())
    }
    async fn feedback_for_booking(
        &self,
        _: &str,
        _: DateTime<Utc>,
    ) -> Result<Option<Feedback>, StoreError> {
        Err(down())
    }
    async fn list_bookings(
        &self,
        _: &BookingFilter,
        _: DateTime<Utc>,
    ) -> Result<Vec<Booking>, StoreError> {
        Err(down())
    }
    async fn list_feedback(&self, _: DateTime<Utc>) -> Result<Vec<Feedback>, StoreError> {
        Err(down())
    }
    async fn erase_person(&self, _: &str) -> Result<Vec<String>, StoreError> {
        Err(down())
    }
    async fn purge_expired(&self, _: DateTime<Utc>) -> Result<usize, StoreError> {
        Err(down())
    }
}

#[tokio::test]
async fn a_store_failure_is_a_503_with_retry_after() {
    let r = router(AppState::new(
        Arc::new(DownStore),
        ApiConfig::default(),
        Arc::new(SystemClock),
    ));
    let message = "Sorry, the booking service is busy at the moment. Nothing has been saved. Please try again in a few seconds.";
    let answers = [
        json(&r, "/api/bookings", &booking_json("open-visit", "123456")).await,
        json(
            &r,
            "/api/bookings/IK-0000-0000/cancel",
            &json!({"token": "t"}),
        )
        .await,
        json(&r, "/api/feedback", &feedback_body("IK-0000-0000", "t")).await,
        get(&r, "/api/availability?host=100001").await,
    ];
    for a in &answers {
        assert_eq!(a.status, StatusCode::SERVICE_UNAVAILABLE, "{}", a.body);
        assert_eq!(a.header("retry-after"), "5");
        assert_eq!(a.json()["detail"], message);
    }
    let page = form(&r, "/api/bookings", &booking_form("open-visit", "123456")).await;
    assert_eq!(page.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(page.header("retry-after"), "5");
    page.assert_error_page(message);
    let booking_page = get(&r, "/api/bookings/IK-0000-0000?token=t").await;
    assert_eq!(booking_page.status, StatusCode::SERVICE_UNAVAILABLE);
}

#[tokio::test]
async fn json_urls_are_absolute_when_the_site_origin_is_set() {
    let app = App::new().await;
    let config = ApiConfig {
        site_origin: Some("https://ik.example.org".to_string()),
        ..ApiConfig::default()
    };
    let noon = today().and_hms_opt(12, 0, 0).unwrap().and_utc();
    let r = router(AppState::new(
        app.store.clone(),
        config,
        Arc::new(FixedClock(noon)),
    ));
    let answer = json(&r, "/api/bookings", &booking_json("open-visit", "123456")).await;
    let b = answer.json();
    assert!(b["booking_url"]
        .as_str()
        .unwrap()
        .starts_with("https://ik.example.org/api/bookings/IK-"));
    assert!(b["cancel_url"]
        .as_str()
        .unwrap()
        .starts_with("https://ik.example.org/api/bookings/IK-"));
    assert!(b["feedback_url"]
        .as_str()
        .unwrap()
        .starts_with("https://ik.example.org/api/feedback?reference="));
}
