//! `prospectus new host "Name"`: a new host entry with every field present
//! or commented out, each explained, and the valid slugs copied from
//! site.toml, so an editor can fill it in without reading any other
//! documentation. The entry passes `prospectus check` as written; it is a
//! draft, so its placeholders are never published by accident.

use std::collections::HashSet;
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use chrono::{Datelike, Days, NaiveDate, Weekday};

use super::diagnostics::Diagnostics;
use super::model::{SiteConfig, Term};
use super::{document, site_config, slug, HOSTS_DIR, SITE_TOML};

#[derive(Debug, thiserror::Error)]
pub enum ScaffoldError {
    #[error(
        "no content folder at {}: run prospectus from the site root or pass --root DIR",
        root.join("content").display()
    )]
    NoContent { root: PathBuf },
    #[error("cannot make a file name from {name:?}: the name needs some letters or digits")]
    NoSlug { name: String },
    #[error("{path} already exists: choose a different name, or edit that file")]
    Exists { path: String },
    #[error("content/site.toml has errors; fix them first (the new entry is checked against it):\n{}", .0.render(false))]
    SiteConfig(Diagnostics),
    #[error("cannot write {path}: {source}")]
    Write {
        path: String,
        #[source]
        source: std::io::Error,
    },
}

/// Writes `content/hosts/<slug>.md` and returns its path relative to the
/// root.
pub fn new_host(root: &Path, name: &str, today: NaiveDate) -> Result<String, ScaffoldError> {
    if !root.join("content").is_dir() {
        return Err(ScaffoldError::NoContent {
            root: root.to_path_buf(),
        });
    }
    let slug = slug::slugify(name);
    if slug.is_empty() {
        return Err(ScaffoldError::NoSlug {
            name: name.to_string(),
        });
    }
    let config = read_config(root)?;
    let rel = format!("{HOSTS_DIR}/{slug}.md");
    let urn = unused_urn(root);
    let text = render(name.trim(), &urn, &config, today);

    let write_err = |source| ScaffoldError::Write {
        path: rel.clone(),
        source,
    };
    std::fs::create_dir_all(root.join(HOSTS_DIR)).map_err(write_err)?;
    // create_new: never overwrite an entry, even one created a moment ago.
    let mut file = match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(root.join(&rel))
    {
        Ok(file) => file,
        Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists => {
            return Err(ScaffoldError::Exists { path: rel });
        }
        Err(err) => return Err(write_err(err)),
    };
    file.write_all(text.as_bytes()).map_err(write_err)?;
    Ok(rel)
}

fn read_config(root: &Path) -> Result<SiteConfig, ScaffoldError> {
    let file = document::read(root, SITE_TOML)
        .map_err(|d| ScaffoldError::SiteConfig([d].into_iter().collect()))?;
    let parsed = site_config::parse(file);
    parsed
        .config
        .ok_or_else(|| ScaffoldError::SiteConfig(parsed.diags.into_iter().collect()))
}

/// A placeholder URN no other host uses (counting down from 999999), so the
/// new entry does not trip the duplicate-URN check before it is filled in.
/// Found by a quick scan of `urn = "..."` lines: the other files need not be
/// valid for this.
fn unused_urn(root: &Path) -> String {
    let mut used = HashSet::new();
    if let Ok(entries) = std::fs::read_dir(root.join(HOSTS_DIR)) {
        for entry in entries.flatten() {
            let Ok(text) = std::fs::read_to_string(entry.path()) else {
                continue;
            };
            for line in text.lines() {
                let Some(rest) = line.trim_start().strip_prefix("urn") else {
                    continue;
                };
                let digits: String = rest.chars().filter(char::is_ascii_digit).collect();
                used.insert(digits);
            }
        }
    }
    (0..=999_999u32)
        .rev()
        .map(|n| format!("{n:06}"))
        .find(|u| !used.contains(u))
        .unwrap_or_else(|| "999999".to_string())
}

/// The first Wednesday at least eight weeks ahead: far enough for the
/// booking window, midweek as most visits are.
fn placeholder_visit_date(today: NaiveDate) -> NaiveDate {
    let mut date = today.checked_add_days(Days::new(56)).unwrap_or(today);
    while date.weekday() != Weekday::Wed {
        date = date.succ_opt().unwrap_or(date);
    }
    date
}

/// The term a school's name already gives away ("... Primary School" →
/// `primary`, "... Academy" → `academy`), as a better placeholder than
/// the first in the list.
fn named_in(name: &str, terms: &[Term]) -> Option<String> {
    let words = format!(" {} ", slug::slugify(name).replace('-', " "));
    terms
        .iter()
        .find(|t| words.contains(&format!(" {} ", t.slug.replace('-', " "))))
        .map(|t| t.slug.clone())
}

