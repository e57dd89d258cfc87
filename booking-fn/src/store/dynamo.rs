//! The DynamoDB store: one table laid out as in DESIGN.md section 4 (see
//! `items` for the item shapes). A booking and a cancellation are each one
//! `TransactWriteItems`, so places and bookings can never disagree; lookups by
//! reference go through a reference item with strongly consistent reads.
//! Expired personal items are hidden on every read, since TTL deletes lazily.

mod errors;
mod expr;
pub mod items;
pub mod schema;

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use async_trait::async_trait;
use aws_sdk_dynamodb::error::SdkError;
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::types::{AttributeValue, Put, TransactWriteItem, Update};
use chrono::{DateTime, Utc};

use super::sqlite::sync::{plan, SlotChange};
use super::{BookingRefused, CancelRefused, FeedbackRefused, Store, StoreError};
use crate::model::{Booking, BookingFilter, BookingStatus, Feedback, SyncReport, VisitRecord};
use crate::slots::Slot;
use errors::{build_err, sdk_err};
use items::Item;

/// How often a transaction that lost a race (TransactionConflict, or a state
/// that changed between the write and our read-back) is tried again before
/// answering "busy".
const MAX_ATTEMPTS: u32 = 8;

#[derive(Debug, Clone)]
pub struct DynamoStore {
    client: aws_sdk_dynamodb::Client,
    table: String,
}

/// What each item of a cancelled transaction said, e.g. `None`,
/// `ConditionalCheckFailed`, `TransactionConflict`.
fn cancellation_codes<R>(err: &SdkError<TransactWriteItemsError, R>) -> Option<Vec<String>> {
    match err.as_service_error()? {
        TransactWriteItemsError::TransactionCanceledException(e) => Some(
            e.cancellation_reasons()
                .iter()
                .map(|r| r.code().unwrap_or("None").to_owned())
                .collect(),
        ),
        _ => None,
    }
}

fn failed(codes: &[String], index: usize) -> bool {
    codes
        .get(index)
        .is_some_and(|c| c == "ConditionalCheckFailed")
}

/// Back off a little longer on each attempt, with jitter so that racing
/// writers spread out.
async fn backoff(attempt: u32) {
    let jitter = u64::from(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0)
            % 10,
    );
    tokio::time::sleep(Duration::from_millis(5 * (1 << attempt.min(5)) + jitter)).await;
}

fn busy(what: &str) -> StoreError {
    StoreError::Unavailable(format!(
        "{what} kept conflicting with other writes; try again"
    ))
}

fn values<const N: usize>(pairs: [(&str, AttributeValue); N]) -> HashMap<String, AttributeValue> {
    pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
}

/// The HTTP(S) client for the SDK: the SDK's own default (hyper 1, the
/// system's root certificates, proxy settings from the environment) but on
/// rustls with *ring* rather than aws-lc-rs. Without the SDK's `rustls`
/// features, which also linked a second, legacy TLS stack, the Lambda
/// bootstrap is 2.2 MB smaller. Plain `http://` endpoints (moto) work too.
pub fn https_client() -> aws_sdk_dynamodb::config::SharedHttpClient {
    use aws_smithy_http_client::proxy::ProxyConfig;
    use aws_smithy_http_client::tls::{rustls_provider::CryptoMode, Provider};
    use aws_smithy_http_client::{Builder, ConnectorBuilder};

    Builder::new().build_with_connector_fn(|settings, components| {
        let mut connector =
            ConnectorBuilder::default().tls_provider(Provider::Rustls(CryptoMode::Ring));
        connector.set_connector_settings(settings.cloned());
        if let Some(components) = components {
            connector.set_sleep_impl(components.sleep_impl());
        }
        connector.set_proxy_config(Some(ProxyConfig::from_env()));
        connector.build()
    })
}

impl DynamoStore {
    pub fn new(client: aws_sdk_dynamodb::Client, table: impl Into<String>) -> Self {
        Self {
            client,
            table: table.into(),
        }
    }

