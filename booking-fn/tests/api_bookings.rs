//! `POST /api/bookings` and `POST /api/bookings/check` through the Router:
//! both content types, every field error, the booking rules, idempotency and
//! the honeypot.

mod api_support;

use std::sync::Arc;

use api_support::*;
use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use booking_fn::clock::FixedClock;
use booking_fn::store::Store;
use booking_fn::tokens::sha256_hex;
use chrono::TimeDelta;
use serde_json::json;

#[tokio::test]
async fn json_booking_is_created_and_only_the_token_hash_is_stored() {
    let app = App::new().await;
    let r = app
        .json("/api/bookings", &booking_json("open-visit", "123456"))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let b = r.json();
    let reference = b["reference"].as_str().unwrap();
    let token = b["token"].as_str().unwrap();
    assert!(
        reference.starts_with("IK-") && reference.len() == 12,
        "{reference}"
    );
    assert_eq!(token.len(), 32);
    assert_eq!(b["visit"], "open-visit");
    assert_eq!(b["places"], 2);
    assert_eq!(b["status"], "confirmed");
    assert_eq!(
        b["booking_url"],
        format!("/api/bookings/{reference}?token={token}")
    );
    assert_eq!(b["cancel_url"], format!("/api/bookings/{reference}/cancel"));
    assert_eq!(
        b["feedback_url"],
        format!("/api/feedback?reference={reference}&token={token}")
    );
    assert_eq!(
        b["calendar_url"],
        format!("/api/bookings/{reference}/calendar.ics?token={token}")
    );
    assert_eq!(r.header("cache-control"), "no-store");

    let stored = app
        .store
        .booking(reference, chrono::Utc::now())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.token_hash, sha256_hex(token));
    assert_eq!(stored.school_name, "Fenland Edge Nursery School");
    assert_eq!(stored.needs.as_deref(), Some("Step-free access"));
    assert_eq!(stored.idempotency_key_hash, None);
    let expected_expiry = day(30 + 365)
        .and_hms_opt(0, 0, 0)
        .unwrap()
        .and_utc()
        .timestamp();
    assert_eq!(stored.expires_at, expected_expiry);
    assert_eq!(app.remaining("open-visit").await, 8);
}

#[tokio::test]
async fn form_booking_redirects_to_the_private_page() {
    let app = App::new().await;
    let r = app
        .form("/api/bookings", &booking_form("open-visit", "123456"))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let location = r.location().to_string();
    assert!(location.ends_with("&new=1"), "{location}");
    let (reference, token) = ref_and_token(&location);

    let page = app.get(&location).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page
        .body
        .contains("<h1 class=\"ik-panel__title\">Booking confirmed</h1>"));
    assert!(page.body.contains(&format!("<strong>{reference}</strong>")));
    assert!(page.body.contains("Thursday") || page.body.contains("day "));
    assert!(page.body.contains(&format!(
        "href=\"/api/bookings/{reference}/calendar.ics?token={token}\""
    )));
    assert!(page
        .body
        .contains(&format!("action=\"/api/bookings/{reference}/cancel\"")));
    assert!(page.body.contains("You can give feedback from"));
    assert!(
        page.body.contains(&format!(
            "href=\"/api/feedback?reference={reference}&amp;token="
        )),
        "the private feedback link is there from the start"
    );
    assert_eq!(page.header("cache-control"), "no-store");
    assert_eq!(page.header("referrer-policy"), "no-referrer");
    assert_eq!(page.header("x-content-type-options"), "nosniff");
    assert!(page
        .header("content-security-policy")
        .contains("default-src 'none'"));
    assert_eq!(app.remaining("open-visit").await, 8);
}

