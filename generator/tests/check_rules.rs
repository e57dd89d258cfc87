//! One test per validation rule of host and page files: each makes one
//! mistake in a valid fixture site and checks the exact
//! `path:line:col: field: message` reported.

#[path = "fixtures/check-support.rs"]
mod support;

use support::{Fixture, ABOUT, ALPHA, BETA, HOW};

fn one(errors: Vec<String>) -> String {
    assert_eq!(errors.len(), 1, "expected one diagnostic, got {errors:#?}");
    errors.into_iter().next().unwrap()
}

#[test]
fn the_fixture_itself_is_valid() {
    let f = Fixture::valid();
    assert_eq!(f.warnings(), Vec::<String>::new());
    let loaded = f.load().unwrap();
    assert_eq!(loaded.site.hosts.len(), 2);
    assert_eq!(loaded.site.pages.len(), 2);
}

#[test]
fn toml_syntax_error() {
    let f = Fixture::valid();
    f.edit(ALPHA, "town = \"Bolton\"", "town = \"Bolton");
    assert_eq!(
        one(f.errors()),
        "content/hosts/alpha-primary.md:8:15: town: invalid TOML: invalid basic string, expected `\"`"
    );
}

#[test]
fn a_value_without_quotes_is_a_syntax_error_naming_its_field() {
    let f = Fixture::valid();
    f.edit(ALPHA, "town = \"Bolton\"", "town = Bolton");
    assert_eq!(
        one(f.errors()),
        "content/hosts/alpha-primary.md:8:8: town: invalid TOML: string values must be quoted, expected literal string"
    );
}

#[test]
fn unknown_key_suggests_the_closest_known_key() {
    let f = Fixture::valid();
    f.edit(ALPHA, "postcode = ", "postcod = ");
    // Only the misspelling: "missing postcode" would say the same again.
    assert_eq!(
        one(f.errors()),
        "content/hosts/alpha-primary.md:9:1: postcod: unknown field \"postcod\" (did you mean \"postcode\"?)"
    );
}

#[test]
fn unknown_key_with_nothing_close_lists_the_known_keys() {
    let f = Fixture::valid();
    f.edit(ALPHA, "pupils = 418", "pupils = 418\ncolour = \"red\"");
    assert_eq!(
        one(f.errors()),
        "content/hosts/alpha-primary.md:12:1: colour: unknown field \"colour\"; expected one of: name, urn, phase, school_type, region, local_authority, town, postcode, website, pupils, summary, focus, draft, added, visits"
    );
}

#[test]
fn unknown_key_in_a_visit() {
    let f = Fixture::valid();
    f.edit(ALPHA, "places = 12", "placse = 12");
    assert_eq!(
        one(f.errors()),
        "content/hosts/alpha-primary.md:20:1: visits[1].placse: unknown field \"placse\" (did you mean \"places\"?)"
    );
}

#[test]
fn missing_required_field_points_at_the_front_matter() {
    let f = Fixture::valid();
    f.edit(ALPHA, "local_authority = \"Bolton\"\n", "");
    assert_eq!(
        one(f.errors()),
        "content/hosts/alpha-primary.md:1:1: local_authority: missing required field \"local_authority\""
    );
}

#[test]
fn missing_visit_field_points_at_its_visits_header() {
    let f = Fixture::valid();
    f.edit(ALPHA, "places = 10\n", "");
    assert_eq!(
        one(f.errors()),
        "content/hosts/alpha-primary.md:24:1: visits[2].places: missing required field \"places\""
    );
}

#[test]
fn wrong_type() {
    let f = Fixture::valid();
    f.edit(ALPHA, "pupils = 418", "pupils = \"418\"");
    assert_eq!(
        one(f.errors()),
        "content/hosts/alpha-primary.md:11:10: pupils: expected a whole number, found text (\"418\")"
    );
}

#[test]
fn urn_must_be_six_digits() {
    let f = Fixture::valid();
    f.edit(ALPHA, "urn = \"100001\"", "urn = \"10001\"");
    assert_eq!(
        one(f.errors()),
        "content/hosts/alpha-primary.md:3:7: urn: URN \"10001\" must be exactly 6 digits"
    );
}

