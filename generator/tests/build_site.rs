//! `build_site` on a small fixed fixture (see `build_common`): which files
//! exist and what they say, what drafts and past visits become, and that a
//! build is deterministic and atomic.

mod build_common;

use std::fs;
use std::path::Path;

use booking_fn::slots::SlotManifest;
use build_common::*;
use prospectus::build::{build_site, BuildError};

/// Every page type the site must have, for the fixture's terms.
const EXPECTED: &[&str] = &[
    "index.html",
    "404.html",
    "search/index.html",
    "visits/index.html",
    "regions/index.html",
    "regions/north-west/index.html",
    "regions/london/index.html",
    "regions/south-west/index.html",
    "focus/index.html",
    "focus/narrowing-the-gap/index.html",
    "focus/sustainability/index.html",
    "focus/writing-ks2/index.html",
    "phases/index.html",
    "phases/primary/index.html",
    "phases/secondary/index.html",
    "hosts/alpha-primary/index.html",
    "hosts/beta-academy/index.html",
    "about/index.html",
    "privacy/index.html",
    "feedback/thanks/index.html",
    "sitemap.xml",
    "robots.txt",
    "feed.xml",
    "visits.ics",
    "slots.json",
    "assets/site.css",
];

fn built(drafts: bool) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("public");
    build(&site(drafts), &out);
    (dir, out)
}

fn manifest(out: &Path) -> SlotManifest {
    serde_json::from_str(&read(out, "slots.json")).expect("slots.json parses")
}

/// Fingerprints change whenever the CSS or JS does; snapshots are about
/// the markup, so `site.1a2b3c4d.css` becomes `site.HASH.css`.
fn redact_fingerprints(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(i) = rest.find("/assets/") {
        let (head, tail) = rest.split_at(i + "/assets/".len());
        out.push_str(head);
        let name_end = tail
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '.' || c == '-'))
            .unwrap_or(tail.len());
        let name = &tail[..name_end];
        let parts: Vec<&str> = name.split('.').collect();
        if parts.len() == 3
            && parts[1].len() == 8
            && parts[1].chars().all(|c| c.is_ascii_hexdigit())
        {
            out.push_str(&format!("{}.HASH.{}", parts[0], parts[2]));
        } else {
            out.push_str(name);
        }
        rest = &tail[name_end..];
    }
    out.push_str(rest);
    out
}

/// The `<main>` element: the page's own content, without the shared chrome.
fn main_of(html: &str) -> &str {
    let start = html.find("<main").expect("page has <main>");
    let end = html.find("</main>").expect("page closes </main>") + "</main>".len();
    &html[start..end]
}

#[test]
fn every_page_type_is_written() {
    let (_dir, out) = built(false);
    let files = tree(&out);
    let missing: Vec<&&str> = EXPECTED
        .iter()
        .filter(|p| !files.contains_key(**p))
        .collect();
    assert!(
        missing.is_empty(),
        "missing {missing:?}; have {:?}",
        files.keys()
    );
    // A fingerprinted copy of each stylesheet and script, which pages link.
    let home = read(&out, "index.html");
    let css = files
        .keys()
        .find(|k| {
            k.starts_with("assets/site.")
                && k.ends_with(".css")
                && k.len() > "assets/site.css".len()
        })
        .expect("fingerprinted site.css");
    assert!(home.contains(&format!("/{css}")), "home links {css}");
}

#[test]
fn drafts_are_left_out_unless_asked_for() {
    let (_dir, out) = built(false);
    assert!(!out.join("hosts/gamma-draft").exists());
    for file in [
        "sitemap.xml",
        "slots.json",
        "feed.xml",
        "regions/london/index.html",
    ] {
        assert!(
            !read(&out, file).contains("gamma-draft"),
            "{file} mentions the draft"
        );
    }

    let (_dir, out) = built(true);
    let page = read(&out, "hosts/gamma-draft/index.html");
    assert!(page.contains("Gamma Draft School"));
    assert!(page.contains(">Draft</strong>"), "a draft is marked as one");
    // Even with --drafts a draft is never published or bookable.
    assert!(!read(&out, "sitemap.xml").contains("gamma-draft"));
    assert!(!read(&out, "slots.json").contains("100003"));
}

