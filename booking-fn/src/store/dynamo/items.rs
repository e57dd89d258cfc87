//! The single-table layout (DESIGN.md section 4) and conversions between
//! items and the model types.
//!
//! | item      | PK              | SK                   | GSI1PK           | GSI1SK                 |
//! |-----------|-----------------|----------------------|------------------|------------------------|
//! | visit     | `VISIT#<id>`    | `META`               | `HOST#<urn>`     | `DATE#<date>#<start>`  |
//! | booking   | `VISIT#<id>`    | `BOOKING#<school>`   | `REF#<reference>`| `BOOKING`              |
//! | feedback  | `VISIT#<id>`    | `FEEDBACK#<school>`  | `HOST#<urn>`     | `FEEDBACK#<date>`      |
//! | reference | `REF#<reference>` | `REF`              |                  |                        |
//!
//! The reference item makes a lookup by reference one strongly consistent
//! GetItem, and its `attribute_not_exists(PK)` put keeps references unique.

use std::collections::HashMap;

use aws_sdk_dynamodb::types::AttributeValue;
use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};

use crate::model::{Booking, BookingStatus, CoveredFocus, Feedback, VisitRecord};
use crate::store::StoreError;

pub type Item = HashMap<String, AttributeValue>;

pub const PK: &str = "PK";
pub const SK: &str = "SK";
pub const GSI1: &str = "GSI1";
pub const GSI1PK: &str = "GSI1PK";
pub const GSI1SK: &str = "GSI1SK";
/// The TTL attribute (epoch seconds) on personal items.
pub const EXPIRES_AT: &str = "expires_at";

pub const META: &str = "META";
pub const REF_SK: &str = "REF";
pub const BOOKING_PREFIX: &str = "BOOKING#";
pub const FEEDBACK_PREFIX: &str = "FEEDBACK#";
pub const DATE_PREFIX: &str = "DATE#";

pub fn visit_pk(id: &str) -> String {
    format!("VISIT#{id}")
}
pub fn booking_sk(school_urn: &str) -> String {
    format!("{BOOKING_PREFIX}{school_urn}")
}
pub fn feedback_sk(school_urn: &str) -> String {
    format!("{FEEDBACK_PREFIX}{school_urn}")
}
pub fn ref_pk(reference: &str) -> String {
    format!("REF#{reference}")
}
pub fn host_pk(urn: &str) -> String {
    format!("HOST#{urn}")
}

pub fn key(pk: String, sk: impl Into<String>) -> Item {
    HashMap::from([
        (PK.to_owned(), AttributeValue::S(pk)),
        (SK.to_owned(), AttributeValue::S(sk.into())),
    ])
}

pub fn s(v: impl Into<String>) -> AttributeValue {
    AttributeValue::S(v.into())
}
pub fn n(v: impl std::fmt::Display) -> AttributeValue {
    AttributeValue::N(v.to_string())
}

fn date_text(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}
fn time_text(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Micros, true)
}
pub fn status_text(s: BookingStatus) -> &'static str {
    match s {
        BookingStatus::Confirmed => "confirmed",
        BookingStatus::Cancelled => "cancelled",
    }
}

/// Reads typed attributes out of an item, naming the attribute (never the
/// value, which may be personal data) when one is missing or malformed.
struct Reader<'a>(&'a Item);

impl Reader<'_> {
    fn bad(name: &str, what: &str) -> StoreError {
        StoreError::Corrupt(format!("attribute {name}: {what}"))
    }
    fn str(&self, name: &str) -> Result<String, StoreError> {
        match self.0.get(name) {
            Some(AttributeValue::S(v)) => Ok(v.clone()),
            Some(_) => Err(Self::bad(name, "not a string")),
            None => Err(Self::bad(name, "missing")),
        }
    }
    fn opt_str(&self, name: &str) -> Result<Option<String>, StoreError> {
        match self.0.get(name) {
            None | Some(AttributeValue::Null(_)) => Ok(None),
            Some(AttributeValue::S(v)) => Ok(Some(v.clone())),
            Some(_) => Err(Self::bad(name, "not a string")),
        }
    }
    fn num<T: std::str::FromStr>(&self, name: &str) -> Result<T, StoreError> {
        match self.0.get(name) {
            Some(AttributeValue::N(v)) => v.parse().map_err(|_| Self::bad(name, "out of range")),
            Some(_) => Err(Self::bad(name, "not a number")),
            None => Err(Self::bad(name, "missing")),
        }
    }
    fn bool(&self, name: &str) -> Result<bool, StoreError> {
        match self.0.get(name) {
            Some(AttributeValue::Bool(v)) => Ok(*v),
            Some(_) => Err(Self::bad(name, "not a boolean")),
            None => Err(Self::bad(name, "missing")),
        }
    }
    fn date(&self, name: &str) -> Result<NaiveDate, StoreError> {
        NaiveDate::parse_from_str(&self.str(name)?, "%Y-%m-%d")
            .map_err(|_| Self::bad(name, "not a YYYY-MM-DD date"))
    }
    fn time(&self, name: &str) -> Result<Option<DateTime<Utc>>, StoreError> {
        self.opt_str(name)?
            .map(|t| {
                DateTime::parse_from_rfc3339(&t)
                    .map(|t| t.with_timezone(&Utc))
                    .map_err(|_| Self::bad(name, "not an RFC 3339 time"))
            })
            .transpose()
    }
    fn list(&self, name: &str) -> Result<Vec<String>, StoreError> {
        match self.0.get(name) {
            Some(AttributeValue::L(items)) => items
                .iter()
                .map(|v| match v {
                    AttributeValue::S(s) => Ok(s.clone()),
                    _ => Err(Self::bad(name, "not a list of strings")),
                })
                .collect(),
            Some(_) => Err(Self::bad(name, "not a list")),
            None => Err(Self::bad(name, "missing")),
        }
    }
}

