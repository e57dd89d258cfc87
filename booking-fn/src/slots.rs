//! The slot manifest (`slots.json`): the only thing the booking API knows about
//! visit dates. The generator writes it; `bookings sync-slots` loads it into a
//! store. It carries every rule that decides a booking, so the API never reads
//! content files.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Version of the manifest format; bump on an incompatible change.
pub const MANIFEST_VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SlotManifest {
    pub version: u32,
    /// Every published visit date, past ones included (marked not bookable),
    /// so that feedback on a past visit still finds it.
    pub visits: Vec<Slot>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Slot {
    /// Stable visit id, e.g. `100001-2027-10-14-0930`.
    pub id: String,
    pub host_urn: String,
    pub host_name: String,
    /// The host page's path on the site, e.g. `/hosts/brook-lane-primary/`.
    pub host_path: String,
    /// Region slug of the host, e.g. `north-west`.
    pub region: String,
    pub date: NaiveDate,
    /// Local time `HH:MM`.
    pub start: String,
    /// Local time `HH:MM`.
    pub end: String,
    /// Capacity of the visit (total places).
    pub places: u32,
    /// Most places one school may book on this date.
    pub max_per_school: u32,
    /// Last day on which a booking is accepted.
    pub booking_closes: NaiveDate,
    /// When true, only schools in `region` may book.
    pub same_region: bool,
    /// Focus area slugs this visit covers.
    pub focus: Vec<String>,
    /// False for visits already past when the site was built.
    pub bookable: bool,
}

impl SlotManifest {
    pub fn from_json(text: &str) -> Result<Self, serde_json::Error> {
        serde_json::from_str(text)
    }
}
