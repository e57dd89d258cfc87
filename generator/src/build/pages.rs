//! Every HTML page of the site, rendered in parallel and written straight to
//! disk (pages are not held in memory all at once).

use rayon::prelude::*;
use serde::Serialize;
use serde_json::Value;
use tera::Context;

use super::output::Sink;
use super::render::Renderer;
use super::view::{self, insert, Crumb, Link, Shared};
use super::BuildError;
use crate::content::Site;
use crate::urls;

/// What [`render_all`] wrote.
#[derive(Debug, Default)]
pub struct Written {
    pub html_pages: usize,
    /// Paths of the pages search engines should know, sorted.
    pub sitemap_paths: Vec<String>,
}

/// A page other than a host page.
#[derive(Debug, Clone, Copy)]
enum Job {
    Home,
    Regions,
    Region(usize),
    FocusAreas,
    Focus(usize),
    Phases,
    Phase(usize),
    Visits,
    Page(usize),
    Search,
    FeedbackThanks,
    NotFound,
}

pub fn render_all(
    renderer: &Renderer,
    shared: &Shared,
    site: &Site,
    out: &dyn Sink,
) -> Result<Written, BuildError> {
    let c = &site.config;
    let mut jobs = vec![
        Job::Home,
        Job::Regions,
        Job::FocusAreas,
        Job::Phases,
        Job::Visits,
        Job::Search,
        Job::FeedbackThanks,
        Job::NotFound,
    ];
    jobs.extend((0..c.regions.len()).map(Job::Region));
    jobs.extend((0..c.focus_areas.len()).map(Job::Focus));
    jobs.extend((0..c.phases.len()).map(Job::Phase));
    jobs.extend((0..site.pages.len()).map(Job::Page));

    // Each host's card is rendered once and pasted into every listing that
    // shows it, rather than rendered again on each of them.
    let cards = (0..site.hosts.len())
        .into_par_iter()
        .map(|i| render_card(renderer, shared, i))
        .collect::<Result<Vec<_>, BuildError>>()?;
    // Listings and host pages at once: the visit-dates listing alone is a
    // long job, and the cores should not wait for it before the hosts start.
    let render_listings = || {
        jobs.par_iter()
            .map(|job| {
                let page = listing_page(shared, &cards, *job)?;
                let key = || renderer.key(page.template, &page.ctx);
                emit(renderer, out, page.template, &page.path, &page.ctx, key)?;
                Ok(page.in_sitemap.then_some(page.path))
            })
            .collect::<Result<Vec<_>, BuildError>>()
    };
    // Host pages all have the same keys, so each worker fills one context
    // again and again instead of cloning the shared part for every page.
    let render_hosts = || {
        (0..site.hosts.len())
            .into_par_iter()
            .map_init(
                || shared.base.clone(),
                |ctx, i| {
                    let path = host_context(shared, i, ctx)?;
                    let key = || {
                        // The key covers the whole context only while these are
                        // all its keys; checked in debug builds (the tests).
                        debug_assert_eq!(
                            ctx.clone().into_json().as_object().map(|m| m.len()),
                            Some(HOST_KEYS.len())
                        );
                        let values = HOST_KEYS.map(|k| ctx.get(k).unwrap_or(&Value::Null));
                        renderer.key_of_values("host.html", &values)
                    };
                    emit(renderer, out, "host.html", &path, ctx, key)?;
                    Ok((!site.hosts[i].draft).then_some(path))
                },
            )
            .collect::<Result<Vec<_>, BuildError>>()
    };
    let (listing, hosts) = rayon::join(render_listings, render_hosts);
    let (listing, hosts) = (listing?, hosts?);

    let mut written = Written {
        html_pages: jobs.len() + site.hosts.len(),
        sitemap_paths: listing.into_iter().flatten().collect(),
    };
    written.sitemap_paths.extend(hosts.into_iter().flatten());
    written.sitemap_paths.sort();
    Ok(written)
}

/// A page other than a host page: which template, with what, to where.
struct Page {
    path: String,
    template: &'static str,
    ctx: Context,
    in_sitemap: bool,
}

/// Every key of a host page's context (see [`host_context`]).
const HOST_KEYS: [&str; 3] = ["site", "page", "host"];

/// Render the page at `path` into `out`, unless `out` still has it from the
/// same template and context (the preview's in-place rebuilds); `key` is
/// only worked out for a sink that remembers.
fn emit(
    renderer: &Renderer,
    out: &dyn Sink,
    template: &str,
    path: &str,
    ctx: &Context,
    key: impl FnOnce() -> u64,
) -> Result<(), BuildError> {
    let rel = urls::output_file(path);
    if out.remembers() && out.reuse(&rel, key()) {
        return Ok(());
    }
    let html = renderer.render(template, path, ctx)?;
    out.write(&rel, html.as_bytes())
}