#[test]
fn past_visits_are_shown_as_past_and_are_not_bookable() {
    let (_dir, out) = built(false);
    let slots = manifest(&out);
    let bookable = |id: &str| {
        slots
            .visits
            .iter()
            .find(|s| s.id == id)
            .unwrap_or_else(|| panic!("{id} in slots.json"))
            .bookable
    };
    assert!(!bookable("100001-2027-09-15-0915"), "before today");
    assert!(bookable("100001-2027-11-10-0915"));
    assert!(bookable("100002-2028-02-02-0915"));
    let ids: Vec<&str> = slots.visits.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "100001-2027-09-15-0915",
            "100001-2027-10-05-0915",
            "100001-2027-11-10-0915",
            "100002-2028-02-02-0915"
        ],
        "every published visit, by date"
    );

    let page = read(&out, "hosts/alpha-primary/index.html");
    let radio = |id: &str| {
        let at = page
            .find(&format!("value=\"{id}\""))
            .unwrap_or_else(|| panic!("a radio for {id}"));
        let end = at + page[at..].find('>').expect("tag ends");
        page[at..end].to_string()
    };
    assert!(radio("100001-2027-09-15-0915").contains("disabled"), "past");
    assert!(
        radio("100001-2027-10-05-0915").contains("disabled"),
        "booking closed"
    );
    assert!(
        !radio("100001-2027-11-10-0915").contains("disabled"),
        "open"
    );
    assert!(page.contains("data-status=\"past\">Past</strong>"));
    assert!(page.contains("data-status=\"closed\">Booking closed</strong>"));
    // The upcoming-visits page and the feed of dates leave past ones out.
    for file in ["visits/index.html", "visits.ics"] {
        let text = read(&out, file);
        assert!(
            !text.contains("2027-09-15") && !text.contains("20270915"),
            "{file} shows a past date"
        );
        assert!(
            text.contains("2027-11-10") || text.contains("20271110"),
            "{file} lacks an upcoming date"
        );
    }
}

#[test]
fn two_builds_of_the_same_input_are_byte_identical() {
    let (_a, first) = built(false);
    let (_b, second) = built(false);
    let (a, b) = (tree(&first), tree(&second));
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    for (path, bytes) in &a {
        assert!(bytes == &b[path], "{path} differs between builds");
    }
}

#[test]
fn rebuilding_replaces_the_site_as_a_whole() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    build(&site(true), &out);
    assert!(out.join("hosts/gamma-draft/index.html").exists());
    build(&site(false), &out);
    assert!(
        !out.join("hosts/gamma-draft").exists(),
        "a stale page survived"
    );
    let leftovers: Vec<_> = fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n != "public")
        .collect();
    assert!(
        leftovers.is_empty(),
        "left beside the output: {leftovers:?}"
    );
}

/// A site root whose theme is the real one with `template` replaced.
fn root_with_template(template: &str, source: &str) -> tempfile::TempDir {
    let root = tempfile::tempdir().unwrap();
    copy_dir(&repo_root().join("themes"), &root.path().join("themes"));
    fs::write(
        root.path().join("themes/default/templates").join(template),
        source,
    )
    .unwrap();
    root
}

#[test]
fn a_template_syntax_error_names_the_template_and_leaves_the_old_site() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    build(&site(false), &out);
    let before = tree(&out);

    let root = root_with_template(
        "region.html",
        "{% extends \"base.html\" %}{% block content %}{{ oops(}}{% endblock %}",
    );
    let err = build_site(&site(false), root.path(), &out, &opts()).unwrap_err();
    let text = err.to_string();
    assert!(matches!(err, BuildError::Template { .. }), "{err:?}");
    assert!(text.starts_with("template region.html:"), "{text}");
    assert!(text.contains("1:"), "names the line: {text}");
    assert_eq!(tree(&out), before, "the previous site changed");
    assert_eq!(
        fs::read_dir(dir.path()).unwrap().count(),
        1,
        "a staging folder was left"
    );
}

