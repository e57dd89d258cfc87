//! A small fixed site, built in code, shared by the build tests: three
//! hosts (one with a past, a closed and an open visit; one plain; one
//! draft), two content pages and a feedback summary.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use booking_fn::summary::{FeedbackSummary, HostSummary};
use chrono::NaiveDate;
use prospectus::build::{build_site, BuildOptions, BuildReport};
use prospectus::content::{BookingRules, FocusArea, Host, Page, Site, SiteConfig, Term, Visit};

pub fn date(s: &str) -> NaiveDate {
    s.parse().expect("test date")
}

/// The build date the fixture is written around.
pub fn today() -> NaiveDate {
    date("2027-10-01")
}

pub fn opts() -> BuildOptions {
    BuildOptions {
        today: today(),
        search: false,
    }
}

/// The repository root: holds the real `themes/default`.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn term(slug: &str, name: &str) -> Term {
    Term {
        slug: slug.into(),
        name: name.into(),
    }
}

pub fn config() -> SiteConfig {
    SiteConfig {
        title: "Inside Knowledge".into(),
        tagline: "See excellent practice at first hand".into(),
        base_url: "https://ik.example.org".into(),
        language: "en-GB".into(),
        theme: "default".into(),
        contact_email: "visits@ik.example.org".into(),
        booking: BookingRules {
            closes_days_before: 7,
            max_places_per_school: 3,
            same_region: true,
            retention_days: 365,
            api_base: "/api".into(),
        },
        regions: vec![
            term("north-west", "North West"),
            term("london", "London"),
            term("south-west", "South West"),
        ],
        phases: vec![term("primary", "Primary"), term("secondary", "Secondary")],
        school_types: vec![
            term("community", "Community school"),
            term("academy", "Academy"),
        ],
        focus_areas: vec![
            FocusArea {
                slug: "narrowing-the-gap".into(),
                name: "Narrowing the gap".into(),
                description: "Raising the attainment of disadvantaged pupils.".into(),
            },
            FocusArea {
                slug: "sustainability".into(),
                name: "Sustainability".into(),
                description: "Climate education and cutting energy use.".into(),
            },
            FocusArea {
                slug: "writing-ks2".into(),
                name: "Writing at Key Stage 2".into(),
                description: "Teaching extended writing in years 3 to 6.".into(),
            },
        ],
    }
}

fn visit(id: &str, d: &str, places: u32, focus: &[&str], audience: Option<&str>) -> Visit {
    Visit {
        id: id.into(),
        date: date(d),
        start: "09:15".into(),
        end: "15:00".into(),
        places,
        focus: focus.iter().map(|s| s.to_string()).collect(),
        audience: audience.map(Into::into),
    }
}