/// Set `page` and `host` in `ctx` (which holds the shared view, `site`) for the
/// page of the host at `index` in `site.hosts`; returns the page's path.
pub fn host_context(
    shared: &Shared,
    index: usize,
    ctx: &mut Context,
) -> Result<String, BuildError> {
    let host = shared.host_page(index);
    let path = host.card.url.clone();
    let region = &host.card.region;
    let meta = shared.meta(
        host.card.name,
        Some(host.card.summary),
        &path,
        vec![
            Crumb {
                name: "Regions",
                url: "/regions/".to_string(),
            },
            Crumb {
                name: region.name,
                url: region.url.clone(),
            },
        ],
    );
    insert(ctx, "page", &meta)?;
    insert(ctx, "host", &host)?;
    Ok(path)
}

/// The card of the host at `index`, as listings show it: the template
/// `partials/host-card.html` with the card as `h`.
fn render_card(renderer: &Renderer, shared: &Shared, index: usize) -> Result<String, BuildError> {
    let card = &shared.cards[index];
    let mut ctx = Context::new();
    insert(&mut ctx, "h", card)?;
    renderer.render("partials/host-card.html", &card.url, &ctx)
}

/// One non-host page.
fn listing_page(shared: &Shared, cards: &[String], job: Job) -> Result<Page, BuildError> {
    let site = shared.site;
    let c = &site.config;
    let regions_crumb = || Crumb {
        name: "Regions",
        url: "/regions/".to_string(),
    };
    let focus_crumb = || Crumb {
        name: "Focus areas",
        url: "/focus/".to_string(),
    };
    let phases_crumb = || Crumb {
        name: "Phases",
        url: "/phases/".to_string(),
    };
    let (path, template, ctx) = match job {
        Job::Home => {
            let path = "/".to_string();
            let meta = shared.meta(&c.title, Some(&c.tagline), &path, vec![]);
            let ctx = shared.context(&meta)?;
            (path, "index.html", ctx)
        }
        Job::Regions => simple(
            shared,
            "/regions/",
            (
                "Find a host school by region",
                Some("Host schools listed by the nine English regions: find one in your own region."),
            ),
            "regions.html",
        )?,
        Job::FocusAreas => simple(
            shared,
            "/focus/",
            (
                "Find a host school by focus area",
                Some("Host schools listed by the five focus areas of the programme."),
            ),
            "focus-areas.html",
        )?,
        Job::Phases => simple(
            shared,
            "/phases/",
            (
                "Find a host school by phase",
                Some("Host schools listed by phase, from nursery to post-16."),
            ),
            "phases.html",
        )?,
        Job::Search => simple(
            shared,
            "/search/",
            (
                "Search the prospectus",
                Some("Search host schools by name, town, local authority or focus area, and filter by region, phase and month of visit."),
            ),
            "search.html",
        )?,
        Job::FeedbackThanks => simple(
            shared,
            "/feedback/thanks/",
            ("Thank you for your feedback", None),
            "feedback-thanks.html",
        )?,
        Job::NotFound => simple(
            shared,
            "/404.html",
            ("Page not found", None),
            "404.html",
        )?,
        Job::Region(i) => {
            let r = &c.regions[i];
            let path = urls::region(&r.slug);
            let hosts = hosts_where(shared, |h| h.region == r.slug);
            // Links that combine region and focus: the focus page's section
            // for this region.
            let by_focus: Vec<Link> = c
                .focus_areas
                .iter()
                .map(|f| Link {
                    slug: &f.slug,
                    name: &f.name,
                    url: format!("{}#{}", urls::focus(&f.slug), r.slug),
                    description: None,
                    count: hosts
                        .iter()
                        .filter(|&&i| shared.site.hosts[i].focus.contains(&f.slug))
                        .count(),
                })
                .filter(|l| l.count > 0)
                .collect();
            let by_phase: Vec<Link> = c
                .phases
                .iter()
                .map(|p| Link {
                    slug: &p.slug,
                    name: &p.name,
                    url: format!("{}#{}", urls::phase(&p.slug), r.slug),
                    description: None,
                    count: hosts
                        .iter()
                        .filter(|&&i| shared.site.hosts[i].phase == p.slug)
                        .count(),
                })
                .filter(|l| l.count > 0)
                .collect();
            let title = format!("Host schools in {}", r.name);
            let meta = shared.meta(&title, None, &path, vec![regions_crumb()]);
            let mut ctx = shared.context(&meta)?;
            insert(&mut ctx, "region", r)?;
            insert(&mut ctx, "hosts", &card_html(cards, &hosts))?;
            insert(&mut ctx, "by_focus", &by_focus)?;
            insert(&mut ctx, "by_phase", &by_phase)?;
            (path, "region.html", ctx)
        }
        Job::Focus(i) => {
            let f = &c.focus_areas[i];
            let path = urls::focus(&f.slug);
            let sections = by_region(shared, cards, |h| h.focus.contains(&f.slug));
            let title = format!("Host schools for {}", f.name);
            let meta = shared.meta(&title, Some(&f.description), &path, vec![focus_crumb()]);
            let mut ctx = shared.context(&meta)?;
            insert(&mut ctx, "focus", f)?;
            insert(&mut ctx, "sections", &sections)?;
            (path, "focus.html", ctx)
        }
        Job::Phase(i) => {
            let p = &c.phases[i];
            let path = urls::phase(&p.slug);
            let sections = by_region(shared, cards, |h| h.phase == p.slug);
            let title = format!("{} host schools", p.name);
            let meta = shared.meta(&title, None, &path, vec![phases_crumb()]);
            let mut ctx = shared.context(&meta)?;
            insert(&mut ctx, "phase", p)?;
            insert(&mut ctx, "sections", &sections)?;
            (path, "phase.html", ctx)
        }
        Job::Visits => {
            let path = "/visits/".to_string();
            let months = visit_months(shared);
            let meta = shared.meta("Upcoming visits", None, &path, vec![]);
            let mut ctx = shared.context(&meta)?;
            insert(&mut ctx, "months", &months)?;
            (path, "visits.html", ctx)
        }
        Job::Page(i) => {
            let p = &site.pages[i];
            let path = urls::page(&p.slug);
            let meta = shared.meta(&p.title, p.description.as_deref(), &path, vec![]);
            let mut ctx = shared.context(&meta)?;
            insert(&mut ctx, "body_html", &super::markdown::to_html(&p.body))?;
            (path, "page.html", ctx)
        }
    };
    Ok(Page {
        path,
        template,
        ctx,
        in_sitemap: !matches!(job, Job::NotFound),
    })
}