    /// Region, credentials and endpoint from the usual AWS environment
    /// (`AWS_ENDPOINT_URL_DYNAMODB` points it at a local server). Each
    /// attempt is bounded so a hung endpoint becomes `Unavailable` quickly.
    pub async fn from_env(table: impl Into<String>) -> Self {
        let timeouts = aws_config::timeout::TimeoutConfig::builder()
            .connect_timeout(Duration::from_secs(2))
            .operation_attempt_timeout(Duration::from_secs(3))
            .operation_timeout(Duration::from_secs(8))
            .build();
        let config = aws_config::defaults(aws_config::BehaviorVersion::latest())
            .http_client(https_client())
            .timeout_config(timeouts)
            .load()
            .await;
        Self::new(aws_sdk_dynamodb::Client::new(&config), table)
    }

    pub fn table(&self) -> &str {
        &self.table
    }

    pub fn client(&self) -> &aws_sdk_dynamodb::Client {
        &self.client
    }

    async fn get(&self, key: Item) -> Result<Option<Item>, StoreError> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(key))
            .consistent_read(true)
            .send()
            .await
            .map_err(sdk_err)?;
        Ok(out.item)
    }

    async fn get_visit(&self, id: &str) -> Result<Option<VisitRecord>, StoreError> {
        self.get(items::key(items::visit_pk(id), items::META))
            .await?
            .map(|i| items::visit(&i))
            .transpose()
    }

    /// The booking item a school holds on a date (live, cancelled or expired).
    async fn booking_at(&self, visit: &str, school: &str) -> Result<Option<Booking>, StoreError> {
        self.get(items::key(
            items::visit_pk(visit),
            items::booking_sk(school),
        ))
        .await?
        .map(|i| items::booking(&i))
        .transpose()
    }

    /// Where a reference points: (visit id, school URN). A rebooking replaces
    /// the school's cancelled booking, so callers check the reference of the
    /// item they find there.
    async fn ref_target(&self, reference: &str) -> Result<Option<(String, String)>, StoreError> {
        self.get(items::key(items::ref_pk(reference), items::REF_SK))
            .await?
            .map(|i| items::ref_target(&i))
            .transpose()
    }

    async fn booking_by_ref(
        &self,
        reference: &str,
        now: i64,
    ) -> Result<Option<Booking>, StoreError> {
        let Some((visit, school)) = self.ref_target(reference).await? else {
            return Ok(None);
        };
        Ok(self
            .booking_at(&visit, &school)
            .await?
            .filter(|b| b.reference == reference && b.expires_at > now))
    }

    /// Every item whose sort key starts with `prefix`: admin listings only
    /// (a Scan; fine at this table's size), strongly consistent.
    async fn scan_prefix(&self, prefix: &str) -> Result<Vec<Item>, StoreError> {
        let mut found = Vec::new();
        let mut start: Option<Item> = None;
        loop {
            let out = self
                .client
                .scan()
                .table_name(&self.table)
                .filter_expression(expr::SK_PREFIX)
                .expression_attribute_values(":prefix", items::s(prefix))
                .consistent_read(true)
                .set_exclusive_start_key(start.take())
                .send()
                .await
                .map_err(sdk_err)?;
            found.extend(out.items.unwrap_or_default());
            match out.last_evaluated_key {
                Some(k) if !k.is_empty() => start = Some(k),
                _ => return Ok(found),
            }
        }
    }

    async fn all_visits(&self) -> Result<Vec<VisitRecord>, StoreError> {
        self.scan_prefix(items::META)
            .await?
            .iter()
            .map(items::visit)
            .collect()
    }

    fn put_visit(&self, v: &VisitRecord, old: Option<&VisitRecord>) -> Result<Put, StoreError> {
        let put = Put::builder()
            .table_name(&self.table)
            .set_item(Some(items::visit_item(v)));
        let put = match old {
            None => put.condition_expression(expr::NEW_ITEM),
            Some(old) => put
                .condition_expression(expr::VISIT_UNCHANGED)
                .set_expression_attribute_names(Some(expr::names(expr::VISIT_UNCHANGED_NAMES)))
                .expression_attribute_values(":capacity", items::n(old.capacity))
                .expression_attribute_values(":remaining", items::n(old.remaining)),
        };
        put.build().map_err(build_err)
    }

    /// Write one slot's change, re-reading the date and planning again when
    /// a booking or cancellation slipped in between.
    async fn sync_one(
        &self,
        slot: &Slot,
        mut existing: Option<VisitRecord>,
        report: &mut SyncReport,
    ) -> Result<(), StoreError> {
        for attempt in 0..MAX_ATTEMPTS {
            let (record, held, is_new) = match plan(existing.as_ref(), slot) {
                SlotChange::Added(record) => (record, None, true),
                SlotChange::Updated { record, held } => (record, held, false),
                SlotChange::Unchanged { held } => {
                    report.unchanged += 1;
                    if let Some((asked, kept)) = held {
                        report.capacity_held.push((slot.id.clone(), asked, kept));
                    }
                    return Ok(());
                }
            };
            let put = self.put_visit(&record, existing.as_ref())?;
            let result = self
                .client
                .put_item()
                .table_name(&self.table)
                .set_item(Some(put.item))
                .set_condition_expression(put.condition_expression)
                .set_expression_attribute_names(put.expression_attribute_names)
                .set_expression_attribute_values(put.expression_attribute_values)
                .send()
                .await;
            match result {
                Ok(_) => {
                    if is_new {
                        report.added.push(record.id);
                    } else {
                        report.updated.push(record.id);
                    }
                    if let Some((asked, kept)) = held {
                        report.capacity_held.push((slot.id.clone(), asked, kept));
                    }
                    return Ok(());
                }
                Err(e)
                    if e.as_service_error()
                        .is_some_and(|e| e.is_conditional_check_failed_exception()) =>
                {
                    existing = self.get_visit(&slot.id).await?;
                    backoff(attempt).await;
                }
                Err(e) => return Err(sdk_err(e)),
            }
        }
        Err(busy("updating a visit date"))
    }

    fn take_places(&self, b: &Booking) -> Result<TransactWriteItem, StoreError> {
        let update = Update::builder()
            .table_name(&self.table)
            .set_key(Some(items::key(items::visit_pk(&b.visit_id), items::META)))
            .update_expression(expr::TAKE_PLACES)
            .condition_expression(expr::TAKE_PLACES_IF)
            .set_expression_attribute_names(Some(expr::names(expr::TAKE_PLACES_NAMES)))
            .set_expression_attribute_values(Some(values([
                (":n", items::n(b.places)),
                (":false", AttributeValue::Bool(false)),
            ])))
            .build()
            .map_err(build_err)?;
        Ok(TransactWriteItem::builder().update(update).build())
    }

    fn put_booking(&self, b: &Booking) -> Result<TransactWriteItem, StoreError> {
        let put = Put::builder()
            .table_name(&self.table)
            .set_item(Some(items::booking_item(b)))
            .condition_expression(expr::BOOKING_SLOT_FREE)
            .set_expression_attribute_names(Some(expr::names(expr::BOOKING_SLOT_FREE_NAMES)))
            .expression_attribute_values(":cancelled", items::s("cancelled"))
            .build()
            .map_err(build_err)?;
        Ok(TransactWriteItem::builder().put(put).build())
    }

    fn put_ref(&self, b: &Booking) -> Result<TransactWriteItem, StoreError> {
        let put = Put::builder()
            .table_name(&self.table)
            .set_item(Some(items::ref_item(b)))
            .condition_expression(expr::NEW_ITEM)
            .build()
            .map_err(build_err)?;
        Ok(TransactWriteItem::builder().put(put).build())
    }

    /// Why a booking transaction was cancelled, read back from the items its
    /// conditions were on. `None` means the state has changed since (the
    /// condition would pass now): try again.
    async fn refusal(
        &self,
        b: &Booking,
        codes: &[String],
    ) -> Result<Option<BookingRefused>, StoreError> {
        let visit = if failed(codes, 0) {
            match self.get_visit(&b.visit_id).await? {
                None => return Ok(Some(BookingRefused::UnknownVisit(b.visit_id.clone()))),
                Some(v) if v.withdrawn => return Ok(Some(BookingRefused::Withdrawn)),
                Some(v) => Some(v),
            }
        } else {
            None
        };
        // The same order as the SQLite store: a school that already holds a
        // booking hears about it even when the date is full.
        if failed(codes, 1) {
            if let Some(existing) = self.booking_at(&b.visit_id, &b.school_urn).await? {
                if existing.status == BookingStatus::Confirmed {
                    return Ok(Some(BookingRefused::AlreadyBooked(Box::new(existing))));
                }
            }
        }
        if let Some(v) = visit {
            if v.remaining < b.places {
                return Ok(Some(BookingRefused::NotEnoughPlaces {
                    remaining: v.remaining,
                }));
            }
        }
        if failed(codes, 2) {
            return Err(StoreError::Other(format!(
                "booking reference {} is already in use",
                b.reference
            )));
        }
        Ok(None)
    }

    fn cancel_items(
        &self,
        b: &Booking,
        now: DateTime<Utc>,
    ) -> Result<Vec<TransactWriteItem>, StoreError> {
        let mark = Update::builder()
            .table_name(&self.table)
            .set_key(Some(items::key(
                items::visit_pk(&b.visit_id),
                items::booking_sk(&b.school_urn),
            )))
            .update_expression(expr::CANCEL)
            .condition_expression(expr::CANCEL_IF)
            .set_expression_attribute_names(Some(expr::names(expr::CANCEL_NAMES)))
            .set_expression_attribute_values(Some(values([
                (":cancelled", items::s("cancelled")),
                (":confirmed", items::s("confirmed")),
                (":ref", items::s(&b.reference)),
                (
                    ":now",
                    items::s(now.to_rfc3339_opts(chrono::SecondsFormat::Micros, true)),
                ),
            ])))
            .build()
            .map_err(build_err)?;
        let give_back = Update::builder()
            .table_name(&self.table)
            .set_key(Some(items::key(items::visit_pk(&b.visit_id), items::META)))
            .update_expression(expr::GIVE_BACK_PLACES)
            .set_expression_attribute_names(Some(expr::names(expr::GIVE_BACK_PLACES_NAMES)))
            .condition_expression(expr::EXISTING_ITEM)
            .expression_attribute_values(":n", items::n(b.places))
            .build()
            .map_err(build_err)?;
        Ok(vec![
            TransactWriteItem::builder().update(mark).build(),
            TransactWriteItem::builder().update(give_back).build(),
        ])
    }
}

