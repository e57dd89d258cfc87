//! Content checks beyond single host and page files: site.toml, the
//! feedback summary, warnings, drafts, several broken files in one run, the
//! `check` command's output and exit codes, and the real example content.

#[path = "fixtures/check-support.rs"]
mod support;

use std::path::Path;

use chrono::NaiveDate;
use prospectus::content::{self, check, LoadError, LoadOptions};
use support::{Fixture, ABOUT, ALPHA, BETA, HOW, SITE};

#[test]
fn site_toml_unknown_key() {
    let f = Fixture::valid();
    f.edit(SITE, "tagline = ", "tag_line = ");
    assert_eq!(
        f.errors(),
        ["content/site.toml:3:1: tag_line: unknown field \"tag_line\" (did you mean \"tagline\"?)"]
    );
}

#[test]
fn site_toml_unknown_key_in_booking() {
    let f = Fixture::valid();
    f.edit(
        SITE,
        "same_region = true",
        "same_region = true\nsame_regoin = false",
    );
    assert_eq!(
        f.errors(),
        ["content/site.toml:13:1: booking.same_regoin: unknown field \"same_regoin\" (did you mean \"same_region\"?)"]
    );
}

#[test]
fn site_toml_duplicate_slug() {
    let f = Fixture::valid();
    f.edit(SITE, "slug = \"london\"", "slug = \"north-east\"");
    f.edit(BETA, "region = \"london\"", "region = \"north-east\"");
    assert_eq!(
        f.errors(),
        ["content/site.toml:25:8: regions[3].slug: duplicate slug \"north-east\" in regions"]
    );
}

#[test]
fn site_toml_empty_regions() {
    let f = Fixture::valid();
    let text = f.read(SITE);
    let start = text.find("[[regions]]").unwrap();
    let end = text.find("[[phases]]").unwrap();
    f.write(
        SITE,
        format!("regions = []\n{}{}", &text[..start], &text[end..]),
    );
    // Hosts are not checked against an empty list: one error, not one per host.
    assert_eq!(
        f.errors(),
        ["content/site.toml:1:11: regions: the regions list is empty; add at least one [[regions]]"]
    );
}

#[test]
fn site_toml_bad_base_url() {
    let f = Fixture::valid();
    f.edit(SITE, "\"https://example.org\"", "\"example.org\"");
    assert_eq!(
        f.errors(),
        ["content/site.toml:4:12: base_url: \"example.org\" must start with https:// (or http://)"]
    );
    let f = Fixture::valid();
    f.edit(
        SITE,
        "\"https://example.org\"",
        "\"https://example.org/prospectus\"",
    );
    assert_eq!(
        f.errors(),
        ["content/site.toml:4:12: base_url: \"https://example.org/prospectus\" must be just the site's address, e.g. \"https://insideknowledge.example.org\" (no path, spaces, query or #fragment)"]
    );
}

#[test]
fn site_toml_trailing_slash_is_dropped() {
    let f = Fixture::valid();
    f.edit(SITE, "\"https://example.org\"", "\"https://example.org/\"");
    assert_eq!(
        f.load().unwrap().site.config.base_url,
        "https://example.org"
    );
}

#[test]
fn site_toml_missing_fields_and_syntax_errors_are_both_reported() {
    let f = Fixture::valid();
    f.edit(SITE, "retention_days = 365\n", "");
    f.edit(SITE, "name = \"Sustainability\"", "name = \"Sustainability");
    assert_eq!(
        f.errors(),
        [
            "content/site.toml:9:1: booking.retention_days: missing required field \"retention_days\"",
            "content/site.toml:50:23: name: invalid TOML: invalid basic string, expected `\"`",
        ]
    );
}

#[test]
fn missing_site_toml() {
    let f = Fixture::valid();
    std::fs::remove_file(f.path(SITE)).unwrap();
    // Hosts are still checked, but not against vocabulary nobody could read.
    assert_eq!(
        f.errors(),
        ["content/site.toml:1:1: file: the file is missing"]
    );
}

