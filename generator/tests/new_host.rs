//! `prospectus new host "Name"`: the scaffolded entry passes the check as
//! written, explains every field, and never overwrites anything.

#[path = "fixtures/check-support.rs"]
mod support;

use std::path::Path;

use prospectus::content::scaffold::{self, ScaffoldError};
use support::{today, Fixture, ALPHA};

const FIELDS: &[&str] = &[
    "name",
    "urn",
    "phase",
    "school_type",
    "region",
    "local_authority",
    "town",
    "postcode",
    "website",
    "pupils",
    "summary",
    "focus",
    "draft",
    "added",
    "date",
    "start",
    "end",
    "places",
    "audience",
    "id",
];

#[test]
fn the_new_entry_passes_the_check_as_written() {
    let mut f = Fixture::valid();
    let rel =
        scaffold::new_host(f.root(), "Gamma Church of England Primary School", today()).unwrap();
    assert_eq!(
        rel,
        "content/hosts/gamma-church-of-england-primary-school.md"
    );

    // Left out of the site (it is a draft) but checked: no errors.
    assert_eq!(f.warnings(), Vec::<String>::new());
    assert_eq!(f.load().unwrap().site.hosts.len(), 2);

    // Included, it has no errors and no warnings either.
    f.drafts = true;
    assert_eq!(f.warnings(), Vec::<String>::new());
    let site = f.load().unwrap().site;
    let host = site
        .hosts
        .iter()
        .find(|h| h.slug == "gamma-church-of-england-primary-school")
        .unwrap();
    assert_eq!(host.name, "Gamma Church of England Primary School");
    assert!(host.draft);
    assert_eq!(host.visits.len(), 1);
    assert!(host.visits[0].date > today());
    assert!(!host.body.trim().is_empty());
}

#[test]
fn every_field_is_present_or_commented_and_explained() {
    let f = Fixture::valid();
    let rel = scaffold::new_host(f.root(), "Delta School", today()).unwrap();
    let text = f.read(&rel);
    for field in FIELDS {
        let present = text.lines().any(|l| {
            let l = l.trim_start_matches("# ");
            l.starts_with(&format!("{field} = "))
        });
        assert!(present, "{field} missing from:\n{text}");
    }
    // Each field line has a comment line above it (or above its group).
    let front: Vec<&str> = text.split("+++").nth(1).unwrap().lines().collect();
    for (i, line) in front.iter().enumerate() {
        if line.contains(" = ") && !line.starts_with('#') {
            let above = &front[..i];
            let last_blank = above.iter().rposition(|l| l.trim().is_empty()).unwrap_or(0);
            assert!(
                above[last_blank..].iter().any(|l| l.starts_with('#')) || line.starts_with("end"),
                "no explanation above {line:?}"
            );
        }
    }
}

#[test]
fn the_valid_slugs_come_from_site_toml() {
    let f = Fixture::valid();
    let rel = scaffold::new_host(f.root(), "Epsilon School", today()).unwrap();
    let text = f.read(&rel);
    assert!(
        text.contains("# One of: north-west, north-east, london\n"),
        "{text}"
    );
    assert!(text.contains("# One of: primary, secondary\n"), "{text}");
    assert!(text.contains("# One of: community, academy\n"), "{text}");
    assert!(
        text.contains("# Choose from: narrowing-the-gap, sustainability, writing-ks2\n"),
        "{text}"
    );
}

#[test]
fn works_with_the_real_site_toml() {
    let f = Fixture::valid();
    let real = Path::new(env!("CARGO_MANIFEST_DIR")).join("../content/site.toml");
    std::fs::copy(real, f.path("content/site.toml")).unwrap();
    // The fixture hosts use slugs that are in the real site.toml too.
    scaffold::new_host(f.root(), "Zeta Academy", today()).unwrap();
    let mut f = f;
    f.drafts = true;
    assert_eq!(f.warnings(), Vec::<String>::new());
}

