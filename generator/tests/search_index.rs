//! The search index written by `search::write_index` for a small fixture
//! site: the files the search page needs exist, nothing unused is shipped,
//! and hostile content is indexed as plain data.

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

use chrono::NaiveDate;
use prospectus::content::{BookingRules, FocusArea, Host, Site, SiteConfig, Term, Visit};
use prospectus::search::{write_index, SearchError, BUNDLE_DIR};

fn term(slug: &str, name: &str) -> Term {
    Term {
        slug: slug.into(),
        name: name.into(),
    }
}

fn config() -> SiteConfig {
    SiteConfig {
        title: "Inside Knowledge".into(),
        tagline: String::new(),
        base_url: "https://example.org".into(),
        language: "en-GB".into(),
        theme: "default".into(),
        contact_email: "visits@example.org".into(),
        booking: BookingRules {
            closes_days_before: 7,
            max_places_per_school: 3,
            same_region: true,
            retention_days: 365,
            api_base: "/api".into(),
        },
        regions: vec![term("london", "London"), term("north-west", "North West")],
        phases: vec![term("primary", "Primary"), term("secondary", "Secondary")],
        school_types: vec![],
        focus_areas: vec![
            FocusArea {
                slug: "sustainability".into(),
                name: "Sustainability".into(),
                description: String::new(),
            },
            FocusArea {
                slug: "writing-ks2".into(),
                name: "Writing at Key Stage 2".into(),
                description: String::new(),
            },
        ],
    }
}

fn host(slug: &str, name: &str, summary: &str) -> Host {
    Host {
        slug: slug.into(),
        source: Default::default(),
        name: name.into(),
        urn: "100001".into(),
        phase: "primary".into(),
        school_type: None,
        region: "london".into(),
        local_authority: "Camden".into(),
        town: "London".into(),
        postcode: "NW1 1AA".into(),
        website: None,
        pupils: None,
        summary: summary.into(),
        focus: vec!["sustainability".into()],
        draft: false,
        added: None,
        visits: vec![Visit {
            id: format!("{slug}-1"),
            date: NaiveDate::from_ymd_opt(2027, 10, 13).unwrap(),
            start: "09:00".into(),
            end: "12:00".into(),
            places: 10,
            focus: vec![],
            audience: None,
        }],
        body: String::new(),
    }
}

fn site(hosts: Vec<Host>) -> Site {
    Site {
        config: config(),
        hosts,
        pages: vec![],
        feedback: None,
    }
}

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2027, 9, 1).unwrap()
}

fn fixture() -> Site {
    let mut bolton = host(
        "brook-lane",
        "Brook Lane Primary",
        "Half the pupils are disadvantaged.",
    );
    bolton.region = "north-west".into();
    bolton.local_authority = "Bolton".into();
    let mut draft = host("secret-draft", "Secret Draft School", "Not yet published.");
    draft.draft = true;
    site(vec![
        bolton,
        host(
            "acorn",
            "Acorn Primary",
            "Solar panels and a school allotment.",
        ),
        host("no-summary", "Quiet Hill School", ""),
        draft,
    ])
}