fn toml_string(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

/// `# Valid: a, b, c` wrapped to fit 80 columns.
fn slug_list(out: &mut String, label: &str, slugs: &[&str]) {
    let mut line = format!("# {label}:");
    for (i, s) in slugs.iter().enumerate() {
        let item = if i + 1 < slugs.len() {
            format!(" {s},")
        } else {
            format!(" {s}")
        };
        if line.len() + item.len() > 78 {
            out.push_str(&line);
            out.push('\n');
            line = "#  ".to_string();
        }
        line.push_str(&item);
    }
    out.push_str(&line);
    out.push('\n');
}

fn slugs(terms: &[Term]) -> Vec<&str> {
    terms.iter().map(|t| t.slug.as_str()).collect()
}

fn render(name: &str, urn: &str, config: &SiteConfig, today: NaiveDate) -> String {
    let first = |terms: &[Term]| terms.first().map(|t| t.slug.clone()).unwrap_or_default();
    let phase = named_in(name, &config.phases).unwrap_or_else(|| first(&config.phases));
    let school_type = named_in(name, &config.school_types)
        .or_else(|| config.school_types.first().map(|t| t.slug.clone()));
    let region = first(&config.regions);
    let focus_slugs: Vec<&str> = config.focus_areas.iter().map(|f| f.slug.as_str()).collect();
    let focus = focus_slugs.first().copied().unwrap_or_default();
    let visit_date = placeholder_visit_date(today);
    let mut o = String::new();
    let w = &mut o;
    let _ = writeln!(w, "+++");
    let _ = writeln!(
        w,
        "# Host entry made by `prospectus new host`. Lines starting with # are notes"
    );
    let _ = writeln!(
        w,
        "# for you and are ignored. Replace every placeholder, then run"
    );
    let _ = writeln!(
        w,
        "# `prospectus check` to see anything that still needs fixing."
    );
    let _ = writeln!(w);
    let _ = writeln!(
        w,
        "# The school's full name, as it should appear on the site."
    );
    let _ = writeln!(w, "name = {}", toml_string(name));
    let _ = writeln!(w);
    let _ = writeln!(
        w,
        "# The school's unique reference number (URN) from Get Information about"
    );
    let _ = writeln!(
        w,
        "# Schools: exactly 6 digits, in quotes. PLACEHOLDER: replace it."
    );
    let _ = writeln!(w, "urn = \"{urn}\"");
    let _ = writeln!(w);
    let _ = writeln!(w, "# The school's phase.");
    slug_list(w, "One of", &slugs(&config.phases));
    let _ = writeln!(w, "phase = \"{phase}\"");
    let _ = writeln!(w);
    let _ = writeln!(
        w,
        "# Optional: the type of school (a special school is a type, not a phase)."
    );
    if config.school_types.is_empty() {
        let _ = writeln!(w, "# site.toml lists no school types yet.");
    } else {
        slug_list(w, "One of", &slugs(&config.school_types));
        let _ = writeln!(w, "# school_type = \"{}\"", school_type.unwrap_or_default());
    }
    let _ = writeln!(w);
    let _ = writeln!(
        w,
        "# The English region the school is in. With the same-region rule on, only"
    );
    let _ = writeln!(w, "# schools from this region can book its visits.");
    slug_list(w, "One of", &slugs(&config.regions));
    let _ = writeln!(w, "region = \"{region}\"");
    let _ = writeln!(w);
    let _ = writeln!(
        w,
        "# The local authority area, e.g. \"Bolton\" or \"Hampshire\"."
    );
    let _ = writeln!(w, "local_authority = \"Local authority (replace)\"");
    let _ = writeln!(w);
    let _ = writeln!(w, "# The town or city, as shown on the school's page.");
    let _ = writeln!(w, "town = \"Town (replace)\"");
    let _ = writeln!(w);
    let _ = writeln!(
        w,
        "# The full postcode in capitals with one space, e.g. \"BL1 4QZ\"."
    );
    let _ = writeln!(w, "# PLACEHOLDER: replace it.");
    let _ = writeln!(w, "postcode = \"AB1 2CD\"");
    let _ = writeln!(w);
    let _ = writeln!(
        w,
        "# Optional: the school's website, starting with https://."
    );
    let _ = writeln!(w, "# website = \"https://www.example.sch.uk\"");
    let _ = writeln!(w);
    let _ = writeln!(w, "# Optional: the number of pupils on roll.");
    let _ = writeln!(w, "# pupils = 420");
    let _ = writeln!(w);
    let _ = writeln!(
        w,
        "# One sentence, at most {} characters, shown on cards and in search",
        super::host::SUMMARY_MAX
    );
    let _ = writeln!(w, "# results: what makes this school worth visiting.");
    let _ = writeln!(
        w,
        "summary = \"One sentence about the practice visitors will see (replace).\""
    );
    let _ = writeln!(w);
    let _ = writeln!(
        w,
        "# The focus areas the school hosts visits on: one or more, in quotes."
    );
    slug_list(w, "Choose from", &focus_slugs);
    let _ = writeln!(w, "focus = [\"{focus}\"]");
    let _ = writeln!(w);
    let _ = writeln!(
        w,
        "# A draft is checked but not published. Delete this line when the entry"
    );
    let _ = writeln!(w, "# is ready to go live.");
    let _ = writeln!(w, "draft = true");
    let _ = writeln!(w);
    let _ = writeln!(
        w,
        "# The date the school joined the prospectus (YYYY-MM-DD, no quotes); it"
    );
    let _ = writeln!(w, "# dates the school's entry in the news feed.");
    let _ = writeln!(w, "added = {today}");
    let _ = writeln!(w);
    let _ = writeln!(
        w,
        "# One [[visits]] block per visit date; copy the whole block for each date."
    );
    let _ = writeln!(w, "[[visits]]");
    let _ = writeln!(
        w,
        "# The day of the visit (YYYY-MM-DD, no quotes). PLACEHOLDER: replace it."
    );
    let _ = writeln!(w, "date = {visit_date}");
    let _ = writeln!(
        w,
        "# Start and end, 24-hour \"HH:MM\" in quotes; the end must be after the start."
    );
    let _ = writeln!(w, "start = \"09:30\"");
    let _ = writeln!(w, "end = \"15:00\"");
    let _ = writeln!(
        w,
        "# How many places visiting schools can book in all: 1 to 100."
    );
    let _ = writeln!(w, "places = 10");
    let _ = writeln!(
        w,
        "# Optional: the focus areas this visit covers, from the school's list"
    );
    let _ = writeln!(w, "# above. Leave it out and the visit covers all of them.");
    let _ = writeln!(w, "# focus = [\"{focus}\"]");
    let _ = writeln!(w, "# Optional: who the visit is for.");
    let _ = writeln!(w, "audience = \"Headteachers and senior leaders\"");
    let _ = writeln!(
        w,
        "# Optional: a fixed id for bookings. Best left out: the default, made from"
    );
    let _ = writeln!(
        w,
        "# the URN, date and start time, stays the same as long as they do."
    );
    let _ = writeln!(w, "# id = \"{urn}-{visit_date}-0930\"");
    let _ = writeln!(w, "+++");
    let _ = writeln!(w);
    let _ = writeln!(
        w,
        "<!-- The school's page, in Markdown: 300 to 800 words. Replace each"
    );
    let _ = writeln!(w, "paragraph below; keep the headings if they fit. -->");
    let _ = writeln!(w);
    let _ = writeln!(
        w,
        "Introduce the school: where it is, who its pupils are, and what was true"
    );
    let _ = writeln!(
        w,
        "before the practice that visitors come to see was in place."
    );
    let _ = writeln!(w);
    let _ = writeln!(w, "## What makes the practice work");
    let _ = writeln!(w);
    let _ = writeln!(
        w,
        "Describe what the school does, why, and how it knows it works."
    );
    let _ = writeln!(w);
    let _ = writeln!(w, "## What visitors will see");
    let _ = writeln!(w);
    let _ = writeln!(
        w,
        "Lessons, meetings or documents visitors will see, and who they will meet."
    );
    let _ = writeln!(w);
    let _ = writeln!(w, "## How the day runs");
    let _ = writeln!(w);
    let _ = writeln!(w, "- 09:30 arrival and welcome");
    let _ = writeln!(w, "- 10:00 lesson visits in small groups");
    let _ = writeln!(
        w,
        "- 13:30 questions for leaders and time to plan next steps"
    );
    let _ = writeln!(w);
    let _ = writeln!(w, "## Practical details");
    let _ = writeln!(w);
    let _ = writeln!(
        w,
        "How to get there, parking, access and anything visitors should bring."
    );
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn visit_date_is_a_wednesday_eight_weeks_on() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 3).unwrap();
        let date = placeholder_visit_date(today);
        assert_eq!(date.weekday(), Weekday::Wed);
        assert!(date >= today + Days::new(56) && date < today + Days::new(63));
    }

    #[test]
    fn the_name_suggests_phase_and_type() {
        let terms = |slugs: &[&str]| -> Vec<Term> {
            slugs
                .iter()
                .map(|s| Term {
                    slug: s.to_string(),
                    name: s.to_string(),
                })
                .collect()
        };
        let phases = terms(&["nursery", "primary", "post-16"]);
        assert_eq!(
            named_in("Oak Primary School", &phases).as_deref(),
            Some("primary")
        );
        assert_eq!(
            named_in("Oak Post-16 Centre", &phases).as_deref(),
            Some("post-16")
        );
        assert_eq!(named_in("Primarylike High", &phases), None);
        let types = terms(&["academy", "free-school"]);
        assert_eq!(
            named_in("Oak Free School", &types).as_deref(),
            Some("free-school")
        );
    }

    #[test]
    fn slug_lists_wrap() {
        let mut out = String::new();
        let many: Vec<String> = (0..12).map(|i| format!("region-number-{i}")).collect();
        let refs: Vec<&str> = many.iter().map(String::as_str).collect();
        slug_list(&mut out, "One of", &refs);
        assert!(out.lines().count() > 1);
        assert!(out.lines().all(|l| l.len() <= 80 && l.starts_with('#')));
        assert!(out.contains("region-number-11\n"));
    }

    #[test]
    fn names_are_escaped_as_toml_strings() {
        for name in ["St \"Quoted\" School", "O'Neill's \\ Academy", "Plain"] {
            let doc: toml::Table =
                toml::from_str(&format!("name = {}", toml_string(name))).unwrap();
            assert_eq!(doc["name"].as_str(), Some(name));
        }
    }
}