/// The `expires_at` of an item, if it has one. Used to hide expired items
/// that TTL has not deleted yet.
pub fn expires_at(item: &Item) -> Result<Option<i64>, StoreError> {
    if item.contains_key(EXPIRES_AT) {
        Reader(item).num(EXPIRES_AT).map(Some)
    } else {
        Ok(None)
    }
}

/// True when the item is past its `expires_at` at `now` (epoch seconds).
pub fn is_expired(item: &Item, now: i64) -> Result<bool, StoreError> {
    Ok(expires_at(item)?.is_some_and(|t| t <= now))
}

pub fn visit_item(v: &VisitRecord) -> Item {
    HashMap::from([
        (PK.into(), s(visit_pk(&v.id))),
        (SK.into(), s(META)),
        (GSI1PK.into(), s(host_pk(&v.host_urn))),
        (
            GSI1SK.into(),
            s(format!("{DATE_PREFIX}{}#{}", date_text(v.date), v.start)),
        ),
        ("id".into(), s(&v.id)),
        ("host_urn".into(), s(&v.host_urn)),
        ("host_name".into(), s(&v.host_name)),
        ("host_path".into(), s(&v.host_path)),
        ("region".into(), s(&v.region)),
        ("date".into(), s(date_text(v.date))),
        ("start".into(), s(&v.start)),
        ("end".into(), s(&v.end)),
        ("capacity".into(), n(v.capacity)),
        ("remaining".into(), n(v.remaining)),
        ("max_per_school".into(), n(v.max_per_school)),
        ("booking_closes".into(), s(date_text(v.booking_closes))),
        ("same_region".into(), AttributeValue::Bool(v.same_region)),
        (
            "focus".into(),
            AttributeValue::L(v.focus.iter().map(s).collect()),
        ),
        ("withdrawn".into(), AttributeValue::Bool(v.withdrawn)),
    ])
}

pub fn visit(item: &Item) -> Result<VisitRecord, StoreError> {
    let r = Reader(item);
    Ok(VisitRecord {
        id: r.str("id")?,
        host_urn: r.str("host_urn")?,
        host_name: r.str("host_name")?,
        host_path: r.str("host_path")?,
        region: r.str("region")?,
        date: r.date("date")?,
        start: r.str("start")?,
        end: r.str("end")?,
        capacity: r.num("capacity")?,
        remaining: r.num("remaining")?,
        max_per_school: r.num("max_per_school")?,
        booking_closes: r.date("booking_closes")?,
        same_region: r.bool("same_region")?,
        focus: r.list("focus")?,
        withdrawn: r.bool("withdrawn")?,
    })
}

pub fn booking_item(b: &Booking) -> Item {
    let mut item = HashMap::from([
        (PK.into(), s(visit_pk(&b.visit_id))),
        (SK.into(), s(booking_sk(&b.school_urn))),
        (GSI1PK.into(), s(ref_pk(&b.reference))),
        (GSI1SK.into(), s("BOOKING")),
        ("reference".into(), s(&b.reference)),
        ("visit_id".into(), s(&b.visit_id)),
        ("host_urn".into(), s(&b.host_urn)),
        ("school_name".into(), s(&b.school_name)),
        ("school_urn".into(), s(&b.school_urn)),
        ("school_region".into(), s(&b.school_region)),
        ("contact_name".into(), s(&b.contact_name)),
        ("contact_role".into(), s(&b.contact_role)),
        ("email".into(), s(&b.email)),
        ("places".into(), n(b.places)),
        ("token_hash".into(), s(&b.token_hash)),
        ("status".into(), s(status_text(b.status))),
        ("created_at".into(), s(time_text(b.created_at))),
        (EXPIRES_AT.into(), n(b.expires_at)),
    ]);
    let optional = [
        ("needs", b.needs.clone()),
        ("idempotency_key_hash", b.idempotency_key_hash.clone()),
        ("cancelled_at", b.cancelled_at.map(time_text)),
    ];
    for (name, value) in optional {
        if let Some(v) = value {
            item.insert(name.into(), s(v));
        }
    }
    item
}

