//! What templates see. Each page gets a small context: the [`SiteView`]
//! (title, navigation, regions, focus areas; serialised once into
//! [`Shared::base`]) plus the few things that page shows. Templates never
//! receive the whole [`Site`].

use std::collections::BTreeMap;

use booking_fn::summary::{HostSummary, MIN_RESPONSES};
use chrono::{Datelike, NaiveDate};
use serde::Serialize;
use tera::Context;

use super::assets::Assets;
use super::BuildError;
use crate::content::{Host, Site, Visit};
use crate::urls;

/// A link to a region, phase, focus area or content page, with how many
/// hosts it leads to where that is useful.
#[derive(Debug, Clone, Serialize)]
pub struct Link<'a> {
    pub slug: &'a str,
    pub name: &'a str,
    pub url: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<&'a str>,
    pub count: usize,
}

/// Site-wide bits every page needs.
#[derive(Debug, Serialize)]
pub struct SiteView<'a> {
    pub title: &'a str,
    pub tagline: &'a str,
    pub base_url: &'a str,
    pub language: &'a str,
    pub contact_email: &'a str,
    pub api_base: &'a str,
    /// The fingerprinted stylesheet the pages link.
    pub css: String,
    /// Every fingerprinted asset by its plain name, e.g. `site.css`.
    pub assets: &'a BTreeMap<String, String>,
    pub regions: Vec<Link<'a>>,
    pub phases: Vec<Link<'a>>,
    pub focus_areas: Vec<Link<'a>>,
    /// Content pages, for the footer.
    pub pages: Vec<Link<'a>>,
    pub max_places_per_school: u32,
    pub same_region: bool,
    pub closes_days_before: u32,
    pub host_count: usize,
    pub upcoming_visit_count: usize,
}

/// A region, phase, type or focus area as a host shows it.
#[derive(Debug, Clone, Serialize)]
pub struct TermRef<'a> {
    pub slug: &'a str,
    pub name: &'a str,
    pub url: String,
}

/// A host as listings show it; also the top of its own page.
#[derive(Debug, Clone, Serialize)]
pub struct HostCard<'a> {
    pub slug: &'a str,
    pub name: &'a str,
    pub url: String,
    pub town: &'a str,
    pub local_authority: &'a str,
    pub summary: &'a str,
    pub region: TermRef<'a>,
    pub phase: TermRef<'a>,
    pub school_type: Option<&'a str>,
    pub focus: Vec<TermRef<'a>>,
    /// The next upcoming visit date, e.g. "Wednesday 13 October 2027".
    pub next_visit: Option<String>,
    pub upcoming: usize,
    pub draft: bool,
}

/// One visit date on a host page.
#[derive(Debug, Clone, Serialize)]
pub struct VisitView<'a> {
    pub id: &'a str,
    /// The radio's id: `visit` for the first bookable date, so an error
    /// summary can link `#visit`.
    pub input_id: String,
    pub date: String,
    pub date_human: String,
    pub start: &'a str,
    pub end: &'a str,
    pub audience: Option<&'a str>,
    pub places: u32,
    pub focus: Vec<TermRef<'a>>,
    /// `open`, `closed` or `past`; the page's script refines `open` into
    /// places left or `full` from the availability API.
    pub status: &'static str,
    pub status_text: String,
    pub tag_class: &'static str,
    pub selectable: bool,
    pub booking_closes: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct FeedbackView {
    pub responses: u32,
    pub satisfied_pct: u32,
    pub recommend_pct: u32,
}

/// The whole of one host page's own data.
#[derive(Debug, Serialize)]
pub struct HostPage<'a> {
    #[serde(flatten)]
    pub card: &'a HostCard<'a>,
    pub urn: &'a str,
    pub postcode: &'a str,
    pub website: Option<&'a str>,
    pub pupils: Option<u32>,
    pub body_html: String,
    pub visits: Vec<VisitView<'a>>,
    pub bookable_count: usize,
    pub feedback: Option<FeedbackView>,
}

/// A page's own metadata: title, path, breadcrumbs.
#[derive(Debug, Serialize)]
pub struct PageMeta<'a> {
    pub title: &'a str,
    pub description: Option<&'a str>,
    pub path: &'a str,
    pub canonical: String,
    pub breadcrumbs: Vec<Crumb<'a>>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Crumb<'a> {
    pub name: &'a str,
    pub url: String,
}

/// Built once per build (or per content change in `serve`): lookups and the
/// base context, shared read-only by every page render.
pub struct Shared<'a> {
    pub site: &'a Site,
    pub today: NaiveDate,
    pub base: Context,
    /// Index-aligned with `site.hosts`.
    pub cards: Vec<HostCard<'a>>,
    /// Indexes into `site.hosts`, ordered by name then slug: listing order.
    pub by_name: Vec<usize>,
    pub regions: BTreeMap<&'a str, &'a str>,
    pub phases: BTreeMap<&'a str, &'a str>,
    pub focus: BTreeMap<&'a str, &'a str>,
    pub school_types: BTreeMap<&'a str, &'a str>,
    feedback: BTreeMap<&'a str, &'a HostSummary>,
    feedback_min: u32,
}