#[test]
fn malformed_feedback_json_is_located() {
    let f = Fixture::valid();
    f.write(
        "content/data/feedback.json",
        "{\n  \"min_responses\": 5,\n  \"hosts\": [,]\n}\n",
    );
    assert_eq!(
        f.errors(),
        ["content/data/feedback.json:3:13: feedback: invalid feedback summary: expected value"]
    );
}

#[test]
fn feedback_json_with_a_wrong_field() {
    let f = Fixture::valid();
    f.write(
        "content/data/feedback.json",
        "{\"min_responses\": 5, \"hosts\": [], \"extra\": 1}",
    );
    assert_eq!(
        f.errors(),
        ["content/data/feedback.json:1:41: feedback: invalid feedback summary: unknown field `extra`, expected `min_responses` or `hosts`"]
    );
}

#[test]
fn valid_feedback_json_is_loaded() {
    let f = Fixture::valid();
    f.write(
        "content/data/feedback.json",
        r#"{"min_responses": 5, "hosts": [{"host_urn": "100001", "responses": 7, "satisfied_pct": 86, "recommend_pct": 100, "by_focus": []}]}"#,
    );
    let site = f.load().unwrap().site;
    assert_eq!(site.feedback.unwrap().hosts[0].responses, 7);
}

#[test]
fn warnings_do_not_fail_the_load() {
    let mut f = Fixture::valid();
    f.today = NaiveDate::from_ymd_opt(2027, 4, 20).unwrap();
    f.edit(ALPHA, "added = 2026-09-14", "added = 2027-09-14");
    f.edit(
        BETA,
        "\"A secondary academy that halved its energy bills with its pupils' help.\"",
        "\"\"",
    );
    assert_eq!(
        f.warnings(),
        [
            "content/hosts/alpha-primary.md:14:9: warning: added: added 2027-09-14 is in the future (today is 2027-04-20)",
            "content/hosts/beta-academy.md:1:1: warning: visits: no upcoming visits: every visit date is before 2027-04-20",
            "content/hosts/beta-academy.md:10:11: warning: summary: summary is empty: cards and search results will show nothing",
        ]
    );
}

#[test]
fn a_host_without_visits_is_warned_about() {
    let f = Fixture::valid();
    let text = f.read(BETA);
    let start = text.find("[[visits]]").unwrap();
    let end = text.rfind("+++").unwrap();
    f.write(BETA, format!("{}{}", &text[..start], &text[end..]));
    assert_eq!(
        f.warnings(),
        ["content/hosts/beta-academy.md:1:1: warning: visits: no visit dates: add a [[visits]] table so schools can book"]
    );
}

#[test]
fn drafts_are_checked_but_left_out_unless_asked_for() {
    let mut f = Fixture::valid();
    f.edit(
        BETA,
        "focus = [\"sustainability\"]",
        "focus = [\"sustainability\"]\ndraft = true",
    );
    // The about page links to Beta: a link to a page that will not be built.
    assert_eq!(
        f.errors(),
        ["content/pages/about.md:6:55: link: broken link \"/hosts/beta-academy/#visits\": the site has no page /hosts/beta-academy/"]
    );
    f.edit(
        ABOUT,
        "[Beta Academy](/hosts/beta-academy/#visits)",
        "Beta Academy",
    );
    let site = f.load().unwrap().site;
    assert_eq!(
        site.hosts
            .iter()
            .map(|h| h.slug.as_str())
            .collect::<Vec<_>>(),
        ["alpha-primary"]
    );

    f.drafts = true;
    let site = f.load().unwrap().site;
    assert_eq!(site.hosts.len(), 2);
    assert!(site.hosts[1].draft);

    // A draft's errors count even when drafts are left out.
    f.drafts = false;
    f.edit(BETA, "places = 8", "places = 0");
    assert_eq!(
        f.errors(),
        ["content/hosts/beta-academy.md:18:10: visits[1].places: must be between 1 and 100, found 0"]
    );
}