#[tokio::test]
async fn missing_fields_are_each_named_in_json() {
    let app = App::new().await;
    let r = app.json("/api/bookings", &json!({})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let problem = r.json();
    assert_eq!(problem["status"], 422);
    assert_eq!(problem["title"], "Your booking could not be made");
    assert_eq!(problem["detail"], "9 answers need changing.");
    assert_eq!(
        r.field_errors(),
        [
            ("visit", "Select a visit date"),
            ("school_name", "Enter the name of your school"),
            ("school_urn", "Enter your school's URN"),
            ("school_region", "Select your school's region"),
            (
                "contact_name",
                "Enter the name of the person to contact about the visit"
            ),
            (
                "contact_role",
                "Enter the contact's role, like deputy headteacher"
            ),
            ("email", "Enter an email address"),
            ("places", "Enter the number of places"),
            (
                "consent",
                "Confirm that you have read the privacy notice and agree to it"
            ),
        ]
        .map(|(f, m)| (f.to_string(), m.to_string()))
    );
    assert_eq!(app.booking_count().await, 0);
}

#[tokio::test]
async fn missing_fields_are_listed_on_an_accessible_page() {
    let app = App::new().await;
    let r = app.form("/api/bookings", "visit=open-visit&website=").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    for message in [
        "Enter the name of your school",
        "Enter your school's URN",
        "Select your school's region",
        "Enter the name of the person to contact about the visit",
        "Enter the contact's role, like deputy headteacher",
        "Enter an email address",
        "Enter the number of places",
        "Confirm that you have read the privacy notice and agree to it",
    ] {
        r.assert_error_page(message);
    }
    // Links go back to the fields on the host page.
    assert!(
        r.body
            .contains(&format!("<a href=\"{HOST_PATH}#school_name\">")),
        "{}",
        r.body
    );
    assert!(r
        .body
        .contains(&format!("href=\"{HOST_PATH}\" class=\"ik-back-link\"")));
    assert!(r.body.contains("<title>Error: There is a problem – Your booking could not be made – Inside Knowledge</title>"));
    assert!(r.body.contains("<html lang=\"en-GB\">"));
    assert!(r
        .body
        .contains("<main class=\"ik-main\" id=\"main-content\">"));
    assert_eq!(r.body.matches("<h1").count(), 1);
    assert!(!r.body.contains("<script"));
    assert!(!r.body.contains("javascript:"));
}

#[tokio::test]
async fn error_page_links_home_when_the_visit_is_unknown() {
    let app = App::new().await;
    let r = app
        .form("/api/bookings", &booking_form("no-such-visit", "123456"))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    r.assert_error_page(
        "The visit date you chose is not on the site any more. Choose another date",
    );
    assert!(r.body.contains("href=\"/\" class=\"ik-back-link\""));
}

#[tokio::test]
async fn each_bad_value_gets_its_own_message() {
    let app = App::new().await;
    let long_name = "x".repeat(121);
    let long_needs = "n".repeat(1001);
    let cases: Vec<(&str, serde_json::Value, &str)> = vec![
        (
            "school_urn",
            json!("12345"),
            "Enter your school's URN as 6 digits, like 100001",
        ),
        (
            "school_urn",
            json!("12345a"),
            "Enter your school's URN as 6 digits, like 100001",
        ),
        (
            "school_region",
            json!("North West"),
            "Select your school's region from the list",
        ),
        (
            "email",
            json!("ada@"),
            "Enter an email address in the correct format, like name@school.org.uk",
        ),
        (
            "email",
            json!("ada fenland@sch.uk"),
            "Enter an email address in the correct format, like name@school.org.uk",
        ),
        (
            "places",
            json!("two"),
            "Number of places must be a whole number, like 2",
        ),
        (
            "places",
            json!(2.5),
            "Number of places must be a whole number, like 2",
        ),
        ("places", json!(-3), "Number of places must be 1 or more"),
        ("places", json!(0), "Number of places must be 1 or more"),
        (
            "places",
            json!("99999999999999999999"),
            "Number of places is too large",
        ),
        (
            "places",
            json!(4),
            "Number of places must be between 1 and 3 for this visit date",
        ),
        (
            "school_name",
            json!(long_name),
            "School name must be 120 characters or fewer",
        ),
        (
            "contact_name",
            json!("Ada\nLovelace"),
            "Contact name must not contain line breaks or control characters",
        ),
        (
            "contact_role",
            json!("Head\u{0}"),
            "Contact role must not contain line breaks or control characters",
        ),
        (
            "needs",
            json!(long_needs),
            "Access or other needs must be 1000 characters or fewer",
        ),
        (
            "consent",
            json!("no"),
            "Confirm that you have read the privacy notice and agree to it",
        ),
        (
            "consent",
            json!(false),
            "Confirm that you have read the privacy notice and agree to it",
        ),
        (
            "visit",
            json!("bad id!"),
            "Select a visit date from the list",
        ),
        (
            "idempotency_key",
            json!("short"),
            "The idempotency key must be 16 to 100 letters, digits, hyphens or underscores",
        ),
        (
            "idempotency_key",
            json!("has spaces in it, sixteen+"),
            "The idempotency key must be 16 to 100 letters, digits, hyphens or underscores",
        ),
    ];
    for (field, value, message) in cases {
        let r = app
            .json(
                "/api/bookings",
                &booking_with("open-visit", "123456", field, value.clone()),
            )
            .await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{field}={value}: {}",
            r.body
        );
        assert_eq!(r.only_error(field), message, "{field}={value}");
    }
    assert_eq!(app.booking_count().await, 0);
    assert_eq!(app.remaining("open-visit").await, 10);
}