impl<'a> Shared<'a> {
    pub fn new(site: &'a Site, assets: &'a Assets, today: NaiveDate) -> Result<Self, BuildError> {
        let c = &site.config;
        let terms = |list: &'a [crate::content::Term]| {
            list.iter()
                .map(|t| (t.slug.as_str(), t.name.as_str()))
                .collect::<BTreeMap<_, _>>()
        };
        let regions = terms(&c.regions);
        let phases = terms(&c.phases);
        let school_types = terms(&c.school_types);
        let focus = c
            .focus_areas
            .iter()
            .map(|f| (f.slug.as_str(), f.name.as_str()))
            .collect::<BTreeMap<_, _>>();
        let (feedback, feedback_min) = match &site.feedback {
            Some(f) => (
                f.hosts.iter().map(|h| (h.host_urn.as_str(), h)).collect(),
                f.min_responses.max(MIN_RESPONSES),
            ),
            None => (BTreeMap::new(), MIN_RESPONSES),
        };
        let mut shared = Shared {
            site,
            today,
            base: Context::new(),
            cards: Vec::new(),
            by_name: Vec::new(),
            regions,
            phases,
            focus,
            school_types,
            feedback,
            feedback_min,
        };
        shared.cards = site.hosts.iter().map(|h| shared.card(h)).collect();
        let mut by_name: Vec<usize> = (0..site.hosts.len()).collect();
        by_name.sort_by(|&a, &b| {
            let (a, b) = (&site.hosts[a], &site.hosts[b]);
            a.name.cmp(&b.name).then_with(|| a.slug.cmp(&b.slug))
        });
        shared.by_name = by_name;
        let view = shared.site_view(assets);
        shared.base = context_with("site", &view)?;
        Ok(shared)
    }

    fn site_view(&self, assets: &'a Assets) -> SiteView<'a> {
        let c = &self.site.config;
        let hosts = &self.site.hosts;
        let count = |f: &dyn Fn(&Host) -> bool| hosts.iter().filter(|h| f(h)).count();
        SiteView {
            title: &c.title,
            tagline: &c.tagline,
            base_url: &c.base_url,
            language: &c.language,
            contact_email: &c.contact_email,
            api_base: &c.booking.api_base,
            css: assets
                .urls
                .get("site.css")
                .cloned()
                .unwrap_or_else(|| "/assets/site.css".to_string()),
            assets: &assets.urls,
            regions: c
                .regions
                .iter()
                .map(|t| Link {
                    slug: &t.slug,
                    name: &t.name,
                    url: urls::region(&t.slug),
                    description: None,
                    count: count(&|h| h.region == t.slug),
                })
                .collect(),
            phases: c
                .phases
                .iter()
                .map(|t| Link {
                    slug: &t.slug,
                    name: &t.name,
                    url: urls::phase(&t.slug),
                    description: None,
                    count: count(&|h| h.phase == t.slug),
                })
                .collect(),
            focus_areas: c
                .focus_areas
                .iter()
                .map(|f| Link {
                    slug: &f.slug,
                    name: &f.name,
                    url: urls::focus(&f.slug),
                    description: Some(&f.description),
                    count: count(&|h| h.focus.contains(&f.slug)),
                })
                .collect(),
            pages: self
                .site
                .pages
                .iter()
                .map(|p| Link {
                    slug: &p.slug,
                    name: &p.title,
                    url: urls::page(&p.slug),
                    description: None,
                    count: 0,
                })
                .collect(),
            max_places_per_school: c.booking.max_places_per_school,
            same_region: c.booking.same_region,
            closes_days_before: c.booking.closes_days_before,
            host_count: hosts.len(),
            upcoming_visit_count: hosts
                .iter()
                .flat_map(|h| &h.visits)
                .filter(|v| v.date >= self.today)
                .count(),
        }
    }

    pub fn region(&self, slug: &'a str) -> TermRef<'a> {
        term(&self.regions, slug, urls::region(slug))
    }

    pub fn phase(&self, slug: &'a str) -> TermRef<'a> {
        term(&self.phases, slug, urls::phase(slug))
    }

    pub fn focus_ref(&self, slug: &'a str) -> TermRef<'a> {
        term(&self.focus, slug, urls::focus(slug))
    }

    fn card(&self, h: &'a Host) -> HostCard<'a> {
        let upcoming = h.visits.iter().filter(|v| v.date >= self.today);
        HostCard {
            slug: &h.slug,
            name: &h.name,
            url: urls::host(&h.slug),
            town: &h.town,
            local_authority: &h.local_authority,
            summary: &h.summary,
            region: self.region(&h.region),
            phase: self.phase(&h.phase),
            school_type: h
                .school_type
                .as_deref()
                .map(|t| self.school_types.get(t).copied().unwrap_or(t)),
            focus: h.focus.iter().map(|f| self.focus_ref(f)).collect(),
            next_visit: upcoming.clone().map(|v| v.date).min().map(human_date),
            upcoming: upcoming.count(),
            draft: h.draft,
        }
    }

    /// The booking status of a visit as of the build date.
    pub fn status(&self, v: &Visit) -> VisitStatus {
        if v.date < self.today {
            VisitStatus::Past
        } else if self.today > booking_closes(self.site, v) {
            VisitStatus::Closed
        } else {
            VisitStatus::Open
        }
    }

    /// Everything the host page at `index` shows about its host.
    pub fn host_page(&self, index: usize) -> HostPage<'_> {
        let h: &'a Host = &self.site.hosts[index];
        let mut first_open = true;
        let visits: Vec<VisitView<'a>> = h
            .visits
            .iter()
            .map(|v| {
                let status = self.status(v);
                let selectable = status == VisitStatus::Open;
                let input_id = if selectable && first_open {
                    first_open = false;
                    "visit".to_string()
                } else {
                    format!("visit-{}", v.id)
                };
                let (status_text, tag_class) = match status {
                    VisitStatus::Past => ("Past".to_string(), "ik-tag--grey"),
                    VisitStatus::Closed => ("Booking closed".to_string(), "ik-tag--grey"),
                    VisitStatus::Open => (places_text(v.places), "ik-tag--green"),
                };
                VisitView {
                    id: &v.id,
                    input_id,
                    date: v.date.to_string(),
                    date_human: human_date(v.date),
                    start: &v.start,
                    end: &v.end,
                    audience: v.audience.as_deref(),
                    places: v.places,
                    focus: v.focus.iter().map(|f| self.focus_ref(f)).collect(),
                    status: status.as_str(),
                    status_text,
                    tag_class,
                    selectable,
                    booking_closes: human_date(booking_closes(self.site, v)),
                }
            })
            .collect();
        let feedback = self
            .feedback
            .get(h.urn.as_str())
            .filter(|s| s.responses >= self.feedback_min)
            .map(|s| FeedbackView {
                responses: s.responses,
                satisfied_pct: s.satisfied_pct,
                recommend_pct: s.recommend_pct,
            });
        HostPage {
            card: &self.cards[index],
            urn: &h.urn,
            postcode: &h.postcode,
            website: h.website.as_deref(),
            pupils: h.pupils,
            body_html: super::markdown::to_html(&h.body),
            bookable_count: visits.iter().filter(|v| v.selectable).count(),
            visits,
            feedback,
        }
    }

    /// `PageMeta` for a page at `path` with breadcrumbs after "Home".
    pub fn meta(
        &self,
        title: &'a str,
        description: Option<&'a str>,
        path: &'a str,
        crumbs: Vec<Crumb<'a>>,
    ) -> PageMeta<'a> {
        let mut breadcrumbs = Vec::with_capacity(crumbs.len() + 1);
        if path != "/" {
            breadcrumbs.push(Crumb {
                name: "Home",
                url: "/".to_string(),
            });
            breadcrumbs.extend(crumbs);
        }
        PageMeta {
            title,
            description,
            path,
            canonical: format!("{}{}", self.site.config.base_url, path),
            breadcrumbs,
        }
    }

    /// The base context plus `page` and the given page-specific values.
    pub fn context(&self, meta: &PageMeta) -> Result<Context, BuildError> {
        let mut ctx = self.base.clone();
        insert(&mut ctx, "page", meta)?;
        Ok(ctx)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VisitStatus {
    Open,
    Closed,
    Past,
}

impl VisitStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            VisitStatus::Open => "open",
            VisitStatus::Closed => "closed",
            VisitStatus::Past => "past",
        }
    }
}

/// The last day a booking is accepted.
pub fn booking_closes(site: &Site, v: &Visit) -> NaiveDate {
    v.date - chrono::Days::new(u64::from(site.config.booking.closes_days_before))
}

/// "Wednesday 13 October 2027".
pub fn human_date(d: NaiveDate) -> String {
    d.format("%A %-d %B %Y").to_string()
}

/// "October 2027".
pub fn month_name(d: NaiveDate) -> String {
    d.format("%B %Y").to_string()
}

/// "2027-10": a month's anchor id.
pub fn month_id(d: NaiveDate) -> String {
    format!("{:04}-{:02}", d.year(), d.month())
}

fn places_text(places: u32) -> String {
    if places == 1 {
        "1 place".to_string()
    } else {
        format!("{places} places")
    }
}

fn term<'a>(names: &BTreeMap<&'a str, &'a str>, slug: &'a str, url: String) -> TermRef<'a> {
    TermRef {
        slug,
        // Loaded content has only known slugs; the fallback keeps a bad
        // hand-built `Site` from panicking.
        name: names.get(slug).copied().unwrap_or(slug),
        url,
    }
}

pub fn insert<T: Serialize + ?Sized>(
    ctx: &mut Context,
    key: &str,
    value: &T,
) -> Result<(), BuildError> {
    ctx.try_insert(key, value).map_err(|e| BuildError::Encode {
        what: "a page context",
        detail: e.to_string(),
    })
}

fn context_with<T: Serialize + ?Sized>(key: &str, value: &T) -> Result<Context, BuildError> {
    let mut ctx = Context::new();
    insert(&mut ctx, key, value)?;
    Ok(ctx)
}
