//! `POST /api/bookings` (make a booking) and `POST /api/bookings/check`
//! (validate without storing, for the no-JavaScript "Check your answers"
//! step).

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::{Days, TimeDelta};
use serde::Serialize;

use super::forms::{is_email, read_submission, Checker, Fields, Lines};
use super::html::{long_date, region_name, url_encode};
use super::pages;
use super::problem::{ApiError, FieldError, Format};
use super::{html_response, AppState};
use crate::model::{Booking, BookingStatus, VisitRecord, VisitStatus};
use crate::store::BookingRefused;
use crate::tokens;

/// The fields of the booking form (the site's forms depend on these names).
pub const BOOKING_FIELDS: &[&str] = &[
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
];

/// A repeat with the same idempotency key within this window gets the first
/// answer again.
const IDEMPOTENCY_WINDOW: TimeDelta = TimeDelta::hours(24);

/// A booking form that passed every check that can be made before writing.
#[derive(Debug, Clone)]
pub struct ValidBooking {
    pub visit: VisitRecord,
    pub school_name: String,
    pub school_urn: String,
    pub school_region: String,
    pub contact_name: String,
    pub contact_role: String,
    pub email: String,
    pub places: u32,
    pub needs: Option<String>,
    pub idempotency_key: Option<String>,
}

/// What a successful booking answers, first time or on an idempotent repeat.
#[derive(Debug, Clone, Serialize)]
pub struct Created {
    pub reference: String,
    pub token: String,
    pub visit: String,
    pub places: u32,
    pub status: &'static str,
    pub booking_url: String,
    pub cancel_url: String,
    pub feedback_url: String,
    pub calendar_url: String,
}

/// The private page of a booking, relative to the site root.
pub fn booking_path(reference: &str, token: &str) -> String {
    format!(
        "/api/bookings/{}?token={}",
        url_encode(reference),
        url_encode(token)
    )
}

/// The booking's own calendar file.
pub fn calendar_path(reference: &str, token: &str) -> String {
    format!(
        "/api/bookings/{}/calendar.ics?token={}",
        url_encode(reference),
        url_encode(token)
    )
}

pub fn feedback_path(reference: &str, token: &str) -> String {
    format!(
        "/api/feedback?reference={}&token={}",
        url_encode(reference),
        url_encode(token)
    )
}

impl Created {
    fn new(state: &AppState, reference: String, token: String, visit: String, places: u32) -> Self {
        let config = &state.config;
        Self {
            booking_url: config.url(&booking_path(&reference, &token)),
            cancel_url: config.url(&format!("/api/bookings/{}/cancel", url_encode(&reference))),
            feedback_url: config.url(&feedback_path(&reference, &token)),
            calendar_url: config.url(&calendar_path(&reference, &token)),
            reference,
            token,
            visit,
            places,
            status: "confirmed",
        }
    }

    fn respond(self, format: Format) -> Response {
        match format {
            Format::Json => (StatusCode::CREATED, axum::Json(self)).into_response(),
            Format::Html => {
                let location = format!("{}&new=1", booking_path(&self.reference, &self.token));
                super::see_other(&location)
            }
        }
    }
}

pub async fn create(State(state): State<AppState>, headers: HeaderMap, body: Body) -> Response {
    let submission = match read_submission(&headers, body).await {
        Ok(s) => s,
        Err((format, e)) => return e.respond(format, &state.config.site_title),
    };
    let format = submission.format;
    match create_booking(&state, &headers, &submission.fields).await {
        Ok(created) => created.respond(format),
        Err(e) => e.respond(format, &state.config.site_title),
    }
}

pub async fn check(State(state): State<AppState>, headers: HeaderMap, body: Body) -> Response {
    let submission = match read_submission(&headers, body).await {
        Ok(s) => s,
        Err((format, e)) => return e.respond(format, &state.config.site_title),
    };
    let format = submission.format;
    let fields = &submission.fields;
    let result = async {
        fields.refuse_unknown(BOOKING_FIELDS)?;
        let key = idempotency_key(fields, &headers)?;
        validate(
            &state,
            fields,
            key,
            referring_host_page(&headers).as_deref(),
        )
        .await
        .map_err(|e| e.or_back(referring_host_page(&headers)))
    }
    .await;
    match result {
        Ok(valid) => match format {
            Format::Json => (
                StatusCode::OK,
                axum::Json(serde_json::json!({"valid": true})),
            )
                .into_response(),
            Format::Html => {
                // A filled honeypot rides along so the final POST is dropped too.
                let honeypot = fields.get("website").unwrap_or("");
                match pages::check_answers(&state.config.site_title, &valid, honeypot) {
                    Ok(html) => html_response(StatusCode::OK, html),
                    Err(e) => e.respond(format, &state.config.site_title),
                }
            }
        },
        Err(e) => e.respond(format, &state.config.site_title),
    }
}