#[tokio::test]
async fn markup_in_text_is_refused_and_other_text_is_trimmed_and_escaped() {
    let app = App::new().await;
    for (field, value) in [
        ("school_name", "<script>alert('x')</script> School"),
        ("contact_role", "Head</td>"),
        ("needs", "Ramp please <img src=x onerror=alert(1)>"),
        ("contact_name", "Ada \u{202E}ecalevol"),
    ] {
        let body = booking_with("open-visit", "123456", field, json!(value));
        let r = app.json("/api/bookings", &body).await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{field}: {}",
            r.body
        );
        let message = r.only_error(field);
        assert!(message.contains("must not contain"), "{field}: {message}");
    }
    assert_eq!(app.booking_count().await, 0, "nothing stored");

    let body = booking_with(
        "open-visit",
        "123456",
        "school_name",
        json!("  St Mary's & St John's <3 School  "),
    );
    let r = app.json("/api/bookings", &body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let url = r.json()["booking_url"].as_str().unwrap().to_string();
    let reference = r.json()["reference"].as_str().unwrap().to_string();
    let stored = app
        .store
        .booking(&reference, chrono::Utc::now())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.school_name, "St Mary's & St John's <3 School");
    let page = app.get(&url).await;
    assert!(page
        .body
        .contains("St Mary&#39;s &amp; St John&#39;s &lt;3 School"));
}

#[tokio::test]
async fn visit_rules_refuse_with_specific_messages() {
    let app = App::new().await;
    let cases = [
        (
            "no-such-visit",
            StatusCode::UNPROCESSABLE_ENTITY,
            "The visit date you chose is not on the site any more. Choose another date".to_string(),
        ),
        (
            "withdrawn-visit",
            StatusCode::UNPROCESSABLE_ENTITY,
            "This visit date has been withdrawn by the host. Choose another date".to_string(),
        ),
        (
            "past-visit",
            StatusCode::UNPROCESSABLE_ENTITY,
            "This visit date has already passed. Choose another date".to_string(),
        ),
        (
            "closed-visit",
            StatusCode::UNPROCESSABLE_ENTITY,
            format!(
                "Bookings for this visit date closed on {}. Choose another date",
                day(-1).format("%A %-d %B %Y")
            ),
        ),
    ];
    for (visit, status, message) in cases {
        let r = app
            .json("/api/bookings", &booking_json(visit, "123456"))
            .await;
        assert_eq!(r.status, status, "{visit}: {}", r.body);
        assert_eq!(r.only_error("visit"), message, "{visit}");
        let f = app
            .form("/api/bookings", &booking_form(visit, "123456"))
            .await;
        assert_eq!(f.status, status, "{visit}");
        f.assert_error_page(&message);
    }
    assert_eq!(app.booking_count().await, 0);
}

#[tokio::test]
async fn a_date_that_is_full_or_short_of_places_is_a_conflict() {
    let app = App::new().await;
    let one = booking_with("small-visit", "200001", "places", json!(1));
    assert_eq!(
        app.json("/api/bookings", &one).await.status,
        StatusCode::CREATED
    );
    let r = app
        .json("/api/bookings", &booking_json("small-visit", "200002"))
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert_eq!(
        r.only_error("places"),
        "Only 1 place is left on this visit date"
    );

    let other = booking_with("small-visit", "200003", "places", json!(1));
    assert_eq!(
        app.json("/api/bookings", &other).await.status,
        StatusCode::CREATED
    );
    let r = app
        .json("/api/bookings", &booking_json("small-visit", "200004"))
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(
        r.only_error("visit"),
        "This visit date is fully booked. Choose another date"
    );
    let f = app
        .form("/api/bookings", &booking_form("small-visit", "200004"))
        .await;
    assert_eq!(f.status, StatusCode::CONFLICT);
    f.assert_error_page("This visit date is fully booked. Choose another date");
    assert_eq!(app.remaining("small-visit").await, 0);
    assert_eq!(app.booking_count().await, 2);
}

