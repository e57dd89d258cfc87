//! The API's own HTML pages (check your answers, your booking, feedback),
//! server-rendered with the site's class vocabulary and the shared frame.
//! Every value is escaped here; nothing inline, so the CSP holds.

use std::fmt::Write;

use chrono::NaiveDate;

use super::bookings::{booking_path, calendar_path, feedback_path, ValidBooking, BOOKING_FIELDS};
use super::feedback::Gate;
use super::html::{esc, hidden, long_date, page, region_name, summary_row, url_encode};
use super::problem::ApiError;
use crate::model::{Booking, BookingStatus, VisitRecord};
use crate::tokens;

fn time_range(v: &VisitRecord) -> String {
    format!("{} to {}", v.start, v.end)
}

fn places_text(n: u32) -> String {
    if n == 1 {
        "1 place".to_string()
    } else {
        format!("{n} places")
    }
}

/// "Check your answers" for a valid booking form: every answer with a
/// Change link back to the host page, and the answers again as hidden fields
/// of the form that really books.
pub fn check_answers(site: &str, b: &ValidBooking, honeypot: &str) -> Result<String, ApiError> {
    let v = &b.visit;
    let change = |field: &str| format!("{}#{}", v.host_path, field);
    let mut m = String::with_capacity(4096);
    let _ = writeln!(
        m,
        "<a href=\"{}\" class=\"ik-back-link\">Back to {}</a>",
        esc(&v.host_path),
        esc(&v.host_name)
    );
    m.push_str("<h1 class=\"ik-heading-l\">Check your answers before booking</h1>\n");

    m.push_str("<h2 class=\"ik-heading-m\">Visit</h2>\n<dl class=\"ik-summary-list\">\n");
    summary_row(&mut m, "Host school", &esc(&v.host_name), None);
    summary_row(
        &mut m,
        "Date",
        &esc(&long_date(v.date)),
        Some((&change("visit"), "visit date")),
    );
    summary_row(&mut m, "Time", &esc(&time_range(v)), None);
    summary_row(
        &mut m,
        "Places",
        &esc(&places_text(b.places)),
        Some((&change("places"), "number of places")),
    );
    m.push_str("</dl>\n");

    m.push_str("<h2 class=\"ik-heading-m\">Your school</h2>\n<dl class=\"ik-summary-list\">\n");
    summary_row(
        &mut m,
        "School name",
        &esc(&b.school_name),
        Some((&change("school_name"), "school name")),
    );
    summary_row(
        &mut m,
        "URN",
        &esc(&b.school_urn),
        Some((&change("school_urn"), "URN")),
    );
    summary_row(
        &mut m,
        "Region",
        &esc(&region_name(&b.school_region)),
        Some((&change("school_region"), "region")),
    );
    m.push_str("</dl>\n");

    m.push_str("<h2 class=\"ik-heading-m\">Contact</h2>\n<dl class=\"ik-summary-list\">\n");
    summary_row(
        &mut m,
        "Name",
        &esc(&b.contact_name),
        Some((&change("contact_name"), "contact name")),
    );
    summary_row(
        &mut m,
        "Role",
        &esc(&b.contact_role),
        Some((&change("contact_role"), "contact role")),
    );
    summary_row(
        &mut m,
        "Email address",
        &esc(&b.email),
        Some((&change("email"), "email address")),
    );
    summary_row(
        &mut m,
        "Access or other needs",
        &esc(b.needs.as_deref().unwrap_or("None")),
        Some((&change("needs"), "access or other needs")),
    );
    m.push_str("</dl>\n");

    // Without JavaScript nothing else can make an idempotency key, and a
    // double click on "Confirm booking" must still book once.
    let key = match &b.idempotency_key {
        Some(k) => k.clone(),
        None => tokens::new_token().map_err(|_| {
            ApiError::unavailable(&crate::store::StoreError::Other("random source".into()))
        })?,
    };
    m.push_str("<form method=\"post\" action=\"/api/bookings\" novalidate>\n");
    for (name, value) in [
        ("visit", v.id.as_str()),
        ("school_name", &b.school_name),
        ("school_urn", &b.school_urn),
        ("school_region", &b.school_region),
        ("contact_name", &b.contact_name),
        ("contact_role", &b.contact_role),
        ("email", &b.email),
        ("needs", b.needs.as_deref().unwrap_or("")),
        ("consent", "yes"),
        ("idempotency_key", &key),
    ] {
        debug_assert!(BOOKING_FIELDS.contains(&name));
        hidden(&mut m, name, value);
    }
    hidden(&mut m, "places", &b.places.to_string());
    if !honeypot.is_empty() {
        hidden(&mut m, "website", honeypot);
    }
    m.push_str(
        "<p class=\"ik-body\">By confirming, you agree that the host school and the programme team \
         may use these details to arrange the visit, as the privacy notice explains.</p>\n\
         <button type=\"submit\" class=\"ik-button\">Confirm booking</button>\n</form>\n",
    );
    Ok(page("Check your answers before booking", site, &m))
}