async fn create_booking(
    state: &AppState,
    headers: &HeaderMap,
    fields: &Fields,
) -> Result<Created, ApiError> {
    fields.refuse_unknown(BOOKING_FIELDS)?;
    if fields.get("website").is_some() {
        return honeypot_answer(state, fields);
    }
    let key = idempotency_key(fields, headers)?;
    let from_page = referring_host_page(headers);
    let valid = match validate(state, fields, key.clone(), from_page.as_deref()).await {
        Ok(v) => v,
        Err(e) => {
            let e = e.or_back(referring_host_page(headers));
            // A double submit may find the date full because the first
            // request took the last places: answer the first request again.
            if e.status == StatusCode::CONFLICT {
                if let Some(created) = replay_by_lookup(state, fields, key.as_deref()).await? {
                    return Ok(created);
                }
            }
            return Err(e);
        }
    };
    store_booking(state, valid).await
}

/// The host page a form was sent from, from the `Referer`, for the "Go
/// back" link when the request named no known visit date (a form sent with
/// no date chosen). Only a `/hosts/<slug>/` path is taken, so the link can
/// never lead off the site.
fn referring_host_page(headers: &HeaderMap) -> Option<String> {
    let referer = headers.get(axum::http::header::REFERER)?.to_str().ok()?;
    let path = match referer.split_once("://") {
        Some((_, rest)) => &rest[rest.find('/')?..],
        None => referer,
    };
    let path = path.split(['?', '#']).next()?;
    let slug = path.strip_prefix("/hosts/")?.strip_suffix('/')?;
    let plain = !slug.is_empty()
        && slug
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    plain.then(|| path.to_string())
}

/// A bot filled the hidden field: it gets a plausible success and nothing is
/// stored.
fn honeypot_answer(state: &AppState, fields: &Fields) -> Result<Created, ApiError> {
    tracing::info!("honeypot field filled; nothing stored");
    let reference = tokens::new_reference().map_err(random_failed)?;
    let token = tokens::new_token().map_err(random_failed)?;
    let visit: String = fields
        .get("visit")
        .unwrap_or("")
        .chars()
        .take(100)
        .collect();
    let places = fields
        .get("places")
        .and_then(|p| p.parse::<u32>().ok())
        .unwrap_or(1);
    Ok(Created::new(state, reference, token, visit, places))
}

fn random_failed(e: tokens::RandomError) -> ApiError {
    tracing::error!(error = %e, "random source failed");
    service_error()
}

fn service_error() -> ApiError {
    ApiError::new(
        StatusCode::SERVICE_UNAVAILABLE,
        "service-unavailable",
        "Sorry, there is a problem with the service",
        super::problem::UNAVAILABLE_MESSAGE,
    )
}

/// The idempotency key from the field or the `Idempotency-Key` header (they
/// must agree when both are sent).
fn idempotency_key(fields: &Fields, headers: &HeaderMap) -> Result<Option<String>, ApiError> {
    let from_field = fields.get("idempotency_key");
    let from_header = match headers.get("idempotency-key") {
        None => None,
        Some(v) => Some(v.to_str().map(str::trim).map_err(|_| bad_key())?),
    };
    let key = match (from_field, from_header) {
        (Some(a), Some(b)) if a != b => {
            return Err(ApiError::invalid(
                "Your booking could not be made",
                vec![FieldError::new(
                    "idempotency_key",
                    "The idempotency_key field and the Idempotency-Key header must be the same",
                )],
            ))
        }
        (Some(a), _) => a,
        (None, Some(b)) if !b.is_empty() => b,
        _ => return Ok(None),
    };
    let ok = (16..=100).contains(&key.len())
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if ok {
        Ok(Some(key.to_string()))
    } else {
        Err(bad_key())
    }
}

fn bad_key() -> ApiError {
    ApiError::invalid(
        "Your booking could not be made",
        vec![FieldError::new(
            "idempotency_key",
            "The idempotency key must be 16 to 100 letters, digits, hyphens or underscores",
        )],
    )
}

const TITLE: &str = "Your booking could not be made";