#[tokio::test]
async fn same_region_rule_names_the_hosts_region() {
    let app = App::new().await;
    let wrong = booking_with("open-visit", "123456", "school_region", json!("north-west"));
    let r = app.json("/api/bookings", &wrong).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        r.only_error("school_region"),
        "Brook Lane Primary only takes bookings from schools in East of England"
    );
    // A host without the rule takes any region.
    let anywhere = booking_with(
        "other-host-visit",
        "123456",
        "school_region",
        json!("north-west"),
    );
    assert_eq!(
        app.json("/api/bookings", &anywhere).await.status,
        StatusCode::CREATED
    );
}

#[tokio::test]
async fn a_second_booking_by_the_same_school_names_the_first() {
    let app = App::new().await;
    let first = app
        .json("/api/bookings", &booking_json("open-visit", "123456"))
        .await;
    let reference = first.json()["reference"].as_str().unwrap().to_string();
    let again = booking_with("open-visit", "123456", "places", json!(1));
    let r = app.json("/api/bookings", &again).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(
        r.only_error("school_urn"),
        format!(
            "Your school already has a booking for this visit date (reference {reference}). \
             Use the link from that booking's confirmation to change or cancel it"
        )
    );
    let f = app
        .form("/api/bookings", &booking_form("open-visit", "123456"))
        .await;
    assert_eq!(f.status, StatusCode::CONFLICT);
    f.assert_error_page(&format!("(reference {reference})"));
    assert_eq!(app.remaining("open-visit").await, 8);
    assert_eq!(app.booking_count().await, 1);
}

#[tokio::test]
async fn a_repeat_with_the_same_idempotency_key_gets_the_first_answer() {
    let app = App::new().await;
    let key = "double-submit-key-0001";
    let body = booking_with("open-visit", "123456", "idempotency_key", json!(key));
    let first = app.json("/api/bookings", &body).await;
    assert_eq!(first.status, StatusCode::CREATED);
    let second = app.json("/api/bookings", &body).await;
    assert_eq!(second.status, StatusCode::CREATED, "{}", second.body);
    assert_eq!(first.json(), second.json());

    // The header works the same.
    let header_request = Request::builder()
        .method(Method::POST)
        .uri("/api/bookings")
        .header(header::CONTENT_TYPE, "application/json")
        .header("Idempotency-Key", key)
        .body(Body::from(booking_json("open-visit", "123456").to_string()))
        .unwrap();
    let third = app.send(header_request).await;
    assert_eq!(third.status, StatusCode::CREATED, "{}", third.body);
    assert_eq!(first.json(), third.json());
    assert_eq!(app.booking_count().await, 1);
    assert_eq!(app.remaining("open-visit").await, 8);
    let stored = app
        .store
        .booking(
            first.json()["reference"].as_str().unwrap(),
            chrono::Utc::now(),
        )
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.idempotency_key_hash, Some(sha256_hex(key)));

    // A different key for the same school and date is a real second booking.
    let other_key = booking_with(
        "open-visit",
        "123456",
        "idempotency_key",
        json!("another-key-000000001"),
    );
    assert_eq!(
        app.json("/api/bookings", &other_key).await.status,
        StatusCode::CONFLICT
    );

    // After 24 hours the key no longer replays. Measured from the app's
    // clock (noon today), not the wall clock: before noon, "now + 25 h"
    // would still be inside the window.
    let noon = today().and_hms_opt(12, 0, 0).unwrap().and_utc();
    let later = noon + TimeDelta::hours(25);
    let router = app.at(Arc::new(FixedClock(later)));
    let r = json(&router, "/api/bookings", &body).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
}

