//! Every HTML page of the site, rendered in parallel and written straight to
//! disk (pages are not held in memory all at once).

use rayon::prelude::*;
use serde::Serialize;

use super::feeds::ics;
use super::output::write_file;
use super::render::Renderer;
use super::view::{self, insert, Crumb, HostCard, Link, Shared};
use super::BuildError;
use crate::content::Site;
use crate::urls;

/// What [`render_all`] wrote.
#[derive(Debug, Default)]
pub struct Written {
    pub html_pages: usize,
    /// Per-visit calendar files.
    pub other_files: usize,
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
    dir: &std::path::Path,
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

    // Host pages and listings share one pool; the big listings start first.
    let listing = jobs
        .par_iter()
        .map(|job| {
            let (path, html, in_sitemap) = render_job(renderer, shared, *job)?;
            write_file(dir, &urls::output_file(&path), html.as_bytes())?;
            Ok(in_sitemap.then_some(path))
        })
        .collect::<Result<Vec<_>, BuildError>>()?;
    let hosts = (0..site.hosts.len())
        .into_par_iter()
        .map(|i| {
            let host = &site.hosts[i];
            let path = urls::host(&host.slug);
            let html = render_host(renderer, shared, i)?;
            write_file(dir, &urls::output_file(&path), html.as_bytes())?;
            for v in &host.visits {
                let ics = ics::visit_calendar(shared, host, v);
                write_file(
                    dir,
                    &urls::output_file(&urls::visit_ics(&host.slug, &v.id)),
                    ics.as_bytes(),
                )?;
            }
            Ok((host.visits.len(), (!host.draft).then_some(path)))
        })
        .collect::<Result<Vec<_>, BuildError>>()?;

    let mut written = Written {
        html_pages: jobs.len() + site.hosts.len(),
        other_files: hosts.iter().map(|(n, _)| n).sum(),
        sitemap_paths: listing.into_iter().flatten().collect(),
    };
    written
        .sitemap_paths
        .extend(hosts.into_iter().filter_map(|(_, p)| p));
    written.sitemap_paths.sort();
    Ok(written)
}

/// Render the page of the host at `index` in `site.hosts`.
pub fn render_host(
    renderer: &Renderer,
    shared: &Shared,
    index: usize,
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
    let mut ctx = shared.context(&meta)?;
    insert(&mut ctx, "host", &host)?;
    renderer.render("host.html", &path, &ctx)
}