#[async_trait]
impl Store for DynamoStore {
    async fn sync_slots(&self, slots: &[Slot]) -> Result<SyncReport, StoreError> {
        let mut existing: HashMap<String, VisitRecord> = self
            .all_visits()
            .await?
            .into_iter()
            .map(|v| (v.id.clone(), v))
            .collect();
        let mut report = SyncReport::default();
        let mut listed = HashSet::new();
        for slot in slots {
            listed.insert(slot.id.clone());
            // A repeated id is planned against what was just written.
            let current = if report.added.contains(&slot.id) || report.updated.contains(&slot.id) {
                self.get_visit(&slot.id).await?
            } else {
                existing.remove(&slot.id)
            };
            self.sync_one(slot, current, &mut report).await?;
        }
        // Dates dropped from the manifest are withdrawn, never deleted.
        let mut dropped: Vec<String> = existing
            .into_values()
            .filter(|v| !v.withdrawn && !listed.contains(&v.id))
            .map(|v| v.id)
            .collect();
        dropped.sort();
        for id in dropped {
            self.client
                .update_item()
                .table_name(&self.table)
                .set_key(Some(items::key(items::visit_pk(&id), items::META)))
                .update_expression(expr::WITHDRAW)
                .set_expression_attribute_names(Some(expr::names(expr::WITHDRAW_NAMES)))
                .condition_expression(expr::EXISTING_ITEM)
                .expression_attribute_values(":true", AttributeValue::Bool(true))
                .send()
                .await
                .map_err(sdk_err)?;
            report.withdrawn.push(id);
        }
        Ok(report)
    }