#[tokio::test]
async fn a_double_submitted_form_gets_the_same_redirect() {
    let app = App::new().await;
    let body = format!(
        "{}&idempotency_key=form-key-abcdef-123456",
        booking_form("small-visit", "123456")
    );
    let first = app.form("/api/bookings", &body).await;
    assert_eq!(first.status, StatusCode::SEE_OTHER, "{}", first.body);
    // The first took the last places: the repeat must still replay, not say "full".
    assert_eq!(app.remaining("small-visit").await, 0);
    let second = app.form("/api/bookings", &body).await;
    assert_eq!(second.status, StatusCode::SEE_OTHER, "{}", second.body);
    assert_eq!(first.location(), second.location());
    assert_eq!(app.booking_count().await, 1);
}

#[tokio::test]
async fn the_key_in_field_and_header_must_agree() {
    let app = App::new().await;
    let body = booking_with(
        "open-visit",
        "123456",
        "idempotency_key",
        json!("field-key-0000000001"),
    );
    let request = Request::builder()
        .method(Method::POST)
        .uri("/api/bookings")
        .header(header::CONTENT_TYPE, "application/json")
        .header("Idempotency-Key", "header-key-000000001")
        .body(Body::from(body.to_string()))
        .unwrap();
    let r = app.send(request).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        r.only_error("idempotency_key"),
        "The idempotency_key field and the Idempotency-Key header must be the same"
    );
}

#[tokio::test]
async fn a_filled_honeypot_looks_successful_and_stores_nothing() {
    let app = App::new().await;
    let bot = booking_with(
        "open-visit",
        "123456",
        "website",
        json!("http://spam.example"),
    );
    let r = app.json("/api/bookings", &bot).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert!(r.json()["reference"].as_str().unwrap().starts_with("IK-"));
    let f = app
        .form(
            "/api/bookings",
            &booking_form("open-visit", "123456").replace("website=", "website=spam"),
        )
        .await;
    assert_eq!(f.status, StatusCode::SEE_OTHER);
    assert!(f.location().starts_with("/api/bookings/IK-"));
    assert_eq!(app.booking_count().await, 0);
    assert_eq!(app.remaining("open-visit").await, 10);
}

#[tokio::test]
async fn malformed_requests_get_specific_4xx_answers() {
    let app = App::new().await;
    let send_raw = |content_type: Option<&'static str>, body: Vec<u8>| {
        let mut b = Request::builder().method(Method::POST).uri("/api/bookings");
        if let Some(ct) = content_type {
            b = b.header(header::CONTENT_TYPE, ct);
        }
        b.body(Body::from(body)).unwrap()
    };

    let r = app.send(send_raw(None, b"visit=x".to_vec())).await;
    assert_eq!(r.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    r.assert_error_page("The request has no Content-Type. Send application/x-www-form-urlencoded (a plain HTML form) or application/json.");

    let r = app
        .send(send_raw(Some("text/plain"), b"hello".to_vec()))
        .await;
    assert_eq!(r.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    r.assert_error_page("Content-Type \"text/plain\" is not accepted.");

    let r = app
        .send(send_raw(
            Some("multipart/form-data; boundary=x"),
            b"--x--".to_vec(),
        ))
        .await;
    assert_eq!(r.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);

    let r = app
        .send(send_raw(
            Some("application/json; charset=latin1"),
            b"{}".to_vec(),
        ))
        .await;
    assert_eq!(r.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(r.header("content-type"), "application/problem+json");
    assert_eq!(
        r.json()["detail"],
        "The character set \"latin1\" is not accepted; use UTF-8. Send application/x-www-form-urlencoded (a plain HTML form) or application/json."
    );

    let big = format!(
        "{}&needs={}",
        booking_form("open-visit", "123456"),
        "a".repeat(17 * 1024)
    );
    let r = app
        .send(send_raw(
            Some("application/x-www-form-urlencoded"),
            big.into_bytes(),
        ))
        .await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    r.assert_error_page(
        "The form sent is larger than 16 KB. Shorten the longer answers and try again.",
    );

    let r = app
        .send(send_raw(Some("application/json"), b"{\"visit\": ".to_vec()))
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(
        r.json()["detail"]
            .as_str()
            .unwrap()
            .starts_with("The request body is not valid JSON: EOF while parsing"),
        "{}",
        r.body
    );

    let r = app
        .send(send_raw(Some("application/json"), b"[1, 2]".to_vec()))
        .await;
    assert_eq!(
        r.json()["detail"],
        "The request body must be a JSON object of fields."
    );

    let r = app
        .send(send_raw(Some("application/json"), b"".to_vec()))
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        r.json()["detail"],
        "The request body is empty; send a JSON object of fields."
    );

    let r = app
        .send(send_raw(
            Some("application/json"),
            b"{\"visit\": \"\xff\"}".to_vec(),
        ))
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        r.json()["detail"],
        "The request body is not valid UTF-8 text."
    );

    let r = app
        .send(send_raw(
            Some("application/x-www-form-urlencoded"),
            b"visit=\xff".to_vec(),
        ))
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    r.assert_error_page("The form data is not valid UTF-8 text.");

    let r = app.form("/api/bookings", "visit=%C3%28").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    r.assert_error_page("The form field `visit` is not valid percent-encoded UTF-8.");

    let r = app.form("/api/bookings", "places=1&places=2").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    r.assert_error_page("The form field `places` was sent more than once.");

    let mut extra = booking_json("open-visit", "123456");
    extra["colour"] = json!("blue");
    extra["admin"] = json!(true);
    let r = app.json("/api/bookings", &extra).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        r.field_errors(),
        vec![
            (
                "admin".to_string(),
                "The field `admin` is not part of this form".to_string()
            ),
            (
                "colour".to_string(),
                "The field `colour` is not part of this form".to_string()
            ),
        ]
    );
    assert_eq!(
        r.json()["detail"],
        "The request has fields this form does not have: admin, colour."
    );

    let r = app
        .json("/api/bookings", &json!({"visit": ["open-visit"]}))
        .await;
    assert_eq!(
        r.json()["detail"],
        "The field `visit` must be text, a number or true/false, not a list or object."
    );
    assert_eq!(app.booking_count().await, 0);
}

