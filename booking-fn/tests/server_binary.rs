//! The `booking-fn` binary itself on DynamoDB (moto's server, the table
//! created from infra/template.yaml): as a local server with
//! `BOOKINGS_TABLE`, and under the Lambda Runtime API, the path it runs in
//! AWS. A stand-in for that API hands the binary one API Gateway v2 event and
//! takes its answer. Its logs are checked for personal data throughout.
//! Built without `local-server` (as the Lambda bootstrap is), only the Lambda
//! test runs: `cargo test -p booking-fn --no-default-features --features
//! lambda,dynamodb --test server_binary`.
#![cfg(all(feature = "dynamodb", feature = "lambda"))]

mod support;

#[cfg(feature = "local-server")]
use std::io::{BufRead, BufReader, Read, Write};
#[cfg(feature = "local-server")]
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::routing::{get, post};
use booking_fn::store::dynamo::{schema, DynamoStore};
use booking_fn::store::Store;
use support::fixtures::slot;

const NAME: &str = "Ada Lovelace";
const EMAIL: &str = "ada@fenland.sch.uk";

fn booking_body(email: &str) -> String {
    serde_json::json!({
        "visit": "v1",
        "school_name": "Fenland Edge Nursery School",
        "school_urn": "123456",
        "school_region": "north-west",
        "contact_name": NAME,
        "contact_role": "Deputy headteacher",
        "email": email,
        "places": 2,
        "consent": "yes",
    })
    .to_string()
}

/// A fresh table from the template, holding one visit date with 10 places.
async fn table_with_a_visit(endpoint: &str) -> String {
    static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let client = support::moto::client(endpoint);
    let table = format!(
        "bin-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    );
    let template = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../infra/template.yaml");
    schema::table_from_template(&template)
        .unwrap()
        .create(&client, &table)
        .await
        .unwrap();
    DynamoStore::new(client, table.clone())
        .sync_slots(&[slot("v1", "100001", "2027-10-14", "09:30", 10)])
        .await
        .unwrap();
    table
}

/// The binary with the AWS environment pointing at `endpoint` (set on the
/// child only) and its stderr (the logs) in a file.
fn booking_fn(endpoint: &str, table: &str, log: &tempfile::NamedTempFile) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_booking-fn"));
    cmd.env("BOOKINGS_TABLE", table)
        .env("AWS_ENDPOINT_URL_DYNAMODB", endpoint)
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_REGION", "us-east-1")
        .env("RUST_LOG", "debug")
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_LAMBDA_RUNTIME_API")
        .stdin(Stdio::null())
        .stderr(log.reopen().unwrap());
    cmd
}

struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts the local server and returns it with its `127.0.0.1:PORT`.
#[cfg(feature = "local-server")]
fn serve(mut cmd: Command) -> (Running, String) {
    let mut child = cmd
        .args(["--port", "0"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let address = line
        .trim()
        .strip_prefix("listening on http://")
        .unwrap_or_else(|| panic!("no listening line: {line:?}"))
        .to_string();
    (Running(child), address)
}

/// One HTTP/1.1 exchange on a fresh connection: (status, body).
#[cfg(feature = "local-server")]
fn http(address: &str, method: &str, path: &str, json: Option<&str>) -> (u16, String) {
    let mut stream = TcpStream::connect(address).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    let body = json.unwrap_or("");
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    let status = answer
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("not an HTTP answer: {answer:?}"));
    let body = answer
        .split_once("\r\n\r\n")
        .map_or("", |(_, b)| b)
        .to_string();
    (status, body)
}

fn assert_no_personal_data(log: &tempfile::NamedTempFile) {
    let text = std::fs::read_to_string(log.path()).unwrap();
    assert!(!text.is_empty(), "the binary logged nothing at debug level");
    for secret in [NAME, EMAIL, "Deputy headteacher"] {
        assert!(!text.contains(secret), "the logs hold {secret:?}:\n{text}");
    }
}

#[cfg(feature = "local-server")]
#[tokio::test(flavor = "multi_thread")]
async fn the_local_server_books_into_dynamodb() {
    let Some(moto) = support::moto::shared() else {
        return;
    };
    let table = table_with_a_visit(&moto.endpoint).await;
    let log = tempfile::NamedTempFile::new().unwrap();
    let (_server, address) = serve(booking_fn(&moto.endpoint, &table, &log));

    let (status, body) = http(
        &address,
        "POST",
        "/api/bookings",
        Some(&booking_body(EMAIL)),
    );
    assert_eq!(status, 201, "{body}");
    let reference = serde_json::from_str::<serde_json::Value>(&body).unwrap()["reference"]
        .as_str()
        .unwrap()
        .to_string();
    let (status, body) = http(
        &address,
        "POST",
        "/api/bookings",
        Some(&booking_body(EMAIL)),
    );
    assert_eq!(status, 409, "{body}");
    assert!(body.contains(&reference), "names the first booking: {body}");
    let (status, body) = http(
        &address,
        "POST",
        "/api/bookings",
        Some(&booking_body("ada@")),
    );
    assert_eq!(status, 422, "{body}");
    let (status, body) = http(&address, "GET", "/api/availability?host=100001", None);
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("\"remaining\":8"), "{body}");
    assert_no_personal_data(&log);
}

