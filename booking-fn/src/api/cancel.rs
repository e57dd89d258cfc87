//! `POST /api/bookings/{reference}/cancel` with the field `token`: cancels a
//! booking and gives its places back.

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};

use super::bookings::booking_path;
use super::forms::read_submission;
use super::problem::{ApiError, Format};
use super::{find_booking, see_other, AppState};
use crate::model::BookingStatus;
use crate::store::CancelRefused;

pub const CANCEL_FIELDS: &[&str] = &["token"];

const TITLE: &str = "Your booking could not be cancelled";

pub async fn post(
    State(state): State<AppState>,
    path: Result<Path<String>, axum::extract::rejection::PathRejection>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let submission = match read_submission(&headers, body).await {
        Ok(s) => s,
        Err((format, e)) => return e.respond(format, &state.config.site_title),
    };
    let format = submission.format;
    let reference = path.ok().map(|Path(r)| r);
    let result = async {
        submission.fields.refuse_unknown(CANCEL_FIELDS)?;
        let token = submission.fields.get("token");
        let booking = find_booking(&state, reference.as_deref(), token, "token").await?;
        let back = booking_path(&booking.reference, token.unwrap_or_default());
        if booking.status == BookingStatus::Cancelled {
            return Err(already_cancelled(&booking.reference).with_back(back));
        }
        // Cancelling after the visit would hand back places on a past date.
        let visit_date = match state.store.visit(&booking.visit_id).await {
            Ok(v) => v.map(|v| v.date),
            Err(e) => return Err(ApiError::unavailable(&e)),
        };
        if visit_date.is_some_and(|d| d < state.clock.today()) {
            return Err(ApiError::conflict(
                TITLE,
                "token",
                "This visit has already taken place, so the booking cannot be cancelled",
            )
            .with_back(back));
        }
        match state
            .store
            .cancel_booking(&booking.reference, state.clock.now())
            .await
        {
            Ok(cancelled) => Ok((cancelled, token.unwrap_or_default().to_string())),
            Err(CancelRefused::AlreadyCancelled(r)) => Err(already_cancelled(&r).with_back(back)),
            Err(CancelRefused::NotFound(_)) => Err(ApiError::not_found("token")),
            Err(CancelRefused::Store(e)) => Err(ApiError::unavailable(&e)),
        }
    }
    .await;
    match result {
        Ok((booking, token)) => match format {
            Format::Html => see_other(&booking_path(&booking.reference, &token)),
            Format::Json => (
                StatusCode::OK,
                axum::Json(serde_json::json!({
                    "reference": booking.reference,
                    "visit": booking.visit_id,
                    "places": booking.places,
                    "status": "cancelled",
                })),
            )
                .into_response(),
        },
        Err(e) => e.respond(format, &state.config.site_title),
    }
}

fn already_cancelled(reference: &str) -> ApiError {
    ApiError::conflict(
        TITLE,
        "token",
        format!("Booking {reference} has already been cancelled"),
    )
}