#[tokio::test]
async fn check_validates_without_storing() {
    let app = App::new().await;
    let r = app
        .json("/api/bookings/check", &booking_json("open-visit", "123456"))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json(), json!({"valid": true}));
    let r = app
        .json(
            "/api/bookings/check",
            &booking_with("open-visit", "123456", "email", json!("nope")),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        r.only_error("email"),
        "Enter an email address in the correct format, like name@school.org.uk"
    );
    let f = app
        .form(
            "/api/bookings/check",
            &booking_form("closed-visit", "123456"),
        )
        .await;
    assert_eq!(f.status, StatusCode::UNPROCESSABLE_ENTITY);
    f.assert_error_page("Bookings for this visit date closed on");
    assert_eq!(app.booking_count().await, 0);
    assert_eq!(app.remaining("open-visit").await, 10);
}

#[tokio::test]
async fn check_your_answers_page_confirms_into_a_booking() {
    let app = App::new().await;
    let body = booking_form("open-visit", "123456")
        .replace("Ada+Lovelace", "Ada+%22%3C3%22+O%27Lovelace+%26+Co");
    let r = app.form("/api/bookings/check", &body).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let page = &r.body;
    assert!(page.contains("<title>Check your answers before booking – Inside Knowledge</title>"));
    assert!(page.contains("<form method=\"post\" action=\"/api/bookings\" novalidate>"));
    assert!(page.contains("<button type=\"submit\" class=\"ik-button\">Confirm booking</button>"));
    assert!(page.contains(&format!("<a href=\"{HOST_PATH}#school_name\">Change")));
    assert!(page.contains("Ada &quot;&lt;3&quot; O&#39;Lovelace &amp; Co"));
    assert!(!page.contains("<b>"));
    assert_eq!(app.booking_count().await, 0);

    // Post the hidden fields back, as the Confirm button does, twice.
    let fields = hidden_fields(page);
    let names: Vec<&str> = fields.iter().map(|(n, _)| n.as_str()).collect();
    assert!(
        names.contains(&"idempotency_key") && names.contains(&"consent"),
        "{names:?}"
    );
    let encoded: Vec<String> = fields
        .iter()
        .map(|(n, v)| format!("{n}={}", booking_fn::api::html::url_encode(v)))
        .collect();
    let confirm = encoded.join("&");
    let first = app.form("/api/bookings", &confirm).await;
    assert_eq!(first.status, StatusCode::SEE_OTHER, "{}", first.body);
    let second = app.form("/api/bookings", &confirm).await;
    assert_eq!(second.location(), first.location());
    assert_eq!(app.booking_count().await, 1);
    let (reference, _) = ref_and_token(first.location());
    let stored = app
        .store
        .booking(&reference, chrono::Utc::now())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.contact_name, "Ada \"<3\" O'Lovelace & Co");
}

