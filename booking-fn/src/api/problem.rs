//! Every refusal the API gives, and its two renderings: `application/problem+json`
//! (RFC 9457, with one `errors` entry per field) for scripts, and an accessible
//! "There is a problem" page for plain HTML forms.

use std::fmt::Write;

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use super::html::{esc, page};
use crate::store::StoreError;

/// How the client wants its answer: decided by the request's content type
/// (or, before that is known, its `Accept` header).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Html,
    Json,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: &str, message: impl Into<String>) -> Self {
        Self {
            field: field.to_string(),
            message: message.into(),
        }
    }
}

/// A refusal: status, a short title, a sentence of detail and the field
/// errors. `back` is where the HTML page's "Go back" link goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub status: StatusCode,
    /// Short slug naming the kind of problem; becomes the `type` URI.
    pub kind: &'static str,
    pub title: String,
    pub detail: String,
    pub errors: Vec<FieldError>,
    pub back: Option<String>,
}

/// The message for a reference or token that does not match: the same words
/// whether the booking does not exist or the token is wrong, so the answer
/// reveals nothing.
pub const NOT_FOUND_MESSAGE: &str = "We could not find a booking with that reference and link. \
     Check that you used the full link from your confirmation page.";

pub const UNAVAILABLE_MESSAGE: &str = "Sorry, the booking service is busy at the moment. \
     Nothing has been saved. Please try again in a few seconds.";

impl ApiError {
    pub fn new(
        status: StatusCode,
        kind: &'static str,
        title: &str,
        detail: impl Into<String>,
    ) -> Self {
        Self {
            status,
            kind,
            title: title.to_string(),
            detail: detail.into(),
            errors: Vec::new(),
            back: None,
        }
    }

    /// 422: answers that need changing. The detail lists the messages too, so
    /// a client that reads only `detail` still learns what to fix.
    pub fn invalid(title: &str, errors: Vec<FieldError>) -> Self {
        let detail = if errors.len() == 1 {
            errors[0].message.clone()
        } else {
            format!("{} answers need changing.", errors.len())
        };
        Self {
            errors,
            ..Self::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid-fields",
                title,
                detail,
            )
        }
    }

    /// 409: refused because of something else in the store (another
    /// booking, places taken, feedback already given).
    pub fn conflict(title: &str, field: &str, message: impl Into<String>) -> Self {
        let message = message.into();
        Self {
            errors: vec![FieldError::new(field, message.clone())],
            ..Self::new(StatusCode::CONFLICT, "conflict", title, message)
        }
    }

    /// 400: the request itself is malformed.
    pub fn bad_request(detail: impl Into<String>) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "bad-request",
            "The request could not be read",
            detail,
        )
    }

    pub fn not_found(field: &str) -> Self {
        Self {
            errors: vec![FieldError::new(field, NOT_FOUND_MESSAGE)],
            ..Self::new(
                StatusCode::NOT_FOUND,
                "booking-not-found",
                "Booking not found",
                NOT_FOUND_MESSAGE,
            )
        }
    }

    /// 503 for a store failure. The cause is logged by kind only: store
    /// messages may quote data.
    pub fn unavailable(cause: &StoreError) -> Self {
        let kind = match cause {
            StoreError::Unavailable(_) => "unavailable",
            StoreError::Corrupt(_) => "corrupt",
            StoreError::Other(_) => "other",
        };
        tracing::error!(store_error = kind, "store failure; answered 503");
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "service-unavailable",
            "Sorry, there is a problem with the service",
            UNAVAILABLE_MESSAGE,
        )
    }

    pub fn with_back(mut self, back: impl Into<String>) -> Self {
        self.back = Some(back.into());
        self
    }

    /// Sets where "Go back" leads only if nothing more specific has.
    pub fn or_back(mut self, back: Option<String>) -> Self {
        if self.back.is_none() {
            self.back = back;
        }
        self
    }

    pub fn respond(self, format: Format, site_title: &str) -> Response {
        let mut response = match format {
            Format::Json => self.json(),
            Format::Html => self.html(site_title),
        };
        if self.status == StatusCode::SERVICE_UNAVAILABLE {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
        }
        response
    }

    fn json(&self) -> Response {
        #[derive(Serialize)]
        struct Problem<'a> {
            #[serde(rename = "type")]
            kind: String,
            title: &'a str,
            status: u16,
            detail: &'a str,
            errors: &'a [FieldError],
        }
        let body = Problem {
            kind: format!("urn:inside-knowledge:problem:{}", self.kind),
            title: &self.title,
            status: self.status.as_u16(),
            detail: &self.detail,
            errors: &self.errors,
        };
        let bytes = serde_json::to_vec(&body).unwrap_or_default();
        (
            self.status,
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/problem+json"),
            )],
            bytes,
        )
            .into_response()
    }

    fn html(&self, site_title: &str) -> Response {
        let back = self.back.as_deref().unwrap_or("/");
        let mut main = String::with_capacity(1024);
        let _ = writeln!(
            main,
            "<a href=\"{}\" class=\"ik-back-link\">Go back and change your answers</a>",
            esc(back)
        );
        let _ = writeln!(main, "<h1 class=\"ik-heading-l\">{}</h1>", esc(&self.title));
        main.push_str(
            "<div class=\"ik-error-summary\" role=\"alert\" aria-labelledby=\"error-summary-title\" tabindex=\"-1\">\n\
             <h2 class=\"ik-error-summary__title\" id=\"error-summary-title\">There is a problem</h2>\n\
             <ul class=\"ik-error-summary__list\">\n",
        );
        if self.errors.is_empty() {
            let _ = writeln!(main, "<li>{}</li>", esc(&self.detail));
        }
        for e in &self.errors {
            // The fields are on the page we link back to; its inputs carry
            // ids equal to the field names.
            let base = back.split('#').next().unwrap_or(back);
            let _ = writeln!(
                main,
                "<li><a href=\"{}#{}\">{}</a></li>",
                esc(base),
                esc(&e.field),
                esc(&e.message)
            );
        }
        main.push_str("</ul>\n</div>\n");
        if !self.errors.is_empty() && self.errors.len() > 1 {
            let _ = writeln!(main, "<p class=\"ik-body\">{}</p>", esc(&self.detail));
        }
        let _ = writeln!(
            main,
            "<p class=\"ik-body\"><a href=\"{}\">Go back and change your answers</a></p>",
            esc(back)
        );
        let title = format!("Error: There is a problem – {}", self.title);
        let body = page(&title, site_title, &main);
        (
            self.status,
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            )],
            body,
        )
            .into_response()
    }
}