/// Render one non-host page: its path, HTML and whether it goes in the sitemap.
fn render_job(
    renderer: &Renderer,
    shared: &Shared,
    job: Job,
) -> Result<(String, String, bool), BuildError> {
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
    let (path, template, html) = match job {
        Job::Home => {
            let path = "/".to_string();
            let meta = shared.meta(&c.title, Some(&c.tagline), &path, vec![]);
            let ctx = shared.context(&meta)?;
            let html = renderer.render("index.html", &path, &ctx)?;
            (path, "index.html", html)
        }
        Job::Regions => simple(
            renderer,
            shared,
            "/regions/",
            (
                "Find a host school by region",
                Some("Host schools listed by the nine English regions: find one in your own region."),
            ),
            "regions.html",
        )?,
        Job::FocusAreas => simple(
            renderer,
            shared,
            "/focus/",
            (
                "Find a host school by focus area",
                Some("Host schools listed by the five focus areas of the programme."),
            ),
            "focus-areas.html",
        )?,
        Job::Phases => simple(
            renderer,
            shared,
            "/phases/",
            (
                "Find a host school by phase",
                Some("Host schools listed by phase, from nursery to post-16."),
            ),
            "phases.html",
        )?,
        Job::Search => simple(
            renderer,
            shared,
            "/search/",
            (
                "Search the prospectus",
                Some("Search host schools by name, town, local authority or focus area, and filter by region, phase and month of visit."),
            ),
            "search.html",
        )?,
        Job::FeedbackThanks => simple(
            renderer,
            shared,
            "/feedback/thanks/",
            ("Thank you for your feedback", None),
            "feedback-thanks.html",
        )?,
        Job::NotFound => simple(
            renderer,
            shared,
            "/404.html",
            ("Page not found", None),
            "404.html",
        )?,
        Job::Region(i) => {
            let r = &c.regions[i];
            let path = urls::region(&r.slug);
            let cards = cards_where(shared, |h| h.region == r.slug);
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
                    count: cards
                        .iter()
                        .filter(|h| h.focus.iter().any(|x| x.slug == f.slug))
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
                    count: cards.iter().filter(|h| h.phase.slug == p.slug).count(),
                })
                .filter(|l| l.count > 0)
                .collect();
            let title = format!("Host schools in {}", r.name);
            let meta = shared.meta(&title, None, &path, vec![regions_crumb()]);
            let mut ctx = shared.context(&meta)?;
            insert(&mut ctx, "region", r)?;
            insert(&mut ctx, "hosts", &cards)?;
            insert(&mut ctx, "by_focus", &by_focus)?;
            insert(&mut ctx, "by_phase", &by_phase)?;
            let html = renderer.render("region.html", &path, &ctx)?;
            (path, "region.html", html)
        }
        Job::Focus(i) => {
            let f = &c.focus_areas[i];
            let path = urls::focus(&f.slug);
            let sections = by_region(shared, |h| h.focus.contains(&f.slug));
            let title = format!("Host schools for {}", f.name);
            let meta = shared.meta(&title, Some(&f.description), &path, vec![focus_crumb()]);
            let mut ctx = shared.context(&meta)?;
            insert(&mut ctx, "focus", f)?;
            insert(&mut ctx, "sections", &sections)?;
            let html = renderer.render("focus.html", &path, &ctx)?;
            (path, "focus.html", html)
        }
        Job::Phase(i) => {
            let p = &c.phases[i];
            let path = urls::phase(&p.slug);
            let sections = by_region(shared, |h| h.phase == p.slug);
            let title = format!("{} host schools", p.name);
            let meta = shared.meta(&title, None, &path, vec![phases_crumb()]);
            let mut ctx = shared.context(&meta)?;
            insert(&mut ctx, "phase", p)?;
            insert(&mut ctx, "sections", &sections)?;
            let html = renderer.render("phase.html", &path, &ctx)?;
            (path, "phase.html", html)
        }
        Job::Visits => {
            let path = "/visits/".to_string();
            let months = visit_months(shared);
            let meta = shared.meta("Upcoming visits", None, &path, vec![]);
            let mut ctx = shared.context(&meta)?;
            insert(&mut ctx, "months", &months)?;
            let html = renderer.render("visits.html", &path, &ctx)?;
            (path, "visits.html", html)
        }
        Job::Page(i) => {
            let p = &site.pages[i];
            let path = urls::page(&p.slug);
            let meta = shared.meta(&p.title, p.description.as_deref(), &path, vec![]);
            let mut ctx = shared.context(&meta)?;
            insert(&mut ctx, "body_html", &super::markdown::to_html(&p.body))?;
            let html = renderer.render("page.html", &path, &ctx)?;
            (path, "page.html", html)
        }
    };
    let _ = template;
    let in_sitemap = !matches!(job, Job::NotFound);
    Ok((path, html, in_sitemap))
}

/// A page whose context is only the shared view and its own title.
fn simple(
    renderer: &Renderer,
    shared: &Shared,
    path: &str,
    (title, description): (&str, Option<&str>),
    template: &'static str,
) -> Result<(String, &'static str, String), BuildError> {
    let meta = shared.meta(title, description, path, vec![]);
    let ctx = shared.context(&meta)?;
    let html = renderer.render(template, path, &ctx)?;
    Ok((path.to_string(), template, html))
}

/// Host cards matching `keep`, in listing (name) order.
fn cards_where<'s, 'a>(
    shared: &'s Shared<'a>,
    keep: impl Fn(&crate::content::Host) -> bool,
) -> Vec<&'s HostCard<'a>> {
    shared
        .by_name
        .iter()
        .filter(|&&i| keep(&shared.site.hosts[i]))
        .map(|&i| &shared.cards[i])
        .collect()
}

/// A listing section: the hosts of one region.
#[derive(Serialize)]
struct Section<'s, 'a> {
    /// The region slug, used as the section's anchor.
    id: &'a str,
    name: &'a str,
    hosts: Vec<&'s HostCard<'a>>,
}

/// Hosts matching `keep`, grouped by region in the configured order; empty
/// regions left out.
fn by_region<'s, 'a>(
    shared: &'s Shared<'a>,
    keep: impl Fn(&crate::content::Host) -> bool,
) -> Vec<Section<'s, 'a>> {
    shared
        .site
        .config
        .regions
        .iter()
        .map(|r| Section {
            id: &r.slug,
            name: &r.name,
            hosts: cards_where(shared, |h| h.region == r.slug && keep(h)),
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
