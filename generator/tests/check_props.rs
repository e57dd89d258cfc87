//! No input makes the loader panic: arbitrary bytes, and arbitrary mixes of
//! plausible and broken TOML lines, as host files, pages and site.toml.

#[path = "fixtures/check-support.rs"]
mod support;

use proptest::prelude::*;
use prospectus::content::LoadError;
use support::{Fixture, ABOUT, BETA, SITE};

/// Lines an editor might write, right and wrong, to reach deep into the
/// checks rather than stop at the first syntax error.
const LINES: &[&str] = &[
    "+++",
    "name = \"Gamma\"",
    "urn = \"100003\"",
    "urn = \"100001\"",
    "urn = 12",
    "phase = \"primary\"",
    "phase = \"prim\"",
    "region = \"london\"",
    "local_authority = \"Camden\"",
    "town = \"London\"",
    "postcode = \"NW1 2DB\"",
    "postcode = \"nw12db\"",
    "summary = \"x\"",
    "focus = [\"sustainability\"]",
    "focus = [1, \"x\"]",
    "focus = []",
    "draft = true",
    "added = 2099-01-01",
    "[[visits]]",
    "[visits]",
    "date = 2027-02-30",
    "date = 2027-03-01",
    "date = \"2027-13-01\"",
    "start = \"09:00\"",
    "start = 09:00:00",
    "end = \"08:00\"",
    "end = \"25:99\"",
    "places = 0",
    "places = 5",
    "places = 99999999999999999999",
    "id = \"same\"",
    "id = \"a b\"",
    "x = ",
    "\"quoted key\" = 1",
    "[table]",
    "a.b.c = 1",
    "= 1",
    "Body [link](/nowhere/) and [ok](/visits/) ![i](/x.png)",
    "[ref]: /hosts/",
    "é\u{0}\u{feff}\t\r",
    "",
];

fn assert_no_panic_and_located(f: &Fixture) {
    match f.load() {
        Ok(loaded) => {
            let _ = loaded.warnings.render(true);
        }
        Err(LoadError::Invalid(d)) => {
            assert!(!d.is_empty());
            // Rendering walks every span: it must not panic either.
            let shown = d.render(true);
            assert!(!shown.is_empty());
        }
        Err(e) => panic!("unexpected {e}"),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_as_a_host_file(bytes in prop::collection::vec(any::<u8>(), 0..600)) {
        let f = Fixture::valid();
        f.write(BETA, &bytes);
        assert_no_panic_and_located(&f);
    }

    #[test]
    fn arbitrary_bytes_after_an_opening_delimiter(bytes in prop::collection::vec(any::<u8>(), 0..600)) {
        let f = Fixture::valid();
        let mut text = b"+++\n".to_vec();
        text.extend(bytes);
        f.write(BETA, &text);
        assert_no_panic_and_located(&f);
    }

    #[test]
    fn mixes_of_plausible_lines_in_every_kind_of_file(
        host in prop::collection::vec(prop::sample::select(LINES), 0..40),
        page in prop::collection::vec(prop::sample::select(LINES), 0..12),
        site_extra in prop::collection::vec(prop::sample::select(LINES), 0..6),
    ) {
        let f = Fixture::valid();
        f.write(BETA, format!("+++\n{}", host.join("\n")));
        f.write(ABOUT, page.join("\n"));
        let site = f.read(SITE);
        f.write(SITE, format!("{}\n{site}", site_extra.join("\n")));
        assert_no_panic_and_located(&f);
    }
}

#[test]
fn deeply_nested_values_do_not_overflow_the_stack() {
    let depth = 20_000;
    let inputs = [
        format!(
            "+++\nx = {}{}\n+++\nBody\n",
            "[".repeat(depth),
            "]".repeat(depth)
        ),
        format!(
            "+++\nx = {}1{}\n+++\nBody\n",
            "{a=".repeat(depth),
            "}".repeat(depth)
        ),
        format!("+++\n{} = 1\n+++\nBody\n", vec!["a"; depth].join(".")),
        format!("+++\n[{}]\n+++\nBody\n", vec!["a"; depth].join(".")),
        format!("+++\n{}\n+++\nBody\n", "[[visits]]\n".repeat(depth)),
    ];
    for input in inputs {
        let f = Fixture::valid();
        f.write(BETA, &input);
        assert_no_panic_and_located(&f);
    }
}