/// Every file below `dir`, as `/`-separated paths relative to it.
fn files_below(dir: &Path) -> BTreeSet<String> {
    fn walk(base: &Path, dir: &Path, out: &mut BTreeSet<String>) {
        for entry in fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(base, &path, out);
            } else {
                let rel = path.strip_prefix(base).unwrap();
                out.insert(rel.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    let mut out = BTreeSet::new();
    walk(dir, dir, &mut out);
    out
}

#[test]
fn writes_the_files_the_search_page_loads() {
    let out = tempfile::tempdir().unwrap();
    let report = write_index(&fixture(), out.path(), today()).unwrap();
    assert_eq!(report.records, 3, "drafts are not indexed");

    let files = files_below(&out.path().join(BUNDLE_DIR));
    for needed in [
        "pagefind.js",
        "pagefind-worker.js",
        "pagefind-entry.json",
        "pagefind-component-ui.js",
        "wasm.en.pagefind",
    ] {
        assert!(files.contains(needed), "{needed} missing from {files:?}");
    }
    for (prefix, suffix) in [
        ("pagefind.", ".pf_meta"),
        ("index/", ".pf_index"),
        ("fragment/", ".pf_fragment"),
        ("filter/", ".pf_filter"),
    ] {
        assert!(
            files
                .iter()
                .any(|f| f.starts_with(prefix) && f.ends_with(suffix)),
            "no {prefix}*{suffix} in {files:?}"
        );
    }
    // One fragment per record: the draft did not slip in.
    assert_eq!(
        files.iter().filter(|f| f.starts_with("fragment/")).count(),
        3
    );
    assert_eq!(report.files, files.len());
    let bytes: u64 = files
        .iter()
        .map(|f| {
            fs::metadata(out.path().join(BUNDLE_DIR).join(f))
                .unwrap()
                .len()
        })
        .sum();
    assert_eq!(report.bytes_written, bytes);

    let entry =
        fs::read_to_string(out.path().join(BUNDLE_DIR).join("pagefind-entry.json")).unwrap();
    let entry: serde_json::Value = serde_json::from_str(&entry).unwrap();
    let languages = entry["languages"].as_object().unwrap();
    assert_eq!(languages.keys().collect::<Vec<_>>(), vec!["en"]);
    assert_eq!(languages["en"]["page_count"], 3);
}

#[test]
fn ships_nothing_the_site_does_not_use() {
    let out = tempfile::tempdir().unwrap();
    let report = write_index(&fixture(), out.path(), today()).unwrap();
    assert!(
        report.files_skipped > 0,
        "pagefind offers more than we ship"
    );
    let files = files_below(&out.path().join(BUNDLE_DIR));
    for f in &files {
        assert!(
            !f.starts_with("pagefind-ui.")
                && !f.starts_with("pagefind-modular-ui.")
                && !f.starts_with("pagefind-highlight")
                && f != "pagefind-component-ui.css"
                && !f.starts_with("playground/"),
            "unused UI file {f}"
        );
        if f.starts_with("wasm.") {
            assert_eq!(f, "wasm.en.pagefind", "other-language file {f}");
        }
    }
    // Only the bundle folder is touched.
    let top: Vec<_> = fs::read_dir(out.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(top, vec![BUNDLE_DIR.to_string()]);
}

#[test]
fn a_rebuild_leaves_no_stale_chunks() {
    let out = tempfile::tempdir().unwrap();
    write_index(&fixture(), out.path(), today()).unwrap();
    let stale = out.path().join(BUNDLE_DIR).join("index/en_stale.pf_index");
    fs::write(&stale, b"old").unwrap();
    let mut changed = fixture();
    changed.hosts.truncate(1);
    let report = write_index(&changed, out.path(), today()).unwrap();
    assert_eq!(report.records, 1);
    assert!(!stale.exists());
    let fragments = files_below(&out.path().join(BUNDLE_DIR))
        .into_iter()
        .filter(|f| f.starts_with("fragment/"))
        .count();
    assert_eq!(fragments, 1);
}

#[test]
fn hostile_text_is_just_data() {
    let long = "x".repeat(10_000);
    let long_words = "reading ".repeat(1_250);
    let hosts = vec![
        host("long-name", &long, &long_words),
        host(
            "punctuation",
            "!!! ??? ...",
            "&&& <<< >>> \"'` ;;; --- /// \\\\ {{ }} <script>",
        ),
        host("cjk", "北京市第一中学", "学生写作与可持续发展"),
        host("arabic", "مدرسة النور", "الكتابة والاستدامة"),
        host("cyrillic", "Школа № 1", "Устойчивое развитие"),
        host(
            "emoji",
            "🌱 School",
            "\u{200b}\u{feff}\u{0}zero width and NUL",
        ),
    ];
    let out = tempfile::tempdir().unwrap();
    let report = write_index(&site(hosts), out.path(), today()).unwrap();
    assert_eq!(report.records, 6);
    assert!(out
        .path()
        .join(BUNDLE_DIR)
        .join("pagefind-entry.json")
        .is_file());
}

#[test]
fn a_site_without_published_hosts_still_gets_a_loadable_bundle() {
    let out = tempfile::tempdir().unwrap();
    let report = write_index(&site(vec![]), out.path(), today()).unwrap();
    assert_eq!(report.records, 0);
    let files = files_below(&out.path().join(BUNDLE_DIR));
    assert!(files.contains("pagefind.js") && files.contains("pagefind-entry.json"));
}

#[test]
fn works_when_called_from_inside_a_tokio_runtime() {
    // `prospectus serve` rebuilds from async code; a nested `block_on`
    // would panic there.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let out = tempfile::tempdir().unwrap();
    let report = runtime
        .block_on(async { write_index(&fixture(), out.path(), today()) })
        .unwrap();
    assert_eq!(report.records, 3);
}

#[test]
fn an_unwritable_output_is_a_typed_error() {
    let out = tempfile::tempdir().unwrap();
    // A file where the bundle folder should be created.
    let blocker = out.path().join("blocker");
    fs::write(&blocker, b"").unwrap();
    let err = write_index(&fixture(), &blocker, today()).unwrap_err();
    assert!(matches!(err, SearchError::Write { .. }), "{err:?}");
    assert!(err.to_string().contains("could not write the search index"));
}