/// A page whose context is only the shared view and its own title.
fn simple(
    shared: &Shared,
    path: &str,
    (title, description): (&str, Option<&str>),
    template: &'static str,
) -> Result<(String, &'static str, Context), BuildError> {
    let meta = shared.meta(title, description, path, vec![]);
    let ctx = shared.context(&meta)?;
    Ok((path.to_string(), template, ctx))
}

/// Indexes of the hosts matching `keep`, in listing (name) order.
fn hosts_where(shared: &Shared, keep: impl Fn(&crate::content::Host) -> bool) -> Vec<usize> {
    shared
        .by_name
        .iter()
        .copied()
        .filter(|&i| keep(&shared.site.hosts[i]))
        .collect()
}

/// The rendered cards of the hosts at `indexes`, for a listing's template
/// to paste in (`{{ h | safe }}`).
fn card_html<'c>(cards: &'c [String], indexes: &[usize]) -> Vec<&'c str> {
    indexes.iter().map(|&i| cards[i].as_str()).collect()
}

/// A listing section: the hosts of one region.
#[derive(Serialize)]
struct Section<'c, 'a> {
    /// The region slug, used as the section's anchor.
    id: &'a str,
    name: &'a str,
    /// Rendered host cards.
    hosts: Vec<&'c str>,
}

/// Hosts matching `keep`, grouped by region in the configured order; empty
/// regions left out.
fn by_region<'c, 'a>(
    shared: &Shared<'a>,
    cards: &'c [String],
    keep: impl Fn(&crate::content::Host) -> bool,
) -> Vec<Section<'c, 'a>> {
    shared
        .site
        .config
        .regions
        .iter()
        .map(|r| Section {
            id: &r.slug,
            name: &r.name,
            hosts: card_html(
                cards,
                &hosts_where(shared, |h| h.region == r.slug && keep(h)),
            ),
        })
        .filter(|s| !s.hosts.is_empty())
        .collect()
}

#[derive(Serialize)]
struct VisitRow<'a> {
    id: &'a str,
    date: String,
    date_human: String,
    start: &'a str,
    end: &'a str,
    audience: Option<&'a str>,
    places: u32,
    host_name: &'a str,
    host_url: &'a str,
    town: &'a str,
    region: &'a str,
    status: &'static str,
}

#[derive(Serialize)]
struct Month<'a> {
    id: String,
    name: String,
    visits: Vec<VisitRow<'a>>,
}

/// Every upcoming visit, by date then start time, grouped by month.
fn visit_months<'s>(shared: &'s Shared) -> Vec<Month<'s>> {
    let mut all: Vec<(&crate::content::Visit, usize)> = shared
        .site
        .hosts
        .iter()
        .enumerate()
        .flat_map(|(i, h)| h.visits.iter().map(move |v| (v, i)))
        .filter(|(v, _)| v.date >= shared.today)
        .collect();
    all.sort_by(|(a, ai), (b, bi)| {
        (a.date, &a.start, &shared.site.hosts[*ai].name, &a.id).cmp(&(
            b.date,
            &b.start,
            &shared.site.hosts[*bi].name,
            &b.id,
        ))
    });
    let mut months: Vec<Month> = Vec::new();
    for (v, i) in all {
        let card = &shared.cards[i];
        let id = view::month_id(v.date);
        if months.last().is_none_or(|m| m.id != id) {
            months.push(Month {
                id,
                name: view::month_name(v.date),
                visits: Vec::new(),
            });
        }
        let row = VisitRow {
            id: &v.id,
            date: v.date.to_string(),
            date_human: view::human_date(v.date),
            start: &v.start,
            end: &v.end,
            audience: v.audience.as_deref(),
            places: v.places,
            host_name: card.name,
            host_url: &card.url,
            town: card.town,
            region: card.region.name,
            status: shared.status(v).as_str(),
        };
        if let Some(m) = months.last_mut() {
            m.visits.push(row);
        }
    }
    months
}