#[test]
fn urn_must_be_quoted() {
    let f = Fixture::valid();
    f.edit(ALPHA, "urn = \"100001\"", "urn = 100001");
    assert_eq!(
        one(f.errors()),
        "content/hosts/alpha-primary.md:3:7: urn: expected text in quotes, found a number (100001)"
    );
}

#[test]
fn urn_used_twice_points_at_both_files() {
    let f = Fixture::valid();
    f.edit(BETA, "urn = \"100002\"", "urn = \"100001\"");
    assert_eq!(
        one(f.errors()),
        "content/hosts/beta-academy.md:3:7: urn: URN \"100001\" is already used by content/hosts/alpha-primary.md"
    );
    let shown = f.rendered();
    assert!(
        shown.contains("note: first used in content/hosts/alpha-primary.md:3:7\n  |\n3 | urn = \"100001\"\n  |       ^^^^^^^^\n"),
        "{shown}"
    );
}

#[test]
fn unknown_region_suggests_the_closest() {
    let f = Fixture::valid();
    f.edit(ALPHA, "region = \"north-west\"", "region = \"north-wst\"");
    assert_eq!(
        one(f.errors()),
        "content/hosts/alpha-primary.md:6:10: region: unknown region \"north-wst\" (did you mean \"north-west\"?)"
    );
    assert_eq!(
        f.rendered(),
        "content/hosts/alpha-primary.md:6:10: region: unknown region \"north-wst\" (did you mean \"north-west\"?)\n  |\n6 | region = \"north-wst\"\n  |          ^^^^^^^^^^^\n\n"
    );
}

#[test]
fn unknown_phase_without_a_close_match_lists_the_valid_ones() {
    let f = Fixture::valid();
    f.edit(ALPHA, "phase = \"primary\"", "phase = \"middle\"");
    assert_eq!(
        one(f.errors()),
        "content/hosts/alpha-primary.md:4:9: phase: unknown phase \"middle\"; site.toml lists: primary, secondary"
    );
}

#[test]
fn unknown_school_type() {
    let f = Fixture::valid();
    f.edit(
        ALPHA,
        "school_type = \"community\"",
        "school_type = \"comunity\"",
    );
    assert_eq!(
        one(f.errors()),
        "content/hosts/alpha-primary.md:5:15: school_type: unknown school type \"comunity\" (did you mean \"community\"?)"
    );
}

#[test]
fn unknown_focus_slug() {
    let f = Fixture::valid();
    f.edit(
        ALPHA,
        "\"narrowing-the-gap\", \"writing-ks2\"]",
        "\"narrowing-the-gap\", \"sustainabilty\"]",
    );
    let errors = f.errors();
    assert_eq!(
        errors[0],
        "content/hosts/alpha-primary.md:13:31: focus: unknown focus area \"sustainabilty\" (did you mean \"sustainability\"?)"
    );
    // The first visit's "writing-ks2" is now not among the host's areas.
    assert_eq!(
        errors[1..],
        ["content/hosts/alpha-primary.md:21:10: visits[1].focus: focus area \"writing-ks2\" is not one of this host's focus areas (narrowing-the-gap); add it to the host's focus list or remove it here"]
    );
}

#[test]
fn empty_focus_list() {
    let f = Fixture::valid();
    f.edit(BETA, "focus = [\"sustainability\"]", "focus = []");
    assert_eq!(
        one(f.errors()),
        "content/hosts/beta-academy.md:11:9: focus: list at least one focus area"
    );
}

#[test]
fn focus_listed_twice() {
    let f = Fixture::valid();
    f.edit(
        BETA,
        "focus = [\"sustainability\"]",
        "focus = [\"sustainability\", \"sustainability\"]",
    );
    assert_eq!(
        one(f.errors()),
        "content/hosts/beta-academy.md:11:28: focus: focus area \"sustainability\" is listed twice"
    );
}

#[test]
fn visit_focus_must_be_among_the_hosts() {
    let f = Fixture::valid();
    f.edit(
        ALPHA,
        "focus = [\"writing-ks2\"]",
        "focus = [\"sustainability\"]",
    );
    assert_eq!(
        one(f.errors()),
        "content/hosts/alpha-primary.md:21:10: visits[1].focus: focus area \"sustainability\" is not one of this host's focus areas (narrowing-the-gap, writing-ks2); add it to the host's focus list or remove it here"
    );
}