/// Every check that can be made before writing: the fields, then the rules
/// of the chosen visit date. All problems are reported together. `from_page`
/// is the host page the form was sent from, when the Referer says.
async fn validate(
    state: &AppState,
    fields: &Fields,
    key: Option<String>,
    from_page: Option<&str>,
) -> Result<ValidBooking, ApiError> {
    let mut c = Checker::default();

    let visit_id = c.required(
        fields,
        "visit",
        "Visit date",
        "Select a visit date",
        100,
        Lines::One,
    );
    let visit_id = visit_id.filter(|id| {
        let ok = id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if !ok {
            c.fail("visit", "Select a visit date from the list");
        }
        ok
    });
    let school_name = c.required(
        fields,
        "school_name",
        "School name",
        "Enter the name of your school",
        120,
        Lines::One,
    );
    let school_urn = match fields.get("school_urn") {
        None => {
            c.fail("school_urn", "Enter your school's URN");
            None
        }
        Some(u) if u.len() == 6 && u.bytes().all(|b| b.is_ascii_digit()) => Some(u.to_string()),
        Some(_) => {
            c.fail(
                "school_urn",
                "Enter your school's URN as 6 digits, like 100001",
            );
            None
        }
    };
    let school_region = match fields.get("school_region") {
        None => {
            c.fail("school_region", "Select your school's region");
            None
        }
        Some(r) if r.len() <= 40 && r.bytes().all(|b| b.is_ascii_lowercase() || b == b'-') => {
            Some(r.to_string())
        }
        Some(_) => {
            c.fail("school_region", "Select your school's region from the list");
            None
        }
    };
    let contact_name = c.required(
        fields,
        "contact_name",
        "Contact name",
        "Enter the name of the person to contact about the visit",
        100,
        Lines::One,
    );
    let contact_role = c.required(
        fields,
        "contact_role",
        "Contact role",
        "Enter the contact's role, like deputy headteacher",
        100,
        Lines::One,
    );
    let email = c.required(
        fields,
        "email",
        "Email address",
        "Enter an email address",
        254,
        Lines::One,
    );
    let email = email.filter(|e| {
        let ok = is_email(e);
        if !ok {
            c.fail(
                "email",
                "Enter an email address in the correct format, like name@school.org.uk",
            );
        }
        ok
    });
    let places = parse_places(&mut c, fields);
    let needs = c.optional(fields, "needs", "Access or other needs", 1000, Lines::Many);
    if fields.get("consent") != Some("yes") {
        c.fail(
            "consent",
            "Confirm that you have read the privacy notice and agree to it",
        );
    }

    // The visit's rules need the visit.
    let mut visit = None;
    if let Some(id) = &visit_id {
        match state.store.visit(id).await {
            Err(e) => return Err(ApiError::unavailable(&e)),
            Ok(None) => c.fail(
                "visit",
                "The visit date you chose is not on the site any more. Choose another date",
            ),
            Ok(Some(v)) => visit = Some(v),
        }
    }
    // A visit id changed to another host's (tampering, or a stale tab) is
    // caught when the form says which host page it was sent from.
    if let (Some(v), Some(page)) = (&visit, from_page) {
        if v.host_path != page {
            c.fail(
                "visit",
                format!(
                    "The visit date you sent is at {}, not at the school whose page you were on. \
                     Choose a date on this page",
                    v.host_name
                ),
            );
        }
    }
    // Refusals that come from places taken by others, not from the answers.
    let mut conflicts = 0;
    if let Some(v) = &visit {
        let today = state.clock.today();
        match v.status(today) {
            VisitStatus::Withdrawn => c.fail(
                "visit",
                "This visit date has been withdrawn by the host. Choose another date",
            ),
            VisitStatus::Past => c.fail(
                "visit",
                "This visit date has already passed. Choose another date",
            ),
            VisitStatus::Closed => c.fail(
                "visit",
                format!(
                    "Bookings for this visit date closed on {}. Choose another date",
                    long_date(v.booking_closes)
                ),
            ),
            VisitStatus::Full => {
                conflicts += 1;
                // A school that already holds places on the full date needs
                // to hear about its own booking, not that the date is full.
                let own = match &school_urn {
                    Some(urn) => state
                        .store
                        .school_booking(&v.id, urn, state.clock.now())
                        .await
                        .map_err(|e| ApiError::unavailable(&e))?,
                    None => None,
                };
                match own {
                    Some(b) => c.fail("school_urn", already_booked_message(&b.reference)),
                    None => c.fail(
                        "visit",
                        "This visit date is fully booked. Choose another date",
                    ),
                }
            }
            VisitStatus::Open => {}
        }
        if let Some(p) = places {
            if p > v.max_per_school {
                c.fail(
                    "places",
                    format!(
                        "Number of places must be between 1 and {} for this visit date",
                        v.max_per_school
                    ),
                );
            } else if v.status(today) == VisitStatus::Open && p > v.remaining {
                conflicts += 1;
                c.fail("places", places_left_message(v.remaining));
            }
        }
        if let Some(region) = &school_region {
            if v.same_region && region != &v.region {
                c.fail(
                    "school_region",
                    format!(
                        "{} only takes bookings from schools in {}",
                        v.host_name,
                        region_name(&v.region)
                    ),
                );
            }
        }
    }

    if !c.errors.is_empty() {
        // 409 only when nothing but places taken by others stands in the way.
        let mut error = if conflicts == c.errors.len() {
            let mut e = ApiError::invalid(TITLE, c.errors);
            e.status = StatusCode::CONFLICT;
            e.kind = "conflict";
            e
        } else {
            ApiError::invalid(TITLE, c.errors)
        };
        // Without a known date the caller may still know the host page.
        error.back = visit.as_ref().map(|v| v.host_path.clone());
        return Err(error);
    }

    match (
        visit,
        school_name,
        school_urn,
        school_region,
        contact_name,
        contact_role,
        email,
        places,
    ) {
        (
            Some(visit),
            Some(school_name),
            Some(school_urn),
            Some(school_region),
            Some(contact_name),
            Some(contact_role),
            Some(email),
            Some(places),
        ) => Ok(ValidBooking {
            visit,
            school_name,
            school_urn,
            school_region,
            contact_name,
            contact_role,
            email,
            places,
            needs,
            idempotency_key: key,
        }),
        // Every None above recorded an error, so this is unreachable; answer
        // a plain refusal rather than panic.
        _ => Err(ApiError::invalid(
            TITLE,
            vec![FieldError::new("visit", "Check your answers")],
        )),
    }
}