pub fn booking(item: &Item) -> Result<Booking, StoreError> {
    let r = Reader(item);
    let status = match r.str("status")?.as_str() {
        "confirmed" => BookingStatus::Confirmed,
        "cancelled" => BookingStatus::Cancelled,
        _ => return Err(Reader::bad("status", "unknown booking status")),
    };
    Ok(Booking {
        reference: r.str("reference")?,
        visit_id: r.str("visit_id")?,
        host_urn: r.str("host_urn")?,
        school_name: r.str("school_name")?,
        school_urn: r.str("school_urn")?,
        school_region: r.str("school_region")?,
        contact_name: r.str("contact_name")?,
        contact_role: r.str("contact_role")?,
        email: r.str("email")?,
        places: r.num("places")?,
        needs: r.opt_str("needs")?,
        token_hash: r.str("token_hash")?,
        idempotency_key_hash: r.opt_str("idempotency_key_hash")?,
        status,
        created_at: r
            .time("created_at")?
            .ok_or_else(|| Reader::bad("created_at", "missing"))?,
        cancelled_at: r.time("cancelled_at")?,
        expires_at: r.num(EXPIRES_AT)?,
    })
}

/// The reference item: where a reference's booking lives. It expires with
/// the booking so TTL removes both.
pub fn ref_item(b: &Booking) -> Item {
    HashMap::from([
        (PK.into(), s(ref_pk(&b.reference))),
        (SK.into(), s(REF_SK)),
        ("visit_id".into(), s(&b.visit_id)),
        ("school_urn".into(), s(&b.school_urn)),
        (EXPIRES_AT.into(), n(b.expires_at)),
    ])
}

/// (visit id, school URN) from a reference item.
pub fn ref_target(item: &Item) -> Result<(String, String), StoreError> {
    let r = Reader(item);
    Ok((r.str("visit_id")?, r.str("school_urn")?))
}

fn covered_text(c: CoveredFocus) -> &'static str {
    match c {
        CoveredFocus::Yes => "yes",
        CoveredFocus::Partly => "partly",
        CoveredFocus::No => "no",
    }
}

pub fn feedback_item(f: &Feedback) -> Item {
    let mut item = HashMap::from([
        (PK.into(), s(visit_pk(&f.visit_id))),
        (SK.into(), s(feedback_sk(&f.school_urn))),
        (GSI1PK.into(), s(host_pk(&f.host_urn))),
        (
            GSI1SK.into(),
            s(format!("{FEEDBACK_PREFIX}{}", date_text(f.visit_date))),
        ),
        ("reference".into(), s(&f.reference)),
        ("visit_id".into(), s(&f.visit_id)),
        ("host_urn".into(), s(&f.host_urn)),
        ("school_urn".into(), s(&f.school_urn)),
        ("visit_date".into(), s(date_text(f.visit_date))),
        (
            "focus".into(),
            AttributeValue::L(f.focus.iter().map(s).collect()),
        ),
        ("satisfaction".into(), n(f.satisfaction)),
        ("covered_focus".into(), s(covered_text(f.covered_focus))),
        ("will_change".into(), s(&f.will_change)),
        ("recommend".into(), AttributeValue::Bool(f.recommend)),
        (
            "quote_consent".into(),
            AttributeValue::Bool(f.quote_consent),
        ),
        ("created_at".into(), s(time_text(f.created_at))),
        (EXPIRES_AT.into(), n(f.expires_at)),
    ]);
    if let Some(c) = &f.comments {
        item.insert("comments".into(), s(c));
    }
    item
}

pub fn feedback(item: &Item) -> Result<Feedback, StoreError> {
    let r = Reader(item);
    let covered_focus = match r.str("covered_focus")?.as_str() {
        "yes" => CoveredFocus::Yes,
        "partly" => CoveredFocus::Partly,
        "no" => CoveredFocus::No,
        _ => return Err(Reader::bad("covered_focus", "unknown value")),
    };
    Ok(Feedback {
        reference: r.str("reference")?,
        visit_id: r.str("visit_id")?,
        host_urn: r.str("host_urn")?,
        school_urn: r.str("school_urn")?,
        visit_date: r.date("visit_date")?,
        focus: r.list("focus")?,
        satisfaction: r.num("satisfaction")?,
        covered_focus,
        will_change: r.str("will_change")?,
        recommend: r.bool("recommend")?,
        quote_consent: r.bool("quote_consent")?,
        comments: r.opt_str("comments")?,
        created_at: r
            .time("created_at")?
            .ok_or_else(|| Reader::bad("created_at", "missing"))?,
        expires_at: r.num(EXPIRES_AT)?,
    })
}
