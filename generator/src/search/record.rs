//! One compact search record per published host: the words people search
//! for, the facts a result card shows, and the facets the filter pane counts.
//! Pure data, built without pagefind, so it can be tested on its own.

use std::collections::BTreeMap;

use chrono::{Datelike as _, NaiveDate};

use crate::content::{Host, SiteConfig, Term};
use crate::urls;

/// Sort value for hosts with no upcoming visit. Pagefind drops a record that
/// lacks a sort key from sorted results altogether, so instead of omitting
/// it these hosts get a date after every real one and sort last.
pub const NO_VISIT_SORT: &str = "9999-12-31";

/// Filter keys; the search page's URL parameters use the same names.
pub const FILTER_REGION: &str = "region";
pub const FILTER_PHASE: &str = "phase";
pub const FILTER_FOCUS: &str = "focus";
pub const FILTER_MONTH: &str = "month";

/// Sort keys.
pub const SORT_NAME: &str = "name";
pub const SORT_NEXT_VISIT: &str = "next_visit";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostRecord {
    pub url: String,
    /// The indexed text: only words that help a school find this host.
    pub content: String,
    pub meta: BTreeMap<String, String>,
    pub filters: BTreeMap<String, Vec<String>>,
    pub sort: BTreeMap<String, String>,
}

/// A visit counts as upcoming from its own day on, and only if it offers
/// places: a month filter must not lead to a month with nothing to book.
fn is_upcoming(date: NaiveDate, places: u32, today: NaiveDate) -> bool {
    date >= today && places > 0
}

/// "13 October 2027", the GOV.UK style for dates.
pub fn human_date(date: NaiveDate) -> String {
    date.format("%-d %B %Y").to_string()
}

/// "October 2027": the month facet's value.
pub fn month_label(date: NaiveDate) -> String {
    date.format("%B %Y").to_string()
}

/// The display name of a slug; an unknown slug (the loader should have
/// rejected it) falls back to the slug itself rather than failing the build.
fn term_name<'a>(terms: &'a [Term], slug: &'a str) -> &'a str {
    terms
        .iter()
        .find(|t| t.slug == slug)
        .map_or(slug, |t| t.name.as_str())
}

fn focus_names(config: &SiteConfig, host: &Host) -> Vec<String> {
    host.focus
        .iter()
        .map(|slug| {
            config
                .focus_areas
                .iter()
                .find(|f| &f.slug == slug)
                .map_or_else(|| slug.clone(), |f| f.name.clone())
        })
        .collect()
}

pub fn host_record(config: &SiteConfig, host: &Host, today: NaiveDate) -> HostRecord {
    let region = term_name(&config.regions, &host.region).to_string();
    let phase = term_name(&config.phases, &host.phase).to_string();
    let focus = focus_names(config, host);

    let upcoming: Vec<NaiveDate> = host
        .visits
        .iter()
        .filter(|v| is_upcoming(v.date, v.places, today))
        .map(|v| v.date)
        .collect();
    let next_visit = upcoming.iter().min().copied();
    let mut months: Vec<NaiveDate> = upcoming.iter().filter_map(|d| d.with_day0(0)).collect();
    months.sort();
    months.dedup();

    // Sentences end in full stops so pagefind's excerpts read naturally; the
    // name comes first so a host with an empty summary is still found by it.
    let mut parts: Vec<&str> = vec![host.name.as_str(), host.summary.as_str()];
    parts.extend([
        host.town.as_str(),
        host.local_authority.as_str(),
        host.postcode.as_str(),
        region.as_str(),
        phase.as_str(),
    ]);
    parts.extend(focus.iter().map(String::as_str));
    let content = parts
        .iter()
        .map(|p| p.trim())
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join(". ");

    let mut meta = BTreeMap::new();
    meta.insert("title".to_string(), host.name.clone());
    meta.insert("summary".to_string(), host.summary.clone());
    meta.insert("town".to_string(), host.town.clone());
    meta.insert("local_authority".to_string(), host.local_authority.clone());
    meta.insert("region".to_string(), region.clone());
    meta.insert("phase".to_string(), phase.clone());
    meta.insert("focus".to_string(), focus.join(", "));
    if let Some(date) = next_visit {
        meta.insert("next_visit".to_string(), human_date(date));
        meta.insert("next_visit_iso".to_string(), date.to_string());
    }

    let mut filters = BTreeMap::new();
    filters.insert(FILTER_REGION.to_string(), vec![region]);
    filters.insert(FILTER_PHASE.to_string(), vec![phase]);
    if !focus.is_empty() {
        filters.insert(FILTER_FOCUS.to_string(), focus);
    }
    if !months.is_empty() {
        filters.insert(
            FILTER_MONTH.to_string(),
            months.into_iter().map(month_label).collect(),
        );
    }

    let mut sort = BTreeMap::new();
    // Lower-cased so "academy" and "Academy" sort together.
    sort.insert(SORT_NAME.to_string(), host.name.to_lowercase());
    sort.insert(
        SORT_NEXT_VISIT.to_string(),
        next_visit.map_or_else(|| NO_VISIT_SORT.to_string(), |d| d.to_string()),
    );

    HostRecord {
        url: urls::host(&host.slug),
        content,
        meta,
        filters,
        sort,
    }
}

