//! `GET /api/feedback?reference=R&token=T` (the feedback form) and
//! `POST /api/feedback` (store it). Feedback is taken once per booking, from
//! the visit date on, and never for a cancelled booking.

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use chrono::{Days, NaiveDate};

use super::bookings::feedback_path;
use super::forms::{parse_query, read_submission, Checker, Fields, Lines};
use super::html::long_date;
use super::pages;
use super::problem::{ApiError, Format};
use super::{find_booking, html_response, see_other, AppState};
use crate::model::{Booking, BookingStatus, CoveredFocus, Feedback, VisitRecord};
use crate::store::FeedbackRefused;

pub const FEEDBACK_FIELDS: &[&str] = &[
    "reference",
    "token",
    "satisfaction",
    "covered_focus",
    "will_change",
    "recommend",
    "quote_consent",
    "comments",
];

/// Where a plain form goes after feedback is stored: a static page of the
/// site.
pub const THANKS_PATH: &str = "/feedback/thanks/";

const TITLE: &str = "Your feedback could not be sent";

/// Whether a booking can take feedback today.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Gate {
    Open,
    NotYet(NaiveDate),
    AlreadyGiven,
    Cancelled,
}

impl Gate {
    /// The refusal for anything but `Open`.
    pub fn refusal(&self, reference: &str) -> Option<ApiError> {
        let (field, message) = match self {
            Gate::Open => return None,
            Gate::NotYet(date) => (
                "reference",
                format!(
                    "Feedback opens on the day of the visit, {}. Come back then",
                    long_date(*date)
                ),
            ),
            Gate::AlreadyGiven => (
                "reference",
                format!("Feedback has already been given for booking {reference}. Thank you"),
            ),
            Gate::Cancelled => (
                "reference",
                format!(
                    "Booking {reference} was cancelled, so there is no visit to give feedback on"
                ),
            ),
        };
        Some(ApiError::conflict(TITLE, field, message))
    }
}

/// The booking, its visit and whether feedback is open, for both handlers.
async fn gate(
    state: &AppState,
    booking: &Booking,
) -> Result<(Option<VisitRecord>, Gate), ApiError> {
    let visit = state
        .store
        .visit(&booking.visit_id)
        .await
        .map_err(|e| ApiError::unavailable(&e))?;
    if booking.status == BookingStatus::Cancelled {
        return Ok((visit, Gate::Cancelled));
    }
    let given = state
        .store
        .feedback_for_booking(&booking.reference, state.clock.now())
        .await
        .map_err(|e| ApiError::unavailable(&e))?;
    if given.is_some() {
        return Ok((visit, Gate::AlreadyGiven));
    }
    let date = visit.as_ref().map(|v| v.date);
    if let Some(date) = date.filter(|d| state.clock.today() < *d) {
        return Ok((visit, Gate::NotYet(date)));
    }
    Ok((visit, Gate::Open))
}

pub async fn page(State(state): State<AppState>, uri: Uri) -> Response {
    let query = parse_query(uri.query());
    let site = &state.config.site_title;
    let booking = match find_booking(
        &state,
        query.get("reference"),
        query.get("token"),
        "reference",
    )
    .await
    {
        Ok(b) => b,
        Err(e) => return e.respond(Format::Html, site),
    };
    let token = query.get("token").unwrap_or_default();
    match gate(&state, &booking).await {
        Err(e) => e.respond(Format::Html, site),
        Ok((visit, Gate::Open)) => html_response(
            StatusCode::OK,
            pages::feedback_form(site, &booking, visit.as_ref(), token),
        ),
        Ok((visit, closed)) => {
            let status = StatusCode::CONFLICT;
            html_response(
                status,
                pages::feedback_closed(site, &booking, visit.as_ref(), token, &closed),
            )
        }
    }
}

pub async fn post(State(state): State<AppState>, headers: HeaderMap, body: Body) -> Response {
    let submission = match read_submission(&headers, body).await {
        Ok(s) => s,
        Err((format, e)) => return e.respond(format, &state.config.site_title),
    };
    let format = submission.format;
    match store_feedback(&state, &submission.fields).await {
        Ok(reference) => match format {
            Format::Html => see_other(THANKS_PATH),
            Format::Json => (
                StatusCode::CREATED,
                axum::Json(serde_json::json!({"reference": reference, "status": "received"})),
            )
                .into_response(),
        },
        Err(e) => e.respond(format, &state.config.site_title),
    }
}