#[test]
fn malformed_postcode() {
    let f = Fixture::valid();
    f.edit(ALPHA, "postcode = \"BL1 4QZ\"", "postcode = \"BL1 4Q\"");
    assert_eq!(
        one(f.errors()),
        "content/hosts/alpha-primary.md:9:12: postcode: \"BL1 4Q\" is not a UK postcode"
    );
}

#[test]
fn postcode_in_the_wrong_case_gets_its_canonical_form() {
    let f = Fixture::valid();
    f.edit(ALPHA, "postcode = \"BL1 4QZ\"", "postcode = \"bl14qz\"");
    assert_eq!(
        one(f.errors()),
        "content/hosts/alpha-primary.md:9:12: postcode: write the postcode \"bl14qz\" as \"BL1 4QZ\" (capitals, one space)"
    );
}

#[test]
fn bad_time_format() {
    let f = Fixture::valid();
    f.edit(ALPHA, "end = \"15:00\"", "end = \"3pm\"");
    assert_eq!(
        one(f.errors()),
        "content/hosts/alpha-primary.md:19:7: visits[1].end: \"3pm\" is not a time; write it as 24-hour HH:MM, e.g. \"09:15\""
    );
}

#[test]
fn a_toml_local_time_is_accepted() {
    let f = Fixture::valid();
    f.edit(ALPHA, "end = \"15:00\"", "end = 15:00:00");
    let site = f.load().unwrap().site;
    assert_eq!(site.hosts[0].visits[0].end, "15:00");
}

#[test]
fn visit_end_must_be_after_start() {
    let f = Fixture::valid();
    f.edit(ALPHA, "end = \"13:00\"", "end = \"09:15\"");
    assert_eq!(
        one(f.errors()),
        "content/hosts/alpha-primary.md:27:7: visits[2].end: end \"09:15\" must be after start \"09:15\""
    );
}

#[test]
fn places_must_be_1_to_100() {
    let f = Fixture::valid();
    f.edit(ALPHA, "places = 12", "places = 0");
    f.edit(ALPHA, "places = 10", "places = 101");
    assert_eq!(
        f.errors(),
        [
            "content/hosts/alpha-primary.md:20:10: visits[1].places: must be between 1 and 100, found 0",
            "content/hosts/alpha-primary.md:28:10: visits[2].places: must be between 1 and 100, found 101",
        ]
    );
}

#[test]
fn two_visits_with_the_same_derived_id() {
    let f = Fixture::valid();
    f.edit(ALPHA, "date = 2027-05-12", "date = 2027-03-10");
    assert_eq!(
        one(f.errors()),
        "content/hosts/alpha-primary.md:24:1: visits[2].id: visit id \"100001-2027-03-10-0915\" is already used by another visit in this file (two visits on the same date and start time need an explicit, different id)"
    );
}

#[test]
fn two_visits_in_different_files_with_the_same_explicit_id() {
    let f = Fixture::valid();
    f.edit(ALPHA, "places = 10", "places = 10\nid = \"spring-visit\"");
    f.edit(BETA, "places = 8", "places = 8\nid = \"spring-visit\"");
    assert_eq!(
        one(f.errors()),
        "content/hosts/beta-academy.md:18:6: visits[1].id: visit id \"spring-visit\" is already used by a visit in content/hosts/alpha-primary.md (each visit needs its own id)"
    );
}

#[test]
fn visit_id_characters() {
    let f = Fixture::valid();
    f.edit(ALPHA, "places = 10", "places = 10\nid = \"spring visit\"");
    assert_eq!(
        one(f.errors()),
        "content/hosts/alpha-primary.md:29:6: visits[2].id: id \"spring visit\" may use only letters, digits, - and _ (it becomes part of a file name)"
    );
}

#[test]
fn page_slug_clashing_with_a_site_path() {
    let f = Fixture::valid();
    f.write(
        "content/pages/visits.md",
        "+++\ntitle = \"Visits\"\n+++\n\nText.\n",
    );
    f.write(
        "content/pages/search.md",
        "+++\ntitle = \"Search\"\n+++\n\nText.\n",
    );
    assert_eq!(
        f.errors(),
        [
            "content/pages/search.md:1:1: file: page slug \"search\" clashes with the site's own /search/ section; rename the file",
            "content/pages/visits.md:1:1: file: page slug \"visits\" clashes with the site's own /visits/ section; rename the file",
        ]
    );
}