#[test]
fn a_render_error_names_the_page_and_template_and_leaves_the_old_site() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    build(&site(false), &out);
    let before = tree(&out);

    let root = root_with_template(
        "host.html",
        "{% extends \"base.html\" %}\n{% block content %}\n<p>{{ host.no_such_field }}</p>{% endblock %}",
    );
    let err = build_site(&site(false), root.path(), &out, &opts()).unwrap_err();
    let text = err.to_string();
    assert!(matches!(err, BuildError::Render { .. }), "{err:?}");
    assert!(
        text.starts_with("rendering /hosts/alpha-primary/ with template host.html line 3:")
            || text.starts_with("rendering /hosts/beta-academy/ with template host.html line 3:"),
        "{text}"
    );
    assert!(text.contains("no_such_field"), "{text}");
    assert_eq!(tree(&out), before, "the previous site changed");
    assert_eq!(
        fs::read_dir(dir.path()).unwrap().count(),
        1,
        "a staging folder was left"
    );
}

#[test]
fn an_output_path_that_is_a_file_is_refused_and_kept() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    fs::write(&out, "not a folder").unwrap();
    let err = build_site(&site(false), &repo_root(), &out, &opts()).unwrap_err();
    assert!(matches!(err, BuildError::OutIsFile(_)), "{err:?}");
    assert!(err.to_string().contains("is a file, not a folder"), "{err}");
    assert_eq!(fs::read_to_string(&out).unwrap(), "not a folder");
    assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[test]
fn a_missing_theme_is_a_clear_error() {
    let root = tempfile::tempdir().unwrap();
    let out = root.path().join("public");
    let err = build_site(&site(false), root.path(), &out, &opts()).unwrap_err();
    assert!(matches!(err, BuildError::ThemeMissing { .. }), "{err:?}");
    assert!(
        err.to_string()
            .contains("theme `default` has no templates folder"),
        "{err}"
    );
    assert!(!out.exists());
}

#[test]
fn feedback_is_published_only_from_the_minimum_number_of_responses() {
    let (_dir, out) = built(false);
    let alpha = read(&out, "hosts/alpha-primary/index.html");
    assert!(
        alpha.contains("6 responses, 83% satisfied."),
        "alpha has 6 responses"
    );
    let beta = read(&out, "hosts/beta-academy/index.html");
    assert!(
        !beta.contains("What visitors said"),
        "beta has only 4 responses"
    );
    assert!(!beta.contains("% satisfied"));
}

#[test]
fn text_from_content_is_escaped_and_markdown_is_rendered() {
    let mut site = site(false);
    site.hosts[1].name = "Beta <script>alert(1)</script> & Co".into();
    site.hosts[1].summary = "Quotes \" and ' stay text.".into();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    build(&site, &out);
    for file in [
        "hosts/beta-academy/index.html",
        "regions/london/index.html",
        "index.html",
    ] {
        let html = read(&out, file);
        assert!(
            !html.contains("<script>alert(1)"),
            "{file} runs content as script"
        );
    }
    let beta = read(&out, "hosts/beta-academy/index.html");
    assert!(beta.contains("Beta &lt;script&gt;alert(1)&lt;/script&gt; &amp; Co"));
    assert!(beta.contains("Quotes &quot; and &#39; stay text."));
    assert!(read(&out, "feed.xml").contains("Beta &lt;script&gt;"));

    let alpha = read(&out, "hosts/alpha-primary/index.html");
    assert!(alpha.contains("<em>writing</em>"), "Markdown emphasis");
    assert!(
        alpha.contains("<a href=\"/regions/north-west/\">other hosts</a>"),
        "Markdown link"
    );
    assert!(alpha.contains("<li>One</li>"), "Markdown list");
}