/// The private booking page.
pub fn booking(
    site: &str,
    b: &Booking,
    visit: Option<&VisitRecord>,
    token: &str,
    is_new: bool,
    today: NaiveDate,
) -> String {
    let cancelled = b.status == BookingStatus::Cancelled;
    let mut m = String::with_capacity(4096);
    let title;
    if cancelled {
        title = format!("Booking {} has been cancelled", b.reference);
        let _ = writeln!(
            m,
            "<h1 class=\"ik-heading-l\">Booking {}</h1>\n\
             <p class=\"ik-body\"><strong class=\"ik-tag ik-tag--red\">Cancelled</strong></p>\n\
             <div class=\"ik-inset-text\"><p class=\"ik-body\">This booking has been cancelled. \
             Its places have been given back.</p></div>",
            esc(&b.reference)
        );
    } else if is_new {
        title = "Booking confirmed".to_string();
        let _ = writeln!(
            m,
            "<div class=\"ik-panel\">\n<h1 class=\"ik-panel__title\">Booking confirmed</h1>\n\
             <div class=\"ik-panel__body\">Your reference<br><strong>{}</strong></div>\n</div>",
            esc(&b.reference)
        );
    } else {
        title = format!("Your booking {}", b.reference);
        let _ = writeln!(
            m,
            "<h1 class=\"ik-heading-l\">Your booking {}</h1>\n\
             <p class=\"ik-body\"><strong class=\"ik-tag ik-tag--green\">Confirmed</strong></p>",
            esc(&b.reference)
        );
    }
    if !cancelled {
        m.push_str(
            "<div class=\"ik-warning-text\"><p class=\"ik-body\"><strong>Keep the link to this page.</strong> \
             It is private to your booking: you need it to cancel or to give feedback.</p></div>\n",
        );
    }

    m.push_str("<h2 class=\"ik-heading-m\">Visit details</h2>\n<dl class=\"ik-summary-list\">\n");
    summary_row(&mut m, "Reference", &esc(&b.reference), None);
    if let Some(v) = visit {
        summary_row(
            &mut m,
            "Host school",
            &format!(
                "<a href=\"{}\">{}</a>",
                esc(&v.host_path),
                esc(&v.host_name)
            ),
            None,
        );
        summary_row(&mut m, "Date", &esc(&long_date(v.date)), None);
        summary_row(&mut m, "Time", &esc(&time_range(v)), None);
    }
    summary_row(&mut m, "Places", &esc(&places_text(b.places)), None);
    summary_row(&mut m, "School", &esc(&b.school_name), None);
    summary_row(&mut m, "Contact", &esc(&b.contact_name), None);
    summary_row(&mut m, "Email address", &esc(&b.email), None);
    if let Some(needs) = &b.needs {
        summary_row(&mut m, "Access or other needs", &esc(needs), None);
    }
    m.push_str("</dl>\n");

    if cancelled {
        if let Some(v) = visit {
            let _ = writeln!(
                m,
                "<p class=\"ik-body\"><a href=\"{}\">Choose another visit date at {}</a></p>",
                esc(&v.host_path),
                esc(&v.host_name)
            );
        }
        return page(&title, site, &m);
    }

    m.push_str("<h2 class=\"ik-heading-m\">What happens next</h2>\n");
    let _ = writeln!(
        m,
        "<p class=\"ik-body\">The host school will contact {} at {} before the visit with \
         arrival details and anything you need to bring.</p>",
        esc(&b.contact_name),
        esc(&b.email)
    );
    if let Some(v) = visit {
        let _ = writeln!(
            m,
            "<p class=\"ik-body\"><a href=\"{}\">Add this visit to your calendar</a></p>",
            esc(&calendar_path(&b.reference, token))
        );
        m.push_str("<h2 class=\"ik-heading-m\">Feedback</h2>\n");
        // The link is given from the start so it can be kept with this
        // page's; the feedback page itself says when it opens.
        if today < v.date {
            let _ = writeln!(
                m,
                "<p class=\"ik-body\">After the visit, please tell us how it went. You can give \
                 feedback from {} with this private link:</p>",
                esc(&long_date(v.date))
            );
        }
        let _ = writeln!(
            m,
            "<p class=\"ik-body\"><a href=\"{}\">Give feedback on your visit</a></p>",
            esc(&feedback_path(&b.reference, token))
        );
        if today <= v.date {
            let _ = writeln!(
                m,
                "<h2 class=\"ik-heading-m\">Cancel this booking</h2>\n\
                 <p class=\"ik-body\">If you can no longer come, cancel so that another school can have the places.</p>\n\
                 <form method=\"post\" action=\"/api/bookings/{}/cancel\" novalidate>",
                esc(&url_encode(&b.reference))
            );
            hidden(&mut m, "token", token);
            m.push_str(
                "<button type=\"submit\" class=\"ik-button ik-button--warning\">Cancel this booking</button>\n</form>\n",
            );
        }
    }
    page(&title, site, &m)
}

