//! The HTTP layer: one axum `Router` with every endpoint under `/api`, run by
//! `lambda_http` in AWS, by `axum::serve` locally and mounted in-process by
//! `prospectus serve`. It sets no fallback, so it can be merged into a router
//! that serves the static site.

use std::sync::Arc;
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;

use crate::clock::Clock;
use crate::config::ApiConfig;
use crate::model::{Booking, VisitRecord};
use crate::store::Store;
use crate::tokens;

pub mod availability;
pub mod booking_page;
pub mod bookings;
pub mod calendar;
pub mod cancel;
pub mod feedback;
pub mod forms;
pub mod html;
pub mod pages;
pub mod problem;

use problem::ApiError;

/// What every handler needs. Cheap to clone (three `Arc`s).
#[derive(Clone)]
pub struct AppState {
    pub store: Arc<dyn Store>,
    pub config: Arc<ApiConfig>,
    pub clock: Arc<dyn Clock>,
}

impl AppState {
    pub fn new(store: Arc<dyn Store>, config: ApiConfig, clock: Arc<dyn Clock>) -> Self {
        Self {
            store,
            config: Arc::new(config),
            clock,
        }
    }
}

pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/api/health", get(health))
        .route("/api/availability", get(availability::get))
        .route("/api/bookings", post(bookings::create))
        .route("/api/bookings/check", post(bookings::check))
        .route("/api/bookings/{reference}", get(booking_page::show))
        .route("/api/bookings/{reference}/cancel", post(cancel::post))
        .route(
            "/api/bookings/{reference}/calendar.ics",
            get(calendar::show),
        )
        .route("/api/feedback", post(feedback::post).get(feedback::page))
        .layer(middleware::from_fn(headers_and_log))
        .with_state(state)
}

async fn health(State(state): State<AppState>) -> Response {
    let body = serde_json::json!({"status": "ok", "time": state.clock.now().to_rfc3339()});
    (StatusCode::OK, axum::Json(body)).into_response()
}

/// The Content-Security-Policy of the API's HTML pages: the site's own
/// stylesheet and nothing inline.
const CSP: &str = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; \
     base-uri 'none'; frame-ancestors 'none'";

/// Security headers on every answer and one log line per request. The log
/// has the route pattern (never the raw URI, which may hold a token), the
/// method, status and latency: no personal data.
async fn headers_and_log(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| "(unmatched)".to_owned());
    let mut response = next.run(request).await;
    if response.headers().get(header::CONTENT_TYPE).is_none() {
        response = explain_routing_error(response);
    }
    let headers = response.headers_mut();
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    // URLs carry tokens: never send them on as a referrer.
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers
        .entry(header::CACHE_CONTROL)
        .or_insert(HeaderValue::from_static("no-store"));
    let is_html = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if is_html {
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CSP),
        );
        headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    }
    tracing::info!(
        method = %method,
        route = %route,
        status = response.status().as_u16(),
        latency_us = started.elapsed().as_micros() as u64,
        "request"
    );
    response
}

/// axum's own 404 and 405 answers are empty: say what went wrong, keeping
/// the `Allow` header of a 405.
fn explain_routing_error(response: Response) -> Response {
    let (kind, title, detail) = match response.status() {
        StatusCode::NOT_FOUND => (
            "not-found",
            "Not found",
            "There is nothing at this address in the booking API",
        ),
        StatusCode::METHOD_NOT_ALLOWED => (
            "method-not-allowed",
            "Method not allowed",
            "This address of the booking API does not take that method (see the Allow header)",
        ),
        _ => return response,
    };
    let allow = response.headers().get(header::ALLOW).cloned();
    let mut explained =
        ApiError::new(response.status(), kind, title, detail).respond(problem::Format::Json, "");
    if let Some(allow) = allow {
        explained.headers_mut().insert(header::ALLOW, allow);
    }
    explained
}

pub(crate) fn html_response(status: StatusCode, html: String) -> Response {
    (
        status,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/html; charset=utf-8"),
        )],
        html,
    )
        .into_response()
}

/// A 303 to a path of the site (the answer to a plain form POST).
pub(crate) fn see_other(location: &str) -> Response {
    match HeaderValue::from_str(location) {
        Ok(value) => (StatusCode::SEE_OTHER, [(header::LOCATION, value)]).into_response(),
        // Locations are built from checked parts; refuse rather than panic.
        Err(_) => ApiError::bad_request("The answer's address could not be built.")
            .respond(problem::Format::Json, ""),
    }
}

/// What a private link (`/api/bookings/{reference}...?token=T`) opens: the
/// booking, its visit (gone only if the store lost it), and the query, or
/// the HTML page that says why not.
pub(crate) async fn private_booking(
    state: &AppState,
    path: Result<axum::extract::Path<String>, axum::extract::rejection::PathRejection>,
    uri: &axum::http::Uri,
) -> Result<(Booking, Option<VisitRecord>, forms::Fields), Response> {
    let site = &state.config.site_title;
    let query = forms::parse_query(uri.query());
    let reference = path.ok().map(|axum::extract::Path(r)| r);
    let booking = find_booking(state, reference.as_deref(), query.get("token"), "reference")
        .await
        .map_err(|e| e.respond(problem::Format::Html, site))?;
    let visit = state
        .store
        .visit(&booking.visit_id)
        .await
        .map_err(|e| ApiError::unavailable(&e).respond(problem::Format::Html, site))?;
    Ok((booking, visit, query))
}

/// The booking with this reference, if `token` is its secret. A missing or
/// malformed reference, an unknown one and a wrong token all get the same
/// not-found answer, so nothing is revealed about which it was.
pub(crate) async fn find_booking(
    state: &AppState,
    reference: Option<&str>,
    token: Option<&str>,
    field: &str,
) -> Result<Booking, ApiError> {
    let not_found = || ApiError::not_found(field);
    let reference = reference
        .and_then(tokens::normalise_reference)
        .ok_or_else(not_found)?;
    let token = token.filter(|t| t.len() <= 200).ok_or_else(not_found)?;
    let booking = state
        .store
        .booking(&reference, state.clock.now())
        .await
        .map_err(|e| ApiError::unavailable(&e))?
        .ok_or_else(not_found)?;
    if tokens::token_matches(token, &booking.token_hash) {
        Ok(booking)
    } else {
        Err(not_found())
    }
}