    async fn visit(&self, id: &str) -> Result<Option<VisitRecord>, StoreError> {
        self.get_visit(id).await
    }

    async fn visits_for_host(&self, host_urn: &str) -> Result<Vec<VisitRecord>, StoreError> {
        let mut visits = Vec::new();
        let mut start: Option<Item> = None;
        loop {
            let out = self
                .client
                .query()
                .table_name(&self.table)
                .index_name(items::GSI1)
                .key_condition_expression(expr::HOST_DATES)
                .expression_attribute_values(":pk", items::s(items::host_pk(host_urn)))
                .expression_attribute_values(":prefix", items::s(items::DATE_PREFIX))
                .set_exclusive_start_key(start.take())
                .send()
                .await
                .map_err(sdk_err)?;
            for item in out.items.unwrap_or_default() {
                visits.push(items::visit(&item)?);
            }
            match out.last_evaluated_key {
                Some(k) if !k.is_empty() => start = Some(k),
                _ => break,
            }
        }
        visits.sort_by(|a, b| (a.date, &a.start, &a.id).cmp(&(b.date, &b.start, &b.id)));
        Ok(visits)
    }

    async fn create_booking(&self, b: &Booking) -> Result<(), BookingRefused> {
        for attempt in 0..MAX_ATTEMPTS {
            let result = self
                .client
                .transact_write_items()
                .transact_items(self.take_places(b)?)
                .transact_items(self.put_booking(b)?)
                .transact_items(self.put_ref(b)?)
                .send()
                .await;
            let err = match result {
                Ok(_) => return Ok(()),
                Err(e) => e,
            };
            let Some(codes) = cancellation_codes(&err) else {
                return Err(sdk_err(err).into());
            };
            if !codes.iter().any(|c| c == "TransactionConflict") {
                if let Some(refused) = self.refusal(b, &codes).await? {
                    return Err(refused);
                }
            }
            backoff(attempt).await;
        }
        Err(busy("this booking").into())
    }