fn places_left_message(remaining: u32) -> String {
    match remaining {
        0 => "This visit date is fully booked. Choose another date".to_string(),
        1 => "Only 1 place is left on this visit date".to_string(),
        n => format!("Only {n} places are left on this visit date"),
    }
}

/// Places as a whole number of at least 1; the upper bound depends on the
/// visit and is checked with it.
fn parse_places(c: &mut Checker, fields: &Fields) -> Option<u32> {
    let raw = match fields.get("places") {
        None => {
            c.fail("places", "Enter the number of places");
            return None;
        }
        Some(r) => r,
    };
    let digits = raw.strip_prefix('-').unwrap_or(raw);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        c.fail("places", "Number of places must be a whole number, like 2");
        return None;
    }
    match raw.parse::<i64>() {
        Ok(n) if (1..=i64::from(u32::MAX)).contains(&n) => Some(n as u32),
        Ok(n) if n < 1 => {
            c.fail("places", "Number of places must be 1 or more");
            None
        }
        // Huge numbers: past any visit's limit.
        _ => {
            c.fail("places", "Number of places is too large");
            None
        }
    }
}

/// Writes the booking. A clash on the reference (40 random bits) is checked
/// first and a new one drawn; the store itself guards the places and the
/// one-booking-per-school rule atomically.
async fn store_booking(state: &AppState, valid: ValidBooking) -> Result<Created, ApiError> {
    let now = state.clock.now();
    let mut reference = None;
    for _ in 0..5 {
        let candidate = tokens::new_reference().map_err(random_failed)?;
        match state.store.booking(&candidate, now).await {
            Err(e) => return Err(ApiError::unavailable(&e)),
            Ok(Some(_)) => continue,
            Ok(None) => {
                reference = Some(candidate);
                break;
            }
        }
    }
    let Some(reference) = reference else {
        // Five clashes in a row means the random source is broken.
        tracing::error!("no free booking reference after 5 draws");
        return Err(service_error());
    };
    let token = match &valid.idempotency_key {
        Some(key) => tokens::idempotent_token(key, &reference),
        None => tokens::new_token().map_err(random_failed)?,
    };
    let expires_at = valid
        .visit
        .date
        .checked_add_days(Days::new(u64::from(state.config.retention_days)))
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|t| t.and_utc().timestamp())
        .unwrap_or(i64::MAX);
    let booking = Booking {
        reference: reference.clone(),
        visit_id: valid.visit.id.clone(),
        host_urn: valid.visit.host_urn.clone(),
        school_name: valid.school_name,
        school_urn: valid.school_urn.clone(),
        school_region: valid.school_region,
        contact_name: valid.contact_name,
        contact_role: valid.contact_role,
        email: valid.email,
        places: valid.places,
        needs: valid.needs,
        token_hash: tokens::sha256_hex(&token),
        idempotency_key_hash: valid.idempotency_key.as_deref().map(tokens::sha256_hex),
        status: BookingStatus::Confirmed,
        created_at: now,
        cancelled_at: None,
        expires_at,
    };
    let back = valid.visit.host_path.clone();
    match state.store.create_booking(&booking).await {
        Ok(()) => Ok(Created::new(
            state,
            reference,
            token,
            booking.visit_id,
            booking.places,
        )),
        Err(BookingRefused::AlreadyBooked(existing)) => {
            if let Some(created) = replay(state, &existing, valid.idempotency_key.as_deref()) {
                return Ok(created);
            }
            Err(ApiError::conflict(
                TITLE,
                "school_urn",
                already_booked_message(&existing.reference),
            )
            .with_back(back))
        }
        Err(BookingRefused::NotEnoughPlaces { remaining }) => {
            if let Some(created) = replay_for(
                state,
                &valid.visit,
                &valid.school_urn,
                valid.idempotency_key.as_deref(),
            )
            .await?
            {
                return Ok(created);
            }
            let field = if remaining == 0 { "visit" } else { "places" };
            Err(ApiError::conflict(TITLE, field, places_left_message(remaining)).with_back(back))
        }
        Err(BookingRefused::Withdrawn) => Err(ApiError::invalid(
            TITLE,
            vec![FieldError::new(
                "visit",
                "This visit date has been withdrawn by the host. Choose another date",
            )],
        )
        .with_back(back)),
        Err(BookingRefused::UnknownVisit(_)) => Err(ApiError::invalid(
            TITLE,
            vec![FieldError::new(
                "visit",
                "The visit date you chose is not on the site any more. Choose another date",
            )],
        )
        .with_back(back)),
        Err(BookingRefused::Store(e)) => Err(ApiError::unavailable(&e)),
    }
}

