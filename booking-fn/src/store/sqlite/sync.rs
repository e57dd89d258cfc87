//! The store-independent part of `sync_slots`: what a manifest slot does to
//! the stored visit date. Both stores apply the same plan, so their reports
//! agree.

use crate::model::VisitRecord;
use crate::slots::Slot;

/// What loading one slot does to its stored visit date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SlotChange {
    /// A new date.
    Added(VisitRecord),
    /// An existing date whose fields change. `held` is set when the manifest
    /// asked for fewer places than are booked: (asked for, kept).
    Updated {
        record: VisitRecord,
        held: Option<(u32, u32)>,
    },
    /// Already as the manifest says (a held capacity cut is still reported).
    Unchanged { held: Option<(u32, u32)> },
}

/// Apply `slot` to the stored visit, if any. Capacity never drops below the
/// places already booked, and the booked count is carried over unchanged
/// (`remaining = capacity - booked`). A slot present in the manifest is not
/// withdrawn, so a date that comes back is bookable again.
pub fn plan(existing: Option<&VisitRecord>, slot: &Slot) -> SlotChange {
    let booked = existing.map_or(0, |v| v.capacity.saturating_sub(v.remaining));
    let capacity = slot.places.max(booked);
    let held = (slot.places < booked).then_some((slot.places, booked));
    let record = VisitRecord {
        id: slot.id.clone(),
        host_urn: slot.host_urn.clone(),
        host_name: slot.host_name.clone(),
        host_path: slot.host_path.clone(),
        region: slot.region.clone(),
        date: slot.date,
        start: slot.start.clone(),
        end: slot.end.clone(),
        capacity,
        remaining: capacity - booked,
        max_per_school: slot.max_per_school,
        booking_closes: slot.booking_closes,
        same_region: slot.same_region,
        focus: slot.focus.clone(),
        withdrawn: false,
    };
    match existing {
        None => SlotChange::Added(record),
        Some(old) if *old == record => SlotChange::Unchanged { held },
        Some(_) => SlotChange::Updated { record, held },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn slot(places: u32) -> Slot {
        let d = NaiveDate::from_ymd_opt(2027, 10, 14).unwrap();
        Slot {
            id: "v1".into(),
            host_urn: "100001".into(),
            host_name: "Brook Lane".into(),
            host_path: "/hosts/brook-lane/".into(),
            region: "north-west".into(),
            date: d,
            start: "09:30".into(),
            end: "12:00".into(),
            places,
            max_per_school: 3,
            booking_closes: d,
            same_region: false,
            focus: vec!["reading".into()],
            bookable: true,
        }
    }

    #[test]
    fn new_slot_is_added_with_all_places_free() {
        match plan(None, &slot(10)) {
            SlotChange::Added(v) => assert_eq!((v.capacity, v.remaining), (10, 10)),
            other => panic!("expected Added, got {other:?}"),
        }
    }

    #[test]
    fn cut_below_booked_is_held_at_booked() {
        let SlotChange::Added(mut v) = plan(None, &slot(10)) else {
            panic!("expected Added")
        };
        v.remaining = 4; // 6 booked
        match plan(Some(&v), &slot(5)) {
            SlotChange::Updated { record, held } => {
                assert_eq!((record.capacity, record.remaining), (6, 0));
                assert_eq!(held, Some((5, 6)));
            }
            other => panic!("expected Updated, got {other:?}"),
        }
    }

    #[test]
    fn same_slot_again_is_unchanged() {
        let SlotChange::Added(v) = plan(None, &slot(10)) else {
            panic!("expected Added")
        };
        assert_eq!(
            plan(Some(&v), &slot(10)),
            SlotChange::Unchanged { held: None }
        );
    }
}