    async fn booking(
        &self,
        reference: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<Booking>, StoreError> {
        self.booking_by_ref(reference, now.timestamp()).await
    }

    async fn school_booking(
        &self,
        visit_id: &str,
        school_urn: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<Booking>, StoreError> {
        Ok(self
            .booking_at(visit_id, school_urn)
            .await?
            .filter(|b| b.status == BookingStatus::Confirmed && b.expires_at > now.timestamp()))
    }

    async fn cancel_booking(
        &self,
        reference: &str,
        now: DateTime<Utc>,
    ) -> Result<Booking, CancelRefused> {
        for attempt in 0..MAX_ATTEMPTS {
            let mut booking = self
                .booking_by_ref(reference, now.timestamp())
                .await?
                .ok_or_else(|| CancelRefused::NotFound(reference.to_owned()))?;
            if booking.status == BookingStatus::Cancelled {
                return Err(CancelRefused::AlreadyCancelled(reference.to_owned()));
            }
            let result = self
                .client
                .transact_write_items()
                .set_transact_items(Some(self.cancel_items(&booking, now)?))
                .send()
                .await;
            match result {
                Ok(_) => {
                    booking.status = BookingStatus::Cancelled;
                    booking.cancelled_at = Some(now);
                    return Ok(booking);
                }
                // Someone else changed the booking first: read it again and
                // answer from what it is now.
                Err(e) if cancellation_codes(&e).is_some() => backoff(attempt).await,
                Err(e) => return Err(sdk_err(e).into()),
            }
        }
        Err(busy("this cancellation").into())
    }

    async fn add_feedback(&self, f: &Feedback) -> Result<(), FeedbackRefused> {
        let result = self
            .client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(items::feedback_item(f)))
            .condition_expression(expr::NEW_ITEM)
            .send()
            .await;
        match result {
            Ok(_) => Ok(()),
            Err(e)
                if e.as_service_error()
                    .is_some_and(|e| e.is_conditional_check_failed_exception()) =>
            {
                Err(FeedbackRefused::AlreadyGiven(f.reference.clone()))
            }
            Err(e) => Err(sdk_err(e).into()),
        }
    }

    async fn feedback_for_booking(
        &self,
        reference: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<Feedback>, StoreError> {
        let Some((visit, school)) = self.ref_target(reference).await? else {
            return Ok(None);
        };
        let item = self
            .get(items::key(
                items::visit_pk(&visit),
                items::feedback_sk(&school),
            ))
            .await?;
        Ok(item
            .map(|i| items::feedback(&i))
            .transpose()?
            .filter(|f| f.reference == reference && f.expires_at > now.timestamp()))
    }

    async fn list_bookings(
        &self,
        filter: &BookingFilter,
        now: DateTime<Utc>,
    ) -> Result<Vec<Booking>, StoreError> {
        let dates: HashMap<String, chrono::NaiveDate> = self
            .all_visits()
            .await?
            .into_iter()
            .map(|v| (v.id, v.date))
            .collect();
        let mut found = Vec::new();
        for item in self.scan_prefix(items::BOOKING_PREFIX).await? {
            let b = items::booking(&item)?;
            // Like the SQLite join: a booking is listed with its visit date.
            let Some(&date) = dates.get(&b.visit_id) else {
                continue;
            };
            let keep = b.expires_at > now.timestamp()
                && filter.host_urn.as_ref().is_none_or(|h| *h == b.host_urn)
                && filter.date.is_none_or(|d| d == date)
                && filter
                    .school_urn
                    .as_ref()
                    .is_none_or(|s| *s == b.school_urn)
                && (filter.include_cancelled || b.status == BookingStatus::Confirmed);
            if keep {
                found.push((date, b));
            }
        }
        found.sort_by(|(da, a), (db, b)| {
            (da, &a.visit_id, &a.school_urn, &a.reference).cmp(&(
                db,
                &b.visit_id,
                &b.school_urn,
                &b.reference,
            ))
        });
        Ok(found.into_iter().map(|(_, b)| b).collect())
    }

    async fn list_feedback(&self, now: DateTime<Utc>) -> Result<Vec<Feedback>, StoreError> {
        let mut found = Vec::new();
        for item in self.scan_prefix(items::FEEDBACK_PREFIX).await? {
            if !items::is_expired(&item, now.timestamp())? {
                found.push(items::feedback(&item)?);
            }
        }
        found.sort_by(|a, b| (a.visit_date, &a.reference).cmp(&(b.visit_date, &b.reference)));
        Ok(found)
    }

    async fn erase_person(&self, email: &str) -> Result<Vec<String>, StoreError> {
        let email = email.trim();
        if email.is_empty() {
            return Ok(Vec::new());
        }
        let mut erased = Vec::new();
        for item in self.scan_prefix(items::BOOKING_PREFIX).await? {
            let b = items::booking(&item)?;
            if !b.email.eq_ignore_ascii_case(email) {
                continue;
            }
            let result = self
                .client
                .update_item()
                .table_name(&self.table)
                .set_key(Some(items::key(
                    items::visit_pk(&b.visit_id),
                    items::booking_sk(&b.school_urn),
                )))
                .update_expression(expr::ERASE)
                .condition_expression(expr::ERASE_IF)
                .set_expression_attribute_names(Some(expr::names(expr::ERASE_NAMES)))
                .expression_attribute_values(":empty", items::s(""))
                .expression_attribute_values(":ref", items::s(&b.reference))
                .send()
                .await;
            match result {
                Ok(_) => erased.push(b.reference),
                // Replaced by a new booking since the scan: that one is not
                // this person's unless a later erase finds it.
                Err(e)
                    if e.as_service_error()
                        .is_some_and(|e| e.is_conditional_check_failed_exception()) => {}
                Err(e) => return Err(sdk_err(e)),
            }
        }
        erased.sort();
        Ok(erased)
    }

    async fn purge_expired(&self, _now: DateTime<Utc>) -> Result<usize, StoreError> {
        // DynamoDB's TTL deletes expired items itself; reads already hide them.
        Ok(0)
    }
}