fn radios(m: &mut String, name: &str, legend: &str, hint: Option<&str>, options: &[(&str, &str)]) {
    let hint_id = format!("{name}-hint");
    let _ = write!(
        m,
        "<div class=\"ik-form-group\">\n<fieldset class=\"ik-fieldset\"{}>\n\
         <legend class=\"ik-fieldset__legend\">{}</legend>\n",
        if hint.is_some() {
            format!(" aria-describedby=\"{}\"", esc(&hint_id))
        } else {
            String::new()
        },
        esc(legend)
    );
    if let Some(h) = hint {
        let _ = writeln!(
            m,
            "<div id=\"{}\" class=\"ik-hint\">{}</div>",
            esc(&hint_id),
            esc(h)
        );
    }
    m.push_str("<div class=\"ik-radios\">\n");
    for (i, (value, label)) in options.iter().enumerate() {
        // The first radio carries the field's own id, so error links land on it.
        let id = if i == 0 {
            name.to_string()
        } else {
            format!("{name}-{}", i + 1)
        };
        let _ = writeln!(
            m,
            "<div class=\"ik-radios__item\"><input class=\"ik-radios__input\" id=\"{id}\" name=\"{name}\" \
             type=\"radio\" value=\"{value}\"><label class=\"ik-label ik-radios__label\" for=\"{id}\">{label}</label></div>",
            id = esc(&id),
            name = esc(name),
            value = esc(value),
            label = esc(label)
        );
    }
    m.push_str("</div>\n</fieldset>\n</div>\n");
}

fn textarea(m: &mut String, name: &str, label: &str, hint: &str, max: usize) {
    let _ = writeln!(
        m,
        "<div class=\"ik-form-group\">\n<label class=\"ik-label\" for=\"{n}\">{l}</label>\n\
         <div id=\"{n}-hint\" class=\"ik-hint\">{h} (up to {max} characters)</div>\n\
         <textarea class=\"ik-textarea\" id=\"{n}\" name=\"{n}\" rows=\"5\" maxlength=\"{max}\" \
         aria-describedby=\"{n}-hint\"></textarea>\n</div>",
        n = esc(name),
        l = esc(label),
        h = esc(hint),
    );
}

fn visit_line(b: &Booking, visit: Option<&VisitRecord>) -> String {
    match visit {
        Some(v) => format!(
            "Your visit to {} on {} (booking {}).",
            esc(&v.host_name),
            esc(&long_date(v.date)),
            esc(&b.reference)
        ),
        None => format!("Booking {}.", esc(&b.reference)),
    }
}