/// Records for every published host, in the site's order.
pub fn records(config: &SiteConfig, hosts: &[Host], today: NaiveDate) -> Vec<HostRecord> {
    hosts
        .iter()
        .filter(|h| !h.draft)
        .map(|h| host_record(config, h, today))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::{BookingRules, FocusArea, Visit};

    fn config() -> SiteConfig {
        SiteConfig {
            title: "T".into(),
            tagline: String::new(),
            base_url: "https://example.org".into(),
            language: "en-GB".into(),
            theme: "default".into(),
            contact_email: "a@example.org".into(),
            booking: BookingRules {
                closes_days_before: 7,
                max_places_per_school: 3,
                same_region: true,
                retention_days: 365,
                api_base: "/api".into(),
            },
            regions: vec![Term {
                slug: "london".into(),
                name: "London".into(),
            }],
            phases: vec![Term {
                slug: "primary".into(),
                name: "Primary".into(),
            }],
            school_types: vec![],
            focus_areas: vec![FocusArea {
                slug: "sustainability".into(),
                name: "Sustainability".into(),
                description: String::new(),
            }],
        }
    }

    fn visit(date: &str, places: u32) -> Visit {
        Visit {
            id: date.into(),
            date: date.parse().unwrap(),
            start: "09:00".into(),
            end: "12:00".into(),
            places,
            focus: vec![],
            audience: None,
        }
    }

    fn host(visits: Vec<Visit>) -> Host {
        Host {
            slug: "acorn".into(),
            source: Default::default(),
            name: "Acorn Primary".into(),
            urn: "123456".into(),
            phase: "primary".into(),
            school_type: None,
            region: "london".into(),
            local_authority: "Camden".into(),
            town: "London".into(),
            postcode: "NW1 1AA".into(),
            website: None,
            pupils: None,
            summary: String::new(),
            focus: vec!["sustainability".into()],
            draft: false,
            added: None,
            visits,
            body: String::new(),
        }
    }

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn months_are_upcoming_with_places_only() {
        let h = host(vec![
            visit("2027-01-10", 5), // past
            visit("2027-03-02", 0), // no places
            visit("2027-03-20", 4), // today: counts
            visit("2027-05-01", 2), // later
            visit("2027-05-30", 2), // same month
        ]);
        let r = host_record(&config(), &h, day("2027-03-20"));
        assert_eq!(r.filters["month"], vec!["March 2027", "May 2027"]);
        assert_eq!(r.meta["next_visit"], "20 March 2027");
        assert_eq!(r.sort["next_visit"], "2027-03-20");
    }

    #[test]
    fn host_without_upcoming_visits_sorts_last_and_has_no_month() {
        let r = host_record(
            &config(),
            &host(vec![visit("2020-01-01", 3)]),
            day("2027-01-01"),
        );
        assert!(!r.filters.contains_key("month"));
        assert!(!r.meta.contains_key("next_visit"));
        assert_eq!(r.sort["next_visit"], NO_VISIT_SORT);
    }

    #[test]
    fn empty_summary_still_indexes_the_name_and_places() {
        let r = host_record(&config(), &host(vec![]), day("2027-01-01"));
        assert!(
            r.content.starts_with("Acorn Primary. London. Camden."),
            "{}",
            r.content
        );
        assert!(!r.content.contains(". ."));
        assert_eq!(r.url, "/hosts/acorn/");
        assert_eq!(r.filters["region"], vec!["London"]);
        assert_eq!(r.filters["focus"], vec!["Sustainability"]);
        assert_eq!(r.meta["title"], "Acorn Primary");
    }

    #[test]
    fn drafts_are_not_published() {
        let mut draft = host(vec![]);
        draft.draft = true;
        let hosts = vec![host(vec![]), draft];
        assert_eq!(records(&config(), &hosts, day("2027-01-01")).len(), 1);
    }
}