#[cfg(feature = "local-server")]
#[tokio::test(flavor = "multi_thread")]
async fn an_unreachable_table_is_a_503_and_logs_no_personal_data() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let dead = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let log = tempfile::NamedTempFile::new().unwrap();
    let (_server, address) = serve(booking_fn(&dead, "nowhere", &log));
    let (status, body) = http(
        &address,
        "POST",
        "/api/bookings",
        Some(&booking_body(EMAIL)),
    );
    assert_eq!(status, 503, "{body}");
    assert_no_personal_data(&log);
}

/// An API Gateway HTTP API (payload 2.0) event for a JSON booking.
fn booking_event() -> String {
    serde_json::json!({
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": "/api/bookings",
        "rawQueryString": "",
        "headers": {
            "content-type": "application/json",
            "host": "abc123def4.execute-api.eu-west-2.amazonaws.com"
        },
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "abc123def4",
            "domainName": "abc123def4.execute-api.eu-west-2.amazonaws.com",
            "domainPrefix": "abc123def4",
            "http": {
                "method": "POST",
                "path": "/api/bookings",
                "protocol": "HTTP/1.1",
                "sourceIp": "203.0.113.7",
                "userAgent": "Mozilla/5.0"
            },
            "requestId": "req-1",
            "routeKey": "$default",
            "stage": "$default",
            "time": "04/Dec/2026:10:00:00 +0000",
            "timeEpoch": 1_796_378_400_000_u64
        },
        "body": booking_body(EMAIL),
        "isBase64Encoded": false
    })
    .to_string()
}

/// The Runtime API's `next` answer: one event, then nothing more (the
/// binary waits for the next event until the test kills it).
async fn next_event(handed: Arc<AtomicBool>) -> (HeaderMap, String) {
    if handed.swap(true, Ordering::SeqCst) {
        std::future::pending::<()>().await;
    }
    let deadline = chrono::Utc::now().timestamp_millis() + 30_000;
    let mut headers = HeaderMap::new();
    let mut set = |name: &'static str, value: String| {
        headers.insert(name, HeaderValue::from_str(&value).unwrap());
    };
    set("lambda-runtime-aws-request-id", "req-1".into());
    set("lambda-runtime-deadline-ms", deadline.to_string());
    set(
        "lambda-runtime-invoked-function-arn",
        "arn:aws:lambda:eu-west-2:123456789012:function:booking-fn".into(),
    );
    set(
        "lambda-runtime-trace-id",
        "Root=1-6750a1b2-0a1b2c3d4e5f6a7b8c9d0e1f".into(),
    );
    (headers, booking_event())
}

#[tokio::test(flavor = "multi_thread")]
async fn under_the_lambda_runtime_it_answers_an_api_gateway_event() {
    let Some(moto) = support::moto::shared() else {
        return;
    };
    let table = table_with_a_visit(&moto.endpoint).await;

    let (answer_tx, mut answers) = tokio::sync::mpsc::unbounded_channel::<(String, String)>();
    let handed = Arc::new(AtomicBool::new(false));
    let reply = |kind: &'static str| {
        let tx = answer_tx.clone();
        move |body: String| {
            let _ = tx.send((kind.to_string(), body));
            async { StatusCode::ACCEPTED }
        }
    };
    let runtime_api = axum::Router::new()
        .route(
            "/2018-06-01/runtime/invocation/next",
            get(move || next_event(handed.clone())),
        )
        .route(
            "/2018-06-01/runtime/invocation/{id}/response",
            post(reply("response")),
        )
        .route(
            "/2018-06-01/runtime/invocation/{id}/error",
            post(reply("error")),
        )
        .route("/2018-06-01/runtime/init/error", post(reply("init error")));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let runtime_address = listener.local_addr().unwrap().to_string();
    tokio::spawn(async move { axum::serve(listener, runtime_api).await });

    let log = tempfile::NamedTempFile::new().unwrap();
    let mut cmd = booking_fn(&moto.endpoint, &table, &log);
    cmd.env("AWS_LAMBDA_RUNTIME_API", &runtime_address)
        .env("AWS_LAMBDA_FUNCTION_NAME", "booking-fn")
        .env("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
        .env("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "256")
        .env("AWS_LAMBDA_LOG_STREAM_NAME", "2026/12/04/[$LATEST]abc")
        .env("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/booking-fn")
        .stdout(Stdio::null());
    let _function = Running(cmd.spawn().unwrap());

    let (kind, body) = tokio::time::timeout(Duration::from_secs(30), answers.recv())
        .await
        .unwrap_or_else(|_| {
            panic!(
                "no answer from the function within 30 s; its log:\n{}",
                std::fs::read_to_string(log.path()).unwrap_or_default()
            )
        })
        .unwrap();
    assert_eq!(kind, "response", "{body}");
    let answer: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(answer["statusCode"], 201, "{answer}");
    let booked: serde_json::Value = serde_json::from_str(answer["body"].as_str().unwrap()).unwrap();
    assert!(
        booked["reference"]
            .as_str()
            .is_some_and(|r| r.starts_with("IK-")),
        "{booked}"
    );
    let visit = DynamoStore::new(support::moto::client(&moto.endpoint), table)
        .visit("v1")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(visit.remaining, 8, "the booking is in the table");
    assert_no_personal_data(&log);
}