#[test]
fn refuses_to_overwrite() {
    let f = Fixture::valid();
    let rel = scaffold::new_host(f.root(), "Eta School", today()).unwrap();
    std::fs::write(f.path(&rel), "edited by hand").unwrap();
    let err = scaffold::new_host(f.root(), "Eta  School!", today()).unwrap_err();
    assert!(matches!(err, ScaffoldError::Exists { .. }));
    assert_eq!(
        err.to_string(),
        "content/hosts/eta-school.md already exists: choose a different name, or edit that file"
    );
    assert_eq!(f.read(&rel), "edited by hand");
}

#[test]
fn the_placeholder_urn_is_not_used_by_another_host() {
    let f = Fixture::valid();
    f.edit(ALPHA, "urn = \"100001\"", "urn = \"999999\"");
    let rel = scaffold::new_host(f.root(), "Theta School", today()).unwrap();
    assert!(f.read(&rel).contains("urn = \"999998\""));
    let rel = scaffold::new_host(f.root(), "Iota School", today()).unwrap();
    assert!(f.read(&rel).contains("urn = \"999997\""));
    assert_eq!(f.warnings(), Vec::<String>::new());
}

#[test]
fn names_with_quotes_and_apostrophes() {
    let mut f = Fixture::valid();
    let name = "St Mary's \"Star\" School";
    let rel = scaffold::new_host(f.root(), name, today()).unwrap();
    assert_eq!(rel, "content/hosts/st-marys-star-school.md");
    f.drafts = true;
    let site = f.load().unwrap().site;
    assert!(site.hosts.iter().any(|h| h.name == name));
}

#[test]
fn a_name_without_letters_or_digits_is_refused() {
    let f = Fixture::valid();
    let err = scaffold::new_host(f.root(), "  !!! ", today()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "cannot make a file name from \"  !!! \": the name needs some letters or digits"
    );
}

#[test]
fn no_content_folder() {
    let dir = tempfile::tempdir().unwrap();
    let err = scaffold::new_host(dir.path(), "Kappa School", today()).unwrap_err();
    assert!(matches!(err, ScaffoldError::NoContent { .. }), "{err}");
    assert!(!dir.path().join("content").exists());
}

#[test]
fn a_broken_site_toml_is_reported_not_guessed_around() {
    let f = Fixture::valid();
    f.edit(
        "content/site.toml",
        "slug = \"london\"",
        "slug = \"London\"",
    );
    let err = scaffold::new_host(f.root(), "Lambda School", today()).unwrap_err();
    let message = err.to_string();
    assert!(
        message.starts_with("content/site.toml has errors; fix them first"),
        "{message}"
    );
    assert!(
        message.contains("content/site.toml:25:8: regions[3].slug:"),
        "{message}"
    );
    assert!(!f.path("content/hosts/lambda-school.md").exists());
}

#[test]
fn the_command_line_creates_then_checks_clean() {
    let bin = env!("CARGO_BIN_EXE_prospectus");
    let f = Fixture::valid();
    let run = |args: &[&str]| {
        std::process::Command::new(bin)
            .args(args)
            .arg("--root")
            .arg(f.root())
            .args(["--today", "2027-01-04"])
            .env("NO_COLOR", "1")
            .output()
            .unwrap()
    };
    let made = run(&["new", "host", "Mu Nursery School"]);
    assert_eq!(
        made.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    assert!(f.path("content/hosts/mu-nursery-school.md").is_file());
    let checked = run(&["check", "--drafts"]);
    assert_eq!(
        String::from_utf8_lossy(&checked.stderr),
        "ok: 3 hosts, 2 pages, 4 visit dates checked\n"
    );
    assert_eq!(checked.status.code(), Some(0));
    let again = run(&["new", "host", "Mu Nursery School"]);
    assert_eq!(again.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&again.stderr).contains("already exists"));
}
