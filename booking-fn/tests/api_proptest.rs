//! Property tests: arbitrary bodies, content types and query strings thrown at
//! every endpoint. The API must never panic, never answer 5xx (the store here
//! is healthy, so any 5xx would be our bug), and never put markup from the
//! request into an HTML answer.

mod api_support;

use api_support::*;
use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use booking_fn::api::html::url_encode;
use proptest::prelude::*;

const FIELD_NAMES: &[&str] = &[
    "visit",
    "school_name",
    "school_urn",
    "school_region",
    "contact_name",
    "contact_role",
    "email",
    "places",
    "needs",
    "consent",
    "website",
    "idempotency_key",
    "token",
    "reference",
    "satisfaction",
    "covered_focus",
    "will_change",
    "recommend",
    "quote_consent",
    "comments",
];

const VALUES: &[&str] = &[
    "open-visit",
    "small-visit",
    "past-visit",
    "closed-visit",
    "withdrawn-visit",
    "today-visit",
    "123456",
    "east-of-england",
    "north-west",
    "yes",
    "no",
    "partly",
    "1",
    "3",
    "5",
    "0",
    "-1",
    "99999999999",
    "ada@fenland.sch.uk",
    "<script>alert(1)</script>",
    "",
    " ",
    "\u{0}",
    "IK-0000-0000",
    "abcdefghijklmnop-1234",
];

fn content_type() -> impl Strategy<Value = Option<String>> {
    prop_oneof![
        Just(Some("application/x-www-form-urlencoded".to_string())),
        Just(Some("application/json".to_string())),
        Just(Some("application/json; charset=utf-8".to_string())),
        Just(Some(
            "application/x-www-form-urlencoded; charset=ISO-8859-1".to_string()
        )),
        Just(Some("text/plain".to_string())),
        Just(Some("multipart/form-data; boundary=xyz".to_string())),
        Just(None),
        "[ -~]{0,40}".prop_map(Some),
    ]
}

fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(VALUES).prop_map(str::to_string),
        any::<String>(),
        "[0-9]{1,25}",
    ]
}

fn name() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(FIELD_NAMES).prop_map(str::to_string),
        1 => any::<String>(),
    ]
}

/// Bodies of every kind: raw bytes, form-shaped and JSON-shaped.
fn body() -> impl Strategy<Value = Vec<u8>> {
    let pairs = || prop::collection::vec((name(), value()), 0..14);
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..600),
        pairs().prop_map(|ps| {
            ps.iter()
                .map(|(n, v)| format!("{}={}", url_encode(n), url_encode(v)))
                .collect::<Vec<_>>()
                .join("&")
                .into_bytes()
        }),
        pairs().prop_map(|ps| {
            // Raw, unencoded pairs: stray %, & and = included.
            ps.iter()
                .map(|(n, v)| format!("{n}={v}"))
                .collect::<Vec<_>>()
                .join("&")
                .into_bytes()
        }),
        pairs().prop_map(|ps| {
            let object: serde_json::Map<String, serde_json::Value> = ps
                .into_iter()
                .map(|(n, v)| {
                    let value = match v.parse::<i64>() {
                        Ok(i) => serde_json::json!(i),
                        Err(_) => serde_json::json!(v),
                    };
                    (n, value)
                })
                .collect();
            serde_json::to_vec(&object).unwrap()
        }),
        Just(b"{\"places\": 1e999}".to_vec()),
        Just(b"null".to_vec()),
        prop::collection::vec(Just(b'a'), 16_000..17_000),
    ]
}

fn endpoint() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("/api/bookings".to_string()),
        Just("/api/bookings/check".to_string()),
        Just("/api/feedback".to_string()),
        Just("/api/bookings/IK-0000-0000/cancel".to_string()),
        any::<String>().prop_map(|r| format!("/api/bookings/{}/cancel", url_encode(&r))),
    ]
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

fn check_answer(r: &Resp) -> Result<(), TestCaseError> {
    prop_assert!(
        r.status.is_success() || r.status.is_redirection() || r.status.is_client_error(),
        "status {} body {}",
        r.status,
        r.body
    );
    if r.header("content-type").starts_with("text/html") {
        prop_assert!(!r.body.contains("<script"), "markup leaked: {}", r.body);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, .. ProptestConfig::default() })]

    #[test]
    fn posts_never_fail_with_5xx(
        path in endpoint(),
        ct in content_type(),
        body in body(),
        key in prop::option::of("[ -~]{0,120}"),
    ) {
        let rt = runtime();
        rt.block_on(async {
            let app = App::new().await;
            let mut request = Request::builder().method(Method::POST).uri(&path);
            if let Some(ct) = &ct {
                if let Ok(v) = header::HeaderValue::from_str(ct) {
                    request = request.header(header::CONTENT_TYPE, v);
                }
            }
            if let Some(k) = &key {
                if let Ok(v) = header::HeaderValue::from_str(k) {
                    request = request.header("idempotency-key", v);
                }
            }
            let r = app.send(request.body(Body::from(body)).unwrap()).await;
            check_answer(&r)?;
            // Anything that was refused stored nothing.
            if !r.status.is_success() && !r.status.is_redirection() {
                prop_assert_eq!(app.booking_count().await, 0);
                prop_assert_eq!(app.remaining("open-visit").await, 10);
            }
            Ok(())
        })?;
    }

    #[test]
    fn gets_never_fail_with_5xx(
        which in 0..3usize,
        a in any::<String>(),
        b in any::<String>(),
        raw in "[ -~]{0,60}",
    ) {
        let rt = runtime();
        rt.block_on(async {
            let app = App::new().await;
            let candidates = [
                format!("/api/bookings/{}?token={}&new=1", url_encode(&a), url_encode(&b)),
                format!("/api/feedback?reference={}&token={}", url_encode(&a), url_encode(&b)),
                format!("/api/availability?host={}", url_encode(&a)),
            ];
            let uri = &candidates[which];
            let r = app.get(uri).await;
            check_answer(&r)?;
            // Raw, possibly malformed query strings, where the URI parses.
            let raw_uri = format!("/api/feedback?{}", raw.replace(' ', "+").replace('#', "%23"));
            if let Ok(request) = Request::builder().uri(raw_uri).body(Body::empty()) {
                let r = app.send(request).await;
                check_answer(&r)?;
                prop_assert_ne!(r.status, StatusCode::OK);
            }
            Ok(())
        })?;
    }
}
