//! The validated content model: what `content::load` produces once every
//! check has passed, and all that rendering ever sees. Raw, span-carrying
//! forms used for error reporting live in the loader, not here.

use std::path::PathBuf;

use booking_fn::summary::FeedbackSummary;
use chrono::NaiveDate;
use serde::Serialize;

/// `content/site.toml`.
#[derive(Debug, Clone, Serialize)]
pub struct SiteConfig {
    pub title: String,
    pub tagline: String,
    /// Without a trailing slash, e.g. `https://insideknowledge.example.org`.
    pub base_url: String,
    pub language: String,
    pub theme: String,
    pub contact_email: String,
    pub booking: BookingRules,
    pub regions: Vec<Term>,
    pub phases: Vec<Term>,
    pub school_types: Vec<Term>,
    pub focus_areas: Vec<FocusArea>,
}

#[derive(Debug, Clone, Serialize)]
pub struct BookingRules {
    pub closes_days_before: u32,
    pub max_places_per_school: u32,
    pub same_region: bool,
    pub retention_days: u32,
    /// Path prefix of the booking API, e.g. `/api`.
    pub api_base: String,
}

/// A region, phase or school type: a slug and the name people read.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Term {
    pub slug: String,
    pub name: String,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct FocusArea {
    pub slug: String,
    pub name: String,
    pub description: String,
}

/// `content/hosts/<slug>.md`.
#[derive(Debug, Clone, Serialize)]
pub struct Host {
    /// The file stem; the page lives at `/hosts/<slug>/`.
    pub slug: String,
    #[serde(skip)]
    pub source: PathBuf,
    pub name: String,
    /// Six digits, unique across the prospectus.
    pub urn: String,
    pub phase: String,
    pub school_type: Option<String>,
    pub region: String,
    pub local_authority: String,
    pub town: String,
    pub postcode: String,
    pub website: Option<String>,
    pub pupils: Option<u32>,
    pub summary: String,
    pub focus: Vec<String>,
    pub draft: bool,
    /// When the host joined the prospectus (Atom feed); absent means unknown.
    pub added: Option<NaiveDate>,
    /// Ordered by date, then start time.
    pub visits: Vec<Visit>,
    /// The Markdown body, unrendered.
    pub body: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Visit {
    /// Stable id; defaults to `<urn>-<date>-<HHMM of start>`.
    pub id: String,
    pub date: NaiveDate,
    /// `HH:MM`, 24-hour.
    pub start: String,
    pub end: String,
    pub places: u32,
    /// The focus areas covered: the entry's own list, or the host's when it
    /// gave none.
    pub focus: Vec<String>,
    pub audience: Option<String>,
}

/// `content/pages/<slug>.md`: about, how visits work, privacy, accessibility.
#[derive(Debug, Clone, Serialize)]
pub struct Page {
    /// The file stem; the page lives at `/<slug>/`.
    pub slug: String,
    #[serde(skip)]
    pub source: PathBuf,
    pub title: String,
    pub description: Option<String>,
    /// Order in the footer navigation, lowest first.
    pub weight: i32,
    pub body: String,
}

/// Everything the site is built from.
#[derive(Debug, Clone)]
pub struct Site {
    pub config: SiteConfig,
    /// Ordered by slug; drafts included only when asked for.
    pub hosts: Vec<Host>,
    /// Ordered by weight, then slug.
    pub pages: Vec<Page>,
    /// `content/data/feedback.json`, when the programme team has published one.
    pub feedback: Option<FeedbackSummary>,
}