pub fn hosts() -> Vec<Host> {
    vec![
        Host {
            slug: "alpha-primary".into(),
            source: PathBuf::from("content/hosts/alpha-primary.md"),
            name: "Alpha Primary School".into(),
            urn: "100001".into(),
            phase: "primary".into(),
            school_type: Some("community".into()),
            region: "north-west".into(),
            local_authority: "Bolton".into(),
            town: "Bolton".into(),
            postcode: "BL1 4QZ".into(),
            website: Some("https://www.alpha.example.sch.uk/".into()),
            pupils: Some(418),
            summary: "A primary where almost all pupils leave writing well.".into(),
            focus: vec!["narrowing-the-gap".into(), "writing-ks2".into()],
            draft: false,
            added: Some(date("2026-09-14")),
            visits: vec![
                visit("100001-2027-09-15-0915", "2027-09-15", 10, &["writing-ks2"], Some("English leads")),
                visit("100001-2027-10-05-0915", "2027-10-05", 8, &["narrowing-the-gap"], None),
                visit(
                    "100001-2027-11-10-0915",
                    "2027-11-10",
                    12,
                    &["narrowing-the-gap", "writing-ks2"],
                    Some("Headteachers, deputies; and pupil premium leads, from any phase"),
                ),
            ],
            body: "# What we do\n\nWe teach *writing* every day. See [other hosts](/regions/north-west/).\n\n- One\n- Two\n".into(),
        },
        Host {
            slug: "beta-academy".into(),
            source: PathBuf::from("content/hosts/beta-academy.md"),
            name: "Beta Academy".into(),
            urn: "100002".into(),
            phase: "secondary".into(),
            school_type: Some("academy".into()),
            region: "london".into(),
            local_authority: "Lambeth".into(),
            town: "London".into(),
            postcode: "SE11 5QY".into(),
            website: None,
            pupils: None,
            summary: "An academy whose pupils cut its energy use by a third.".into(),
            focus: vec!["sustainability".into()],
            draft: false,
            added: Some(date("2027-01-10")),
            visits: vec![visit("100002-2028-02-02-0915", "2028-02-02", 6, &["sustainability"], None)],
            body: "Our eco-council runs the energy audit.\n".into(),
        },
        Host {
            slug: "gamma-draft".into(),
            source: PathBuf::from("content/hosts/gamma-draft.md"),
            name: "Gamma Draft School".into(),
            urn: "100003".into(),
            phase: "primary".into(),
            school_type: None,
            region: "london".into(),
            local_authority: "Camden".into(),
            town: "London".into(),
            postcode: "NW1 2AB".into(),
            website: None,
            pupils: None,
            summary: "Not published yet.".into(),
            focus: vec!["sustainability".into()],
            draft: true,
            added: None,
            visits: vec![visit("100003-2028-03-01-0915", "2028-03-01", 5, &["sustainability"], None)],
            body: "Draft.\n".into(),
        },
    ]
}

pub fn pages() -> Vec<Page> {
    vec![
        Page {
            slug: "about".into(),
            source: PathBuf::from("content/pages/about.md"),
            title: "About the programme".into(),
            description: Some("What Inside Knowledge is.".into()),
            weight: 1,
            body: "Inside Knowledge connects schools.\n".into(),
        },
        Page {
            slug: "privacy".into(),
            source: PathBuf::from("content/pages/privacy.md"),
            title: "Privacy notice".into(),
            description: None,
            weight: 2,
            body: "We keep your details for a year.\n".into(),
        },
    ]
}

pub fn feedback() -> FeedbackSummary {
    FeedbackSummary {
        min_responses: 5,
        hosts: vec![
            HostSummary {
                host_urn: "100001".into(),
                responses: 6,
                satisfied_pct: 83,
                recommend_pct: 100,
                by_focus: vec![],
            },
            HostSummary {
                host_urn: "100002".into(),
                responses: 4,
                satisfied_pct: 100,
                recommend_pct: 100,
                by_focus: vec![],
            },
        ],
    }
}

/// The fixture as the loader gives it with `drafts` on or off.
pub fn site(drafts: bool) -> Site {
    Site {
        config: config(),
        hosts: hosts().into_iter().filter(|h| drafts || !h.draft).collect(),
        pages: pages(),
        feedback: Some(feedback()),
    }
}

pub fn build(site: &Site, out: &Path) -> BuildReport {
    build_site(site, &repo_root(), out, &opts()).expect("fixture builds")
}

pub fn read(out: &Path, rel: &str) -> String {
    fs::read_to_string(out.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// Every file below `dir`, by relative path, with its bytes.
pub fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(base: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        for entry in fs::read_dir(dir).expect("read dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                walk(base, &path, out);
            } else {
                let rel = path.strip_prefix(base).expect("below base");
                out.insert(
                    rel.to_string_lossy().into_owned(),
                    fs::read(&path).expect("read"),
                );
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

/// Copy a folder recursively (to make a theme to break).
pub fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("mkdir");
    for entry in fs::read_dir(from).expect("read dir") {
        let path = entry.expect("entry").path();
        let dest = to.join(path.file_name().expect("name"));
        if path.is_dir() {
            copy_dir(&path, &dest);
        } else {
            fs::copy(&path, &dest).expect("copy");
        }
    }
}
