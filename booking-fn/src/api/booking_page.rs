//! `GET /api/bookings/{reference}?token=T[&new=1]`: the private "your
//! booking" page that the confirmation redirect and the emailed link open.

use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri};
use axum::response::Response;

use super::forms::parse_query;
use super::pages;
use super::problem::{ApiError, Format};
use super::{find_booking, html_response, AppState};

pub async fn show(
    State(state): State<AppState>,
    path: Result<Path<String>, axum::extract::rejection::PathRejection>,
    uri: Uri,
) -> Response {
    let site = &state.config.site_title;
    let query = parse_query(uri.query());
    let reference = path.ok().map(|Path(r)| r);
    let booking = match find_booking(
        &state,
        reference.as_deref(),
        query.get("token"),
        "reference",
    )
    .await
    {
        Ok(b) => b,
        Err(e) => return e.respond(Format::Html, site),
    };
    let visit = match state.store.visit(&booking.visit_id).await {
        Ok(v) => v,
        Err(e) => return ApiError::unavailable(&e).respond(Format::Html, site),
    };
    let token = query.get("token").unwrap_or_default();
    let is_new = query.get("new") == Some("1");
    html_response(
        StatusCode::OK,
        pages::booking(
            site,
            &booking,
            visit.as_ref(),
            token,
            is_new,
            state.clock.today(),
        ),
    )
}