struct Answers {
    satisfaction: u8,
    covered_focus: CoveredFocus,
    will_change: String,
    recommend: bool,
    quote_consent: bool,
    comments: Option<String>,
}

fn validate(fields: &Fields) -> Result<Answers, Vec<super::problem::FieldError>> {
    let mut c = Checker::default();
    let satisfaction = c
        .choice(
            fields,
            "satisfaction",
            &["1", "2", "3", "4", "5"],
            "Select how satisfied you were with the visit, from 1 to 5",
        )
        .and_then(|s| s.parse::<u8>().ok());
    let covered_focus = c
        .choice(
            fields,
            "covered_focus",
            &["yes", "partly", "no"],
            "Select whether the visit covered its focus area: yes, partly or no",
        )
        .map(|v| match v {
            "yes" => CoveredFocus::Yes,
            "partly" => CoveredFocus::Partly,
            _ => CoveredFocus::No,
        });
    let will_change = c.required(
        fields,
        "will_change",
        "What your school will change",
        "Enter what your school will change as a result of the visit",
        2000,
        Lines::Many,
    );
    let recommend = c
        .choice(
            fields,
            "recommend",
            &["yes", "no"],
            "Select whether you would recommend this visit to other schools",
        )
        .map(|v| v == "yes");
    let quote_consent = match fields.get("quote_consent") {
        None | Some("no") => false,
        Some("yes") => true,
        Some(_) => {
            c.fail(
                "quote_consent",
                "Permission to quote must be yes, or left unticked",
            );
            false
        }
    };
    let comments = c.optional(fields, "comments", "Other comments", 2000, Lines::Many);
    match (satisfaction, covered_focus, will_change, recommend) {
        (Some(satisfaction), Some(covered_focus), Some(will_change), Some(recommend))
            if c.errors.is_empty() =>
        {
            Ok(Answers {
                satisfaction,
                covered_focus,
                will_change,
                recommend,
                quote_consent,
                comments,
            })
        }
        _ => Err(c.errors),
    }
}

async fn store_feedback(state: &AppState, fields: &Fields) -> Result<String, ApiError> {
    fields.refuse_unknown(FEEDBACK_FIELDS)?;
    let booking = find_booking(
        state,
        fields.get("reference"),
        fields.get("token"),
        "reference",
    )
    .await?;
    let back = feedback_path(&booking.reference, fields.get("token").unwrap_or_default());
    let (visit, gate) = gate(state, &booking).await?;
    if let Some(refusal) = gate.refusal(&booking.reference) {
        return Err(refusal.with_back(back));
    }
    let answers = validate(fields)
        .map_err(|errors| ApiError::invalid(TITLE, errors).with_back(back.clone()))?;
    let visit_date = visit
        .as_ref()
        .map(|v| v.date)
        .unwrap_or_else(|| state.clock.today());
    let expires_at = visit_date
        .checked_add_days(Days::new(u64::from(state.config.retention_days)))
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|t| t.and_utc().timestamp())
        .unwrap_or(i64::MAX);
    let feedback = Feedback {
        reference: booking.reference.clone(),
        visit_id: booking.visit_id.clone(),
        host_urn: booking.host_urn.clone(),
        school_urn: booking.school_urn.clone(),
        visit_date,
        focus: visit.map(|v| v.focus).unwrap_or_default(),
        satisfaction: answers.satisfaction,
        covered_focus: answers.covered_focus,
        will_change: answers.will_change,
        recommend: answers.recommend,
        quote_consent: answers.quote_consent,
        comments: answers.comments,
        created_at: state.clock.now(),
        expires_at,
    };
    match state.store.add_feedback(&feedback).await {
        Ok(()) => Ok(booking.reference),
        Err(FeedbackRefused::AlreadyGiven(_)) => Err(Gate::AlreadyGiven
            .refusal(&booking.reference)
            .unwrap_or_else(|| ApiError::not_found("reference"))
            .with_back(back)),
        Err(FeedbackRefused::Store(e)) => Err(ApiError::unavailable(&e)),
    }
}