#[test]
fn one_run_reports_errors_from_every_file() {
    let f = Fixture::valid();
    f.edit(
        SITE,
        "theme = \"default\"",
        "theme = \"default\"\ncolor = \"blue\"",
    );
    f.edit(ALPHA, "region = \"north-west\"", "region = \"north-wst\"");
    f.edit(ALPHA, "end = \"15:00\"", "end = \"09:00\"");
    f.edit(BETA, "postcode = \"NW1 2DB\"", "postcode = \"NW1\"");
    f.edit(HOW, "(/visits/)", "(/visit-dates/)");
    f.write("content/pages/privacy.md", "no front matter\n");
    assert_eq!(
        f.errors(),
        [
            "content/hosts/alpha-primary.md:6:10: region: unknown region \"north-wst\" (did you mean \"north-west\"?)",
            "content/hosts/alpha-primary.md:19:7: visits[1].end: end \"09:00\" must be after start \"09:15\"",
            "content/hosts/beta-academy.md:9:12: postcode: \"NW1\" is not a UK postcode",
            "content/pages/how-visits-work.md:7:26: link: broken link \"/visit-dates/\": the site has no page /visit-dates/",
            "content/pages/privacy.md:1:1: file: the file must start with a line of +++, then the TOML fields, then another +++ line",
            "content/site.toml:7:1: color: unknown field \"color\"; expected one of: title, tagline, base_url, language, theme, contact_email, booking, regions, phases, school_types, focus_areas",
        ]
    );
    match f.load() {
        Err(e @ LoadError::Invalid(_)) => assert_eq!(e.to_string(), "6 errors in 5 files"),
        _ => panic!("expected errors"),
    }
}

fn run_check(f: &Fixture) -> check::CheckOutcome {
    check::run(
        f.root(),
        &LoadOptions {
            drafts: f.drafts,
            today: f.today,
        },
        false,
    )
}

#[test]
fn check_prints_diagnostics_and_a_summary_line() {
    let f = Fixture::valid();
    f.edit(ALPHA, "urn = \"100001\"", "urn = \"1000011\"");
    f.edit(BETA, "places = 8", "places = 800");
    f.edit(BETA, "start = \"10:00\"", "start = \"10.00\"");
    let outcome = run_check(&f);
    assert_eq!(outcome.exit_code, 1);
    assert_eq!(
        outcome.output,
        "content/hosts/alpha-primary.md:3:7: urn: URN \"1000011\" must be exactly 6 digits
  |
3 | urn = \"1000011\"
  |       ^^^^^^^^^

content/hosts/beta-academy.md:15:9: visits[1].start: \"10.00\" is not a time; write it as 24-hour HH:MM, e.g. \"09:15\"
   |
15 | start = \"10.00\"
   |         ^^^^^^^

content/hosts/beta-academy.md:17:10: visits[1].places: must be between 1 and 100, found 800
   |
17 | places = 800
   |          ^^^

error: 3 errors in 2 files
"
    );
}

#[test]
fn check_ok_line_counts_hosts_pages_visits_and_warnings() {
    let mut f = Fixture::valid();
    let outcome = run_check(&f);
    assert_eq!(outcome.exit_code, 0);
    assert_eq!(
        outcome.output,
        "ok: 2 hosts, 2 pages, 3 visit dates checked\n"
    );

    f.today = NaiveDate::from_ymd_opt(2027, 4, 20).unwrap();
    let outcome = run_check(&f);
    assert_eq!(outcome.exit_code, 0);
    assert!(
        outcome
            .output
            .ends_with("\nok: 2 hosts, 2 pages, 3 visit dates checked (1 warning)\n"),
        "{}",
        outcome.output
    );
}

#[test]
fn check_without_a_content_folder_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let outcome = check::run(
        dir.path(),
        &LoadOptions {
            drafts: false,
            today: support::today(),
        },
        false,
    );
    assert_eq!(outcome.exit_code, 2);
    assert_eq!(
        outcome.output,
        format!(
            "error: no content folder at {}: run prospectus from the site root or pass --root DIR\n",
            dir.path().join("content").display()
        )
    );
}

