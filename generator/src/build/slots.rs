//! `slots.json`: the booking manifest, every published visit date with the
//! rules that decide a booking (the booking API never reads content files).

use booking_fn::slots::{Slot, SlotManifest, MANIFEST_VERSION};
use chrono::NaiveDate;

use super::output::Sink;
use super::view::booking_closes;
use super::BuildError;
use crate::content::Site;
use crate::urls;

/// Every visit of every non-draft host (past ones too, marked not bookable,
/// so feedback on them still finds the date), by date, start and id.
pub fn manifest(site: &Site, today: NaiveDate) -> SlotManifest {
    let rules = &site.config.booking;
    let mut visits: Vec<Slot> = site
        .hosts
        .iter()
        .filter(|h| !h.draft)
        .flat_map(|h| {
            h.visits.iter().map(move |v| Slot {
                id: v.id.clone(),
                host_urn: h.urn.clone(),
                host_name: h.name.clone(),
                host_path: urls::host(&h.slug),
                region: h.region.clone(),
                date: v.date,
                start: v.start.clone(),
                end: v.end.clone(),
                places: v.places,
                max_per_school: rules.max_places_per_school,
                booking_closes: booking_closes(site, v),
                same_region: rules.same_region,
                focus: v.focus.clone(),
                bookable: v.date >= today,
            })
        })
        .collect();
    visits.sort_by(|a, b| (a.date, &a.start, &a.id).cmp(&(b.date, &b.start, &b.id)));
    SlotManifest {
        version: MANIFEST_VERSION,
        visits,
    }
}

pub fn write(site: &Site, today: NaiveDate, out: &dyn Sink) -> Result<(), BuildError> {
    let mut json =
        serde_json::to_string_pretty(&manifest(site, today)).map_err(|e| BuildError::Encode {
            what: "slots.json",
            detail: e.to_string(),
        })?;
    json.push('\n');
    out.write("slots.json", json.as_bytes())
}