/// The hidden inputs of a page, unescaped (enough for our own markup).
fn hidden_fields(page: &str) -> Vec<(String, String)> {
    page.lines()
        .filter(|l| l.starts_with("<input type=\"hidden\""))
        .map(|l| {
            let attr = |name: &str| {
                let start = l.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
                let end = start + l[start..].find('"').unwrap();
                l[start..end]
                    .replace("&lt;", "<")
                    .replace("&gt;", ">")
                    .replace("&quot;", "\"")
                    .replace("&#39;", "'")
                    .replace("&amp;", "&")
            };
            (attr("name"), attr("value"))
        })
        .collect()
}

#[tokio::test]
async fn a_form_sent_without_a_date_links_back_to_the_host_page_it_came_from() {
    let app = App::new().await;
    let body = booking_form("", "123456");
    let send = |referer: &'static str| {
        let request = Request::builder()
            .method(Method::POST)
            .uri("/api/bookings/check")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::REFERER, referer)
            .body(Body::from(body.clone()))
            .unwrap();
        app.send(request)
    };
    let r = send("http://127.0.0.1:1111/hosts/brook-lane-primary/?utm=x").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    r.assert_error_page("Select a visit date");
    assert!(
        r.body.contains("href=\"/hosts/brook-lane-primary/#visit\""),
        "{}",
        r.body
    );
    // Anything but a host page's path falls back to the home page.
    for referer in [
        "http://127.0.0.1:1111/search/",
        "https://elsewhere.example/hosts/x\"onmouseover/",
        "not a url",
    ] {
        let r = send(referer).await;
        assert!(r.body.contains("href=\"/#visit\""), "{referer}: {}", r.body);
    }
}

#[tokio::test]
async fn a_school_booking_again_on_a_date_it_filled_hears_of_its_own_booking() {
    let app = App::new().await;
    let first = app
        .json("/api/bookings", &booking_json("small-visit", "123456"))
        .await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.body);
    assert_eq!(app.remaining("small-visit").await, 0);
    let reference = first.json()["reference"].as_str().unwrap().to_string();
    let again = app
        .json("/api/bookings", &booking_json("small-visit", "123456"))
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT, "{}", again.body);
    assert!(
        again.only_error("school_urn").contains(&reference),
        "{}",
        again.body
    );
    // Another school is told the date is full.
    let other = app
        .json("/api/bookings", &booking_json("small-visit", "654321"))
        .await;
    assert_eq!(other.status, StatusCode::CONFLICT);
    assert_eq!(
        other.only_error("visit"),
        "This visit date is fully booked. Choose another date"
    );
    assert_eq!(app.booking_count().await, 1);
}

#[tokio::test]
async fn a_visit_from_another_host_sent_from_a_host_page_is_refused() {
    let app = App::new().await;
    let send = |referer: &'static str| {
        let request = Request::builder()
            .method(Method::POST)
            .uri("/api/bookings")
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::REFERER, referer)
            .body(Body::from(booking_json("open-visit", "123456").to_string()))
            .unwrap();
        app.send(request)
    };
    let r = send("https://ik.example.org/hosts/some-other-school/").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(
        r.only_error("visit")
            .contains("not at the school whose page you were on"),
        "{}",
        r.body
    );
    assert_eq!(app.booking_count().await, 0);
    let ok = send("https://ik.example.org/hosts/brook-lane-primary/").await;
    assert_eq!(ok.status, StatusCode::CREATED, "{}", ok.body);
}

#[tokio::test]
async fn unknown_addresses_and_methods_are_explained() {
    let app = App::new().await;
    let r = app.get("/api/nothing-here").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(r.header("content-type"), "application/problem+json");
    assert!(
        r.body.contains("There is nothing at this address"),
        "{}",
        r.body
    );
    let r = app.get("/api/bookings").await;
    assert_eq!(r.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(r.header("allow"), "POST");
    assert!(r.body.contains("does not take that method"), "{}", r.body);
}
