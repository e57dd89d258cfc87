//! `visits.ics`: every upcoming visit date as an iCalendar feed (the format
//! itself is `booking_fn::ical`, shared with the calendar file of one
//! booking that the booking API serves). DTSTAMP comes from the content (the
//! host's `added` date, else the visit date), never the clock, so builds are
//! reproducible.

use booking_fn::ical::{uid_domain, Calendar, Event};

use crate::build::output::Sink;
use crate::build::view::Shared;
use crate::build::BuildError;
use crate::content::{Host, Site, Visit};
use crate::urls;

/// Every upcoming visit of every published host, by date, start and id.
pub fn feed(shared: &Shared, site: &Site) -> String {
    let mut visits: Vec<(&Host, &Visit)> = site
        .hosts
        .iter()
        .filter(|h| !h.draft)
        .flat_map(|h| h.visits.iter().map(move |v| (h, v)))
        .filter(|(_, v)| v.date >= shared.today)
        .collect();
    visits.sort_by(|(_, a), (_, b)| (a.date, &a.start, &a.id).cmp(&(b.date, &b.start, &b.id)));
    let mut cal = Calendar::new(&format!("{} visit dates", site.config.title));
    for (h, v) in visits {
        add_visit(&mut cal, shared, h, v);
    }
    cal.finish()
}

pub fn write_feed(shared: &Shared, site: &Site, out: &dyn Sink) -> Result<(), BuildError> {
    out.write("visits.ics", feed(shared, site).as_bytes())
}

fn add_visit(cal: &mut Calendar, shared: &Shared, host: &Host, v: &Visit) {
    let base = shared.site.config.base_url.trim_end_matches('/');
    let url = format!("{base}{}", urls::host(&host.slug));
    let focus: Vec<&str> = v
        .focus
        .iter()
        .map(|f| shared.focus.get(f.as_str()).copied().unwrap_or(f))
        .collect();
    let mut description = String::new();
    if let Some(a) = &v.audience {
        description.push_str(&format!("For: {a}\n"));
    }
    if !focus.is_empty() {
        description.push_str(&format!("Focus: {}\n", focus.join(", ")));
    }
    description.push_str(&format!("Details and booking: {url}"));
    cal.event(&Event {
        uid: format!("{}@{}", v.id, uid_domain(base)),
        stamp: host.added.unwrap_or(v.date),
        date: v.date,
        start: &v.start,
        end: &v.end,
        summary: &format!("School visit: {}", host.name),
        location: Some(&format!("{}, {} {}", host.name, host.town, host.postcode)),
        description: &description,
        url: Some(&url),
        cancelled: false,
    });
}
