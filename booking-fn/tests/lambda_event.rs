//! The Router behind the real lambda_http adapter, fed API Gateway HTTP API
//! (payload v2) events as Lambda delivers them: the same path
//! `lambda_http::run(router)` takes in AWS, minus the runtime's HTTP polling.

mod api_support;

use api_support::*;
use axum::http::StatusCode;
use lambda_http::request::LambdaRequest;
use lambda_http::{Adapter, Context, LambdaEvent, Service};
use serde_json::{json, Value};
use tower::ServiceExt;

/// Standard base64 with padding, as API Gateway encodes bodies.
fn base64(bytes: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(T[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// A realistic HTTP API v2 event: `$default` stage and route, CloudFront in
/// front, a browser's headers.
fn event(
    method: &str,
    path: &str,
    query: &str,
    content_type: Option<&str>,
    body: Option<&[u8]>,
) -> Value {
    let mut headers = json!({
        "accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
        "accept-encoding": "gzip, deflate, br",
        "accept-language": "en-GB,en;q=0.9",
        "host": "abc123def4.execute-api.eu-west-2.amazonaws.com",
        "origin": "https://insideknowledge.example.org",
        "user-agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36",
        "via": "2.0 5f2a0c3e1b.cloudfront.net (CloudFront)",
        "x-amz-cf-id": "k3Qp2rV1mNnq0eTzA8bLcYw7xJfG4hD9sU6oR5iK2lE1aB0cD3eF4g==",
        "x-amzn-trace-id": "Root=1-6750a1b2-0a1b2c3d4e5f6a7b8c9d0e1f",
        "x-forwarded-for": "203.0.113.7, 130.176.10.20",
        "x-forwarded-port": "443",
        "x-forwarded-proto": "https"
    });
    if let Some(ct) = content_type {
        headers["content-type"] = json!(ct);
        headers["content-length"] = json!(body.map_or(0, <[u8]>::len).to_string());
    }
    let mut e = json!({
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": path,
        "rawQueryString": query,
        "cookies": ["ik_seen=1"],
        "headers": headers,
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "abc123def4",
            "domainName": "abc123def4.execute-api.eu-west-2.amazonaws.com",
            "domainPrefix": "abc123def4",
            "http": {
                "method": method,
                "path": path,
                "protocol": "HTTP/1.1",
                "sourceIp": "203.0.113.7",
                "userAgent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"
            },
            "requestId": "CxJ3tgRELPEEJnw=",
            "routeKey": "$default",
            "stage": "$default",
            "time": "03/Dec/2026:20:31:07 +0000",
            "timeEpoch": 1796329867000u64
        },
        "isBase64Encoded": false
    });
    if !query.is_empty() {
        let params: serde_json::Map<String, Value> = query
            .split('&')
            .filter_map(|p| p.split_once('='))
            .map(|(k, v)| (k.to_string(), json!(v)))
            .collect();
        e["queryStringParameters"] = Value::Object(params);
    }
    if let Some(b) = body {
        e["body"] = json!(base64(b));
        e["isBase64Encoded"] = json!(true);
    }
    e
}

/// Runs one event through `lambda_http`'s adapter, answering the JSON that
/// would go back to API Gateway.
async fn invoke(app: &App, event: &Value) -> Value {
    let payload: LambdaRequest = serde_json::from_value(event.clone()).expect("a valid v2 event");
    let mut adapter = Adapter::from(app.router.clone());
    let response = adapter
        .call(LambdaEvent::new(payload, Context::default()))
        .await
        .unwrap();
    serde_json::to_value(&response).unwrap()
}

#[test]
fn base64_matches_the_standard() {
    assert_eq!(base64(b""), "");
    assert_eq!(base64(b"f"), "Zg==");
    assert_eq!(base64(b"fo"), "Zm8=");
    assert_eq!(base64(b"foo"), "Zm9v");
    assert_eq!(base64(b"foob"), "Zm9vYg==");
}

#[tokio::test]
async fn a_form_post_event_books_and_redirects() {
    let app = App::new().await;
    let body = booking_form("open-visit", "123456");
    let e = event(
        "POST",
        "/api/bookings",
        "",
        Some("application/x-www-form-urlencoded"),
        Some(body.as_bytes()),
    );
    let answer = invoke(&app, &e).await;
    assert_eq!(answer["statusCode"], 303, "{answer}");
    let location = answer["headers"]["location"].as_str().unwrap().to_string();
    assert!(
        location.starts_with("/api/bookings/IK-") && location.ends_with("&new=1"),
        "{location}"
    );
    assert_eq!(answer["headers"]["referrer-policy"], "no-referrer");
    assert_eq!(app.booking_count().await, 1);
    assert_eq!(app.remaining("open-visit").await, 8);

    // Follow the redirect as the browser would: another event.
    let (path, query) = location.split_once('?').unwrap();
    let page = invoke(&app, &event("GET", path, query, None, None)).await;
    assert_eq!(page["statusCode"], 200, "{page}");
    assert_eq!(page["isBase64Encoded"], false);
    assert_eq!(page["headers"]["content-type"], "text/html; charset=utf-8");
    assert_eq!(page["headers"]["cache-control"], "no-store");
    let html = page["body"].as_str().unwrap();
    assert!(html.contains("Booking confirmed"), "{html}");
    assert!(html.contains("Fenland Edge Nursery School"));
}

#[tokio::test]
async fn a_json_event_gets_problem_json() {
    let app = App::new().await;
    let body = booking_with("open-visit", "123456", "email", json!("not-an-email")).to_string();
    let e = event(
        "POST",
        "/api/bookings",
        "",
        Some("application/json"),
        Some(body.as_bytes()),
    );
    let answer = invoke(&app, &e).await;
    assert_eq!(answer["statusCode"], 422, "{answer}");
    assert_eq!(
        answer["headers"]["content-type"],
        "application/problem+json"
    );
    let problem: Value = serde_json::from_str(answer["body"].as_str().unwrap()).unwrap();
    assert_eq!(problem["errors"][0]["field"], "email");
    assert_eq!(app.booking_count().await, 0);
}

#[tokio::test]
async fn a_query_string_event_reaches_availability() {
    let app = App::new().await;
    let answer = invoke(
        &app,
        &event("GET", "/api/availability", "host=100001", None, None),
    )
    .await;
    assert_eq!(answer["statusCode"], 200, "{answer}");
    assert_eq!(answer["headers"]["cache-control"], "public, max-age=15");
    let body: Value = serde_json::from_str(answer["body"].as_str().unwrap()).unwrap();
    assert_eq!(body["host"], "100001");
    assert!(body["visits"].as_array().unwrap().len() >= 5);
}

#[tokio::test]
async fn from_str_builds_a_request_the_router_understands() {
    let app = App::new().await;
    let body = booking_json("open-visit", "654321").to_string();
    let e = event(
        "POST",
        "/api/bookings",
        "",
        Some("application/json"),
        Some(body.as_bytes()),
    );
    let request = lambda_http::request::from_str(&e.to_string()).unwrap();
    assert_eq!(request.uri().path(), "/api/bookings");
    let response = app.router.clone().oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    assert_eq!(app.remaining("open-visit").await, 8);
}