#[test]
fn machine_readable_files_describe_the_published_site() {
    let (_dir, out) = built(false);
    let sitemap = read(&out, "sitemap.xml");
    for url in [
        "https://ik.example.org/",
        "https://ik.example.org/hosts/alpha-primary/",
        "https://ik.example.org/regions/london/",
        "https://ik.example.org/about/",
    ] {
        assert!(
            sitemap.contains(&format!("<loc>{url}</loc>")),
            "sitemap lacks {url}"
        );
    }
    assert!(
        !sitemap.contains("404"),
        "the 404 page is not for search engines"
    );
    let robots = read(&out, "robots.txt");
    assert!(
        robots.contains("Sitemap: https://ik.example.org/sitemap.xml"),
        "{robots}"
    );

    let feed = read(&out, "feed.xml");
    assert!(feed.starts_with("<?xml"), "an XML document");
    assert!(
        feed.contains("<feed xmlns=\"http://www.w3.org/2005/Atom\""),
        "an Atom feed"
    );
    assert!(feed.contains("Alpha Primary School") && feed.contains("Beta Academy"));

    let ics = read(&out, "visits.ics");
    assert!(
        ics.starts_with("BEGIN:VCALENDAR\r\n"),
        "CRLF line ends, as RFC 5545 asks"
    );
    assert!(ics.trim_end().ends_with("END:VCALENDAR"));
    // Upcoming dates only: alpha's closed and open ones, beta's one.
    assert_eq!(ics.matches("BEGIN:VEVENT").count(), 3, "{ics}");
    assert!(
        ics.contains("DTSTART;TZID=Europe/London:20271110T091500\r\n"),
        "{ics}"
    );
    // The calendar of one visit comes with its booking, from the booking API.
    assert!(!out
        .join("hosts/alpha-primary/100001-2027-11-10-0915.ics")
        .exists());
}

#[test]
fn snapshot_of_a_host_page() {
    let (_dir, out) = built(false);
    let html = read(&out, "hosts/alpha-primary/index.html");
    insta::assert_snapshot!("host_alpha_primary", redact_fingerprints(main_of(&html)));
}

#[test]
fn snapshot_of_a_region_listing() {
    let (_dir, out) = built(false);
    let html = read(&out, "regions/north-west/index.html");
    insta::assert_snapshot!("region_north_west", redact_fingerprints(main_of(&html)));
}

#[test]
fn snapshot_of_the_home_page() {
    let (_dir, out) = built(false);
    let html = read(&out, "index.html");
    insta::assert_snapshot!("home", redact_fingerprints(&html));
}

#[test]
fn snapshot_of_the_booking_manifest() {
    let (_dir, out) = built(false);
    insta::assert_snapshot!("slots_json", read(&out, "slots.json"));
}

#[test]
fn an_output_path_that_would_replace_the_sources_is_refused() {
    let root = tempfile::tempdir().unwrap();
    copy_dir(&repo_root().join("themes"), &root.path().join("themes"));
    fs::create_dir_all(root.path().join("content/hosts")).unwrap();
    fs::write(root.path().join("content/site.toml"), "title = \"x\"\n").unwrap();
    fs::create_dir_all(root.path().join("docs")).unwrap();
    fs::write(root.path().join("docs/notes.txt"), "keep me").unwrap();
    let site = site(false);
    for (out, why) in [
        (root.path().to_path_buf(), "holds the site's own sources"),
        (
            root.path().join("content"),
            "is content/ or themes/ or inside them",
        ),
        (
            root.path().join("content/hosts/public"),
            "is content/ or themes/ or inside them",
        ),
        (
            root.path().join("themes/default"),
            "is content/ or themes/ or inside them",
        ),
        (
            root.path().join("public/../content"),
            "is content/ or themes/ or inside them",
        ),
        (root.path().join("docs"), "not a site built by prospectus"),
    ] {
        let err = build_site(&site, root.path(), &out, &opts()).unwrap_err();
        assert!(
            matches!(err, BuildError::OutUnsafe { .. }),
            "{}: {err:?}",
            out.display()
        );
        assert!(err.to_string().contains(why), "{}: {err}", out.display());
    }
    assert_eq!(
        fs::read_to_string(root.path().join("docs/notes.txt")).unwrap(),
        "keep me"
    );
    assert!(root.path().join("content/site.toml").exists());
    assert!(root
        .path()
        .join("themes/default/templates/host.html")
        .exists());
    // A folder inside the root that is a previous build, or new, is fine.
    let out = root.path().join("public");
    build_site(&site, root.path(), &out, &opts()).unwrap();
    build_site(&site, root.path(), &out, &opts()).unwrap();
    // A symbolic link is refused rather than replaced by a folder.
    #[cfg(unix)]
    {
        let link = root.path().join("link");
        std::os::unix::fs::symlink(&out, &link).unwrap();
        let err = build_site(&site, root.path(), &link, &opts()).unwrap_err();
        assert!(err.to_string().contains("symbolic link"), "{err}");
    }
}