#[test]
fn file_name_must_be_a_slug() {
    let f = Fixture::valid();
    std::fs::rename(f.path(BETA), f.path("content/hosts/Beta Academy.md")).unwrap();
    f.edit(
        ABOUT,
        "[Beta Academy](/hosts/beta-academy/#visits)",
        "Beta Academy",
    );
    assert_eq!(
        one(f.errors()),
        "content/hosts/Beta Academy.md:1:1: file: file name \"Beta Academy\" is not a slug: use lowercase letters, digits and hyphens, e.g. \"beta-academy\" (the name is the page's address)"
    );
}

#[test]
fn broken_internal_link_missing_its_trailing_slash() {
    let f = Fixture::valid();
    f.edit(ALPHA, "(/how-visits-work/)", "(/how-visits-work)");
    assert_eq!(
        one(f.errors()),
        "content/hosts/alpha-primary.md:31:52: link: broken link \"/how-visits-work\": the site has no page /how-visits-work (did you mean \"/how-visits-work/\"? pages end with a /)"
    );
}

#[test]
fn broken_internal_link_to_a_misspelt_host_and_an_image() {
    let f = Fixture::valid();
    f.edit(
        HOW,
        "Browse",
        "See [Alpha](/hosts/alpha-primry/) and ![a map](/images/map.png).\n\nBrowse",
    );
    assert_eq!(
        f.errors(),
        [
            "content/pages/how-visits-work.md:7:13: link: broken link \"/hosts/alpha-primry/\": the site has no page /hosts/alpha-primry/ (did you mean \"/hosts/alpha-primary/\"?)",
            "content/pages/how-visits-work.md:7:48: image: broken image \"/images/map.png\": the site has no page /images/map.png",
        ]
    );
}

#[test]
fn links_to_every_kind_of_generated_path_resolve() {
    let f = Fixture::valid();
    let links = [
        "/",
        "/visits/",
        "/search/?q=writing",
        "/regions/",
        "/regions/london/",
        "/phases/primary/",
        "/focus/writing-ks2/#hosts",
        "/hosts/alpha-primary/",
        "/about/",
        "/feed.xml",
        "/visits.ics",
    ];
    let body: String = links.iter().map(|l| format!("[x]({l}) ")).collect();
    f.edit(HOW, "Browse", &format!("{body}\n\nBrowse"));
    assert_eq!(f.warnings(), Vec::<String>::new());
}

#[test]
fn reference_style_links_point_at_their_definition() {
    let f = Fixture::valid();
    f.edit(
        HOW,
        "Browse",
        "See [the list][list].\n\n[list]: /visit/\n\nBrowse",
    );
    assert_eq!(
        one(f.errors()),
        "content/pages/how-visits-work.md:9:9: link: broken link \"/visit/\": the site has no page /visit/ (did you mean \"/visits/\"?)"
    );
}

#[test]
fn empty_body() {
    let f = Fixture::valid();
    let text = f.read(BETA);
    let end = text.rfind("+++\n").unwrap() + 4;
    f.write(BETA, format!("{}\n   \n", &text[..end]));
    f.edit(
        ABOUT,
        "[Beta Academy](/hosts/beta-academy/#visits)",
        "Beta Academy",
    );
    assert_eq!(
        one(f.errors()),
        "content/hosts/beta-academy.md:18:1: body: the description after the closing +++ is empty; describe the school and its practice"
    );
}

#[test]
fn empty_page_body() {
    let f = Fixture::valid();
    f.write(ABOUT, "+++\ntitle = \"About\"\n+++\n");
    assert_eq!(
        one(f.errors()),
        "content/pages/about.md:3:1: body: the page text after the closing +++ is empty"
    );
}

#[test]
fn missing_opening_delimiter() {
    let f = Fixture::valid();
    let text = f.read(BETA);
    f.write(BETA, text.strip_prefix("+++\n").unwrap());
    f.edit(
        ABOUT,
        "[Beta Academy](/hosts/beta-academy/#visits)",
        "Beta Academy",
    );
    assert_eq!(
        one(f.errors()),
        "content/hosts/beta-academy.md:1:1: file: the file must start with a line of +++, then the TOML fields, then another +++ line"
    );
}

