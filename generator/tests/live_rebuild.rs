//! The preview's in-place rebuild (`serve::live::LiveSite`): after any
//! sequence of edits its folder holds exactly what a fresh `prospectus build`
//! of the same content writes, and an edit rewrites only what it changed.

mod build_common;

use build_common::*;
use prospectus::build::{write_site, BuildOptions, Renderer};
use prospectus::content::Site;
use prospectus::serve::live::LiveSite;

fn with_search() -> BuildOptions {
    BuildOptions {
        search: true,
        ..opts()
    }
}

/// One rebuild into `live`, as `prospectus serve` does it; the files written.
fn rebuild(live: &LiveSite, site: &Site) -> Vec<String> {
    let renderer = Renderer::load(&repo_root(), &site.config.theme).expect("theme");
    live.begin();
    write_site(site, &renderer, &repo_root(), live, &with_search()).expect("builds");
    let mut written = live.commit().expect("commits").written;
    written.sort();
    written
}

/// What a fresh full build of `site` writes.
fn fresh(site: &Site) -> std::collections::BTreeMap<String, Vec<u8>> {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("public");
    prospectus::build::build_site(site, &repo_root(), &out, &with_search()).expect("builds");
    tree(&out)
}

#[test]
fn an_unchanged_rebuild_writes_nothing_and_matches_a_full_build() {
    let dir = tempfile::tempdir().expect("tempdir");
    let live = LiveSite::new(dir.path().join("public"));
    let site = site(false);
    assert!(!rebuild(&live, &site).is_empty());
    assert_eq!(rebuild(&live, &site), Vec::<String>::new());
    assert!(
        tree(live.dir()) == fresh(&site),
        "the live folder is a full build"
    );
}

#[test]
fn an_edit_rewrites_only_what_it_changed_and_a_removal_removes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let live = LiveSite::new(dir.path().join("public"));
    let mut site = site(false);
    rebuild(&live, &site);

    // A body edit shows on the host's own page only: no listing, feed or
    // search record holds the body.
    site.hosts[0].body.push_str("\n\nA new paragraph.\n");
    let written = rebuild(&live, &site);
    assert_eq!(written, ["hosts/alpha-primary/index.html"]);
    assert!(read(live.dir(), "hosts/alpha-primary/index.html").contains("A new paragraph."));
    assert!(tree(live.dir()) == fresh(&site));

    // A new name is on every page that lists the host and in the index.
    site.hosts[0].name = "Alpha Primary Academy".to_string();
    let written = rebuild(&live, &site);
    assert!(
        written.contains(&"regions/north-west/index.html".to_string()),
        "{written:?}"
    );
    assert!(
        written.iter().any(|f| f.starts_with("pagefind/")),
        "{written:?}"
    );
    assert!(
        !written.contains(&"hosts/beta-academy/index.html".to_string()),
        "{written:?}"
    );
    assert!(tree(live.dir()) == fresh(&site));

    // A host taken out takes its page with it.
    site.hosts.remove(0);
    rebuild(&live, &site);
    assert!(!live.dir().join("hosts/alpha-primary/index.html").exists());
    assert!(tree(live.dir()) == fresh(&site));
}