/// The feedback form, for a booking that can take feedback today.
pub fn feedback_form(site: &str, b: &Booking, visit: Option<&VisitRecord>, token: &str) -> String {
    let mut m = String::with_capacity(6000);
    m.push_str("<h1 class=\"ik-heading-l\">Give feedback on your visit</h1>\n");
    let _ = writeln!(m, "<p class=\"ik-body\">{}</p>", visit_line(b, visit));
    m.push_str("<form method=\"post\" action=\"/api/feedback\" novalidate>\n");
    hidden(&mut m, "reference", &b.reference);
    hidden(&mut m, "token", token);
    radios(
        &mut m,
        "satisfaction",
        "How satisfied were you with the visit?",
        None,
        &[
            ("5", "5 – Very satisfied"),
            ("4", "4 – Satisfied"),
            ("3", "3 – Neither satisfied nor dissatisfied"),
            ("2", "2 – Dissatisfied"),
            ("1", "1 – Very dissatisfied"),
        ],
    );
    let focus = visit
        .map(|v| {
            v.focus
                .iter()
                .map(|f| region_name(f))
                .collect::<Vec<_>>()
                .join(", ")
        })
        .filter(|f| !f.is_empty());
    let focus_hint = focus.as_ref().map(|f| format!("Focus: {f}"));
    radios(
        &mut m,
        "covered_focus",
        "Did the visit cover its focus area?",
        focus_hint.as_deref(),
        &[("yes", "Yes"), ("partly", "Partly"), ("no", "No")],
    );
    textarea(
        &mut m,
        "will_change",
        "What will your school change as a result of the visit?",
        "For example, a new approach to reading or a change to a policy",
        2000,
    );
    radios(
        &mut m,
        "recommend",
        "Would you recommend this visit to other schools?",
        None,
        &[("yes", "Yes"), ("no", "No")],
    );
    m.push_str(
        "<div class=\"ik-form-group\">\n<div class=\"ik-checkboxes\">\n<div class=\"ik-checkboxes__item\">\
         <input class=\"ik-checkboxes__input\" id=\"quote_consent\" name=\"quote_consent\" type=\"checkbox\" value=\"yes\">\
         <label class=\"ik-label ik-checkboxes__label\" for=\"quote_consent\">You may quote my feedback \
         on the site without naming me or my school</label></div>\n</div>\n</div>\n",
    );
    textarea(
        &mut m,
        "comments",
        "Any other comments (optional)",
        "Anything else the host school or the programme team should know",
        2000,
    );
    m.push_str("<button type=\"submit\" class=\"ik-button\">Send feedback</button>\n</form>\n");
    page("Give feedback on your visit", site, &m)
}

/// Instead of the form: why feedback cannot be given now.
pub fn feedback_closed(
    site: &str,
    b: &Booking,
    visit: Option<&VisitRecord>,
    token: &str,
    gate: &Gate,
) -> String {
    let (title, message) = match gate {
        Gate::NotYet(date) => (
            "Feedback is not open yet",
            format!(
                "You can give feedback from the day of the visit, {}. Come back to this link then.",
                long_date(*date)
            ),
        ),
        Gate::AlreadyGiven => (
            "You have already given feedback",
            format!(
                "Feedback has already been given for booking {}. Thank you.",
                b.reference
            ),
        ),
        Gate::Cancelled => (
            "This booking has been cancelled",
            format!(
                "Booking {} was cancelled, so there is no visit to give feedback on.",
                b.reference
            ),
        ),
        Gate::Open => ("Give feedback on your visit", String::new()),
    };
    let mut m = String::with_capacity(1500);
    let _ = writeln!(m, "<h1 class=\"ik-heading-l\">{}</h1>", esc(title));
    let _ = writeln!(m, "<p class=\"ik-body\">{}</p>", visit_line(b, visit));
    let _ = writeln!(
        m,
        "<div class=\"ik-inset-text\"><p class=\"ik-body\">{}</p></div>",
        esc(&message)
    );
    let _ = writeln!(
        m,
        "<p class=\"ik-body\"><a href=\"{}\">View your booking</a></p>",
        esc(&booking_path(&b.reference, token))
    );
    page(title, site, &m)
}