fn already_booked_message(reference: &str) -> String {
    format!(
        "Your school already has a booking for this visit date (reference {reference}). \
         Use the link from that booking's confirmation to change or cancel it"
    )
}

/// The first answer again, when `existing` was made with the same key less
/// than 24 hours ago.
fn replay(state: &AppState, existing: &Booking, key: Option<&str>) -> Option<Created> {
    let key = key?;
    let same_key =
        existing.idempotency_key_hash.as_deref() == Some(tokens::sha256_hex(key).as_str());
    let recent = state.clock.now().signed_duration_since(existing.created_at) < IDEMPOTENCY_WINDOW;
    if !(same_key && recent && existing.status == BookingStatus::Confirmed) {
        return None;
    }
    let token = tokens::idempotent_token(key, &existing.reference);
    Some(Created::new(
        state,
        existing.reference.clone(),
        token,
        existing.visit_id.clone(),
        existing.places,
    ))
}

/// Finds the school's live booking on the visit and replays it if the key
/// matches. Used when the store refused for lack of places, which it may do
/// before noticing the school's own earlier booking.
async fn replay_for(
    state: &AppState,
    visit: &VisitRecord,
    school_urn: &str,
    key: Option<&str>,
) -> Result<Option<Created>, ApiError> {
    if key.is_none() {
        return Ok(None);
    }
    let existing = state
        .store
        .school_booking(&visit.id, school_urn, state.clock.now())
        .await
        .map_err(|e| ApiError::unavailable(&e))?;
    Ok(existing.and_then(|b| replay(state, &b, key)))
}

/// The same, from raw fields (validation refused before a `ValidBooking`
/// existed).
async fn replay_by_lookup(
    state: &AppState,
    fields: &Fields,
    key: Option<&str>,
) -> Result<Option<Created>, ApiError> {
    let (Some(_), Some(visit_id), Some(urn)) = (key, fields.get("visit"), fields.get("school_urn"))
    else {
        return Ok(None);
    };
    let visit = match state.store.visit(visit_id).await {
        Ok(Some(v)) => v,
        Ok(None) => return Ok(None),
        Err(e) => return Err(ApiError::unavailable(&e)),
    };
    replay_for(state, &visit, urn, key).await
}