#[test]
fn the_binary_reports_and_exits_with_the_right_code() {
    let bin = env!("CARGO_BIN_EXE_prospectus");
    let f = Fixture::valid();
    let run = |root: &Path| {
        std::process::Command::new(bin)
            .args(["check", "--today", "2027-01-04", "--root"])
            .arg(root)
            .env("NO_COLOR", "1")
            .output()
            .unwrap()
    };
    let ok = run(f.root());
    assert_eq!(
        ok.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&ok.stderr),
        "ok: 2 hosts, 2 pages, 3 visit dates checked\n"
    );

    f.edit(ALPHA, "phase = \"primary\"", "phase = \"primray\"");
    let bad = run(f.root());
    assert_eq!(bad.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&bad.stderr);
    assert!(stderr.starts_with("content/hosts/alpha-primary.md:4:9: phase: unknown phase \"primray\" (did you mean \"primary\"?)\n"), "{stderr}");
    assert!(stderr.ends_with("error: 1 error in 1 file\n"), "{stderr}");

    let empty = tempfile::tempdir().unwrap();
    let missing = run(empty.path());
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("no content folder at"));
}

/// The example prospectus in the repository must always pass the check: it
/// is what a newcomer builds first.
#[test]
fn the_real_example_content_loads_with_zero_errors() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    // The start of the 2027/28 school year the examples are written for.
    let today = NaiveDate::from_ymd_opt(2027, 9, 1).unwrap();
    let started = std::time::Instant::now();
    let loaded = match content::load(
        &root,
        &LoadOptions {
            drafts: true,
            today,
        },
    ) {
        Ok(loaded) => loaded,
        Err(LoadError::Invalid(d)) => panic!("example content has errors:\n{}", d.render(false)),
        Err(e) => panic!("{e}"),
    };
    eprintln!(
        "example content: {} hosts, {} pages loaded in {:?}",
        loaded.site.hosts.len(),
        loaded.site.pages.len(),
        started.elapsed()
    );
    eprint!("{}", loaded.warnings.render(false));
    assert!(
        loaded.site.hosts.len() >= 60,
        "{} hosts",
        loaded.site.hosts.len()
    );
    assert!(loaded.site.pages.len() >= 4);
    let regions: std::collections::BTreeSet<&str> = loaded
        .site
        .hosts
        .iter()
        .map(|h| h.region.as_str())
        .collect();
    assert_eq!(regions.len(), loaded.site.config.regions.len());
}

/// `prospectus serve` keeps parsed hosts between saves; what it loads must
/// always be what a fresh load would say.
#[test]
fn a_parse_cache_never_answers_for_changed_inputs() {
    let f = Fixture::valid();
    let cache = content::ParseCache::default();
    let opts = LoadOptions {
        drafts: false,
        today: support::today(),
    };
    let cached = |f: &Fixture| match content::load_cached(f.root(), &opts, &cache) {
        Ok(_) => Vec::new(),
        Err(LoadError::Invalid(d)) => d.iter().map(|d| d.headline()).collect::<Vec<_>>(),
        Err(e) => panic!("{e}"),
    };
    assert_eq!(cached(&f), Vec::<String>::new());
    // A host file edited: parsed again.
    f.edit(ALPHA, "region = \"north-west\"", "region = \"north-wets\"");
    let errors = cached(&f);
    assert_eq!(errors, f.errors());
    assert_eq!(errors.len(), 1, "{errors:?}");
    f.edit(ALPHA, "region = \"north-wets\"", "region = \"north-west\"");
    assert_eq!(cached(&f), Vec::<String>::new());
    // The host file unchanged, but the region it names gone from site.toml.
    f.edit(
        SITE,
        "slug = \"north-west\"",
        "slug = \"north-west-england\"",
    );
    let errors = cached(&f);
    assert!(!errors.is_empty());
    assert_eq!(errors, f.errors());
}