#[test]
fn missing_closing_delimiter() {
    let f = Fixture::valid();
    f.edit(BETA, "places = 8\n+++\n", "places = 8\n");
    f.edit(
        ABOUT,
        "[Beta Academy](/hosts/beta-academy/#visits)",
        "Beta Academy",
    );
    assert_eq!(
        one(f.errors()),
        "content/hosts/beta-academy.md:1:1: file: no closing +++ line: end the TOML fields with a line of +++ before the text"
    );
}

#[test]
fn invalid_utf8_names_the_byte_offset() {
    let f = Fixture::valid();
    let mut bytes = f.read(BETA).into_bytes();
    let at = bytes.windows(6).position(|w| w == b"Camden").unwrap() + 2;
    bytes[at] = 0xff;
    f.write(BETA, &bytes);
    assert_eq!(
        one(f.errors()),
        format!("content/hosts/beta-academy.md:7:22: file: not valid UTF-8 (at byte {at}); save the file as UTF-8")
    );
}

#[test]
fn unreadable_file() {
    let f = Fixture::valid();
    // A directory named like a host file: reading it fails on every OS and
    // for every user (permissions do not stop root).
    std::fs::create_dir(f.path("content/hosts/gamma.md")).unwrap();
    let error = one(f.errors());
    assert!(
        error.starts_with("content/hosts/gamma.md:1:1: file: cannot read the file: "),
        "{error}"
    );
}

#[test]
fn website_must_be_http() {
    let f = Fixture::valid();
    f.edit(
        ALPHA,
        "\"https://www.alpha.example.sch.uk\"",
        "\"www.alpha.example.sch.uk\"",
    );
    assert_eq!(
        one(f.errors()),
        "content/hosts/alpha-primary.md:10:11: website: \"www.alpha.example.sch.uk\" must be a full web address starting with https:// (or http://)"
    );
}

#[test]
fn summary_longer_than_200_characters() {
    let f = Fixture::valid();
    let long = "é".repeat(201);
    f.edit(
        ALPHA,
        "\"A primary school where disadvantaged pupils write as well as their classmates.\"",
        &format!("\"{long}\""),
    );
    assert_eq!(
        one(f.errors()),
        "content/hosts/alpha-primary.md:12:11: summary: summary is 201 characters long; keep it to 200 or fewer (one sentence)"
    );
}

#[test]
fn date_that_does_not_exist() {
    let f = Fixture::valid();
    f.edit(ALPHA, "date = 2027-05-12", "date = 2027-02-29");
    assert_eq!(
        one(f.errors()),
        "content/hosts/alpha-primary.md:25:8: date: invalid TOML: invalid date, expected day between 01 and 28"
    );
}

#[test]
fn quoted_date_that_does_not_exist() {
    let f = Fixture::valid();
    f.edit(ALPHA, "date = 2027-05-12", "date = \"2027-06-31\"");
    assert_eq!(
        one(f.errors()),
        "content/hosts/alpha-primary.md:25:8: visits[2].date: \"2027-06-31\" is not a real date in the form YYYY-MM-DD"
    );
}

#[test]
fn every_error_in_one_file_is_reported() {
    let f = Fixture::valid();
    f.edit(ALPHA, "urn = \"100001\"", "urn = \"1\"");
    f.edit(ALPHA, "region = \"north-west\"", "region = \"nowhere\"");
    f.edit(ALPHA, "postcode = ", "post_code = ");
    f.edit(ALPHA, "places = 12", "places = 1000");
    assert_eq!(
        f.errors(),
        [
            "content/hosts/alpha-primary.md:3:7: urn: URN \"1\" must be exactly 6 digits",
            "content/hosts/alpha-primary.md:6:10: region: unknown region \"nowhere\"; site.toml lists: north-west, north-east, london",
            "content/hosts/alpha-primary.md:9:1: post_code: unknown field \"post_code\" (did you mean \"postcode\"?)",
            "content/hosts/alpha-primary.md:20:10: visits[1].places: must be between 1 and 100, found 1000",
        ]
    );
}

#[test]
fn page_rules() {
    let f = Fixture::valid();
    f.write(
        ABOUT,
        "+++\ntitel = \"About\"\nweight = \"first\"\n+++\n\nText.\n",
    );
    assert_eq!(
        f.errors(),
        [
            "content/pages/about.md:2:1: titel: unknown field \"titel\" (did you mean \"title\"?)",
            "content/pages/about.md:3:10: weight: expected a whole number, found text (\"first\")",
        ]
    );
}
