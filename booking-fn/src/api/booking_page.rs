//! `GET /api/bookings/{reference}?token=T[&new=1]`: the private "your
//! booking" page that the confirmation redirect and the emailed link open.

use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri};
use axum::response::Response;

use super::pages;
use super::{html_response, private_booking, AppState};

pub async fn show(
    State(state): State<AppState>,
    path: Result<Path<String>, axum::extract::rejection::PathRejection>,
    uri: Uri,
) -> Response {
    let (booking, visit, query) = match private_booking(&state, path, &uri).await {
        Ok(found) => found,
        Err(page) => return page,
    };
    let site = &state.config.site_title;
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
