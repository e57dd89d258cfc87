//! The `bookings` binary end to end on a temporary SQLite file: each command's
//! output and exit status, and clear errors (never a panic) on bad input.
#![cfg(feature = "dynamodb")]

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use booking_fn::store::sqlite::SqliteStore;
use booking_fn::store::Store;
use booking_fn::summary::FeedbackSummary;
use support::fixtures::{booking, feedback, slot};

const HOST: &str = "100001";

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run_in(dir: &Path, args: &[&str]) -> Run {
    let Output {
        status,
        stdout,
        stderr,
    } = Command::new(env!("CARGO_BIN_EXE_bookings"))
        .args(args)
        .current_dir(dir)
        .env_remove("RUST_LOG")
        .output()
        .expect("the bookings binary runs");
    let run = Run {
        code: status.code().expect("exited, not killed"),
        stdout: String::from_utf8(stdout).expect("UTF-8 stdout"),
        stderr: String::from_utf8(stderr).expect("UTF-8 stderr"),
    };
    assert!(!run.stderr.contains("panicked"), "panic: {}", run.stderr);
    run
}

struct Fixture {
    dir: tempfile::TempDir,
}

impl Fixture {
    fn new() -> Self {
        Self {
            dir: tempfile::tempdir().unwrap(),
        }
    }
    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }
    fn db(&self) -> String {
        self.path("bookings.db").display().to_string()
    }
    /// `bookings --db <tmp>/bookings.db <args>`
    fn run(&self, args: &[&str]) -> Run {
        let db = self.db();
        let mut all = vec!["--db", db.as_str()];
        all.extend_from_slice(args);
        run_in(self.dir.path(), &all)
    }
    fn write_slots(&self, slots: &[booking_fn::slots::Slot]) -> String {
        let manifest = booking_fn::slots::SlotManifest {
            version: booking_fn::slots::MANIFEST_VERSION,
            visits: slots.to_vec(),
        };
        let path = self.path("slots.json");
        std::fs::write(&path, serde_json::to_string_pretty(&manifest).unwrap()).unwrap();
        path.display().to_string()
    }
    /// Synced dates plus bookings and feedback made through the library, as
    /// the API would have made them.
    async fn seeded(self) -> Self {
        let slots = self.write_slots(&[
            slot("v1", HOST, "2027-10-14", "09:30", 30),
            slot("v2", "100002", "2027-10-20", "09:30", 10),
        ]);
        assert_eq!(self.run(&["sync-slots", &slots]).code, 0);
        let store = SqliteStore::open(&self.path("bookings.db")).unwrap();
        for i in 0..6 {
            let mut b = booking(&format!("R{i}"), "v1", HOST, &format!("20000{i}"), 2);
            if i == 0 {
                b.email = "pat@school.example".into();
                b.school_name = "=HYPERLINK(\"x\")".into();
            }
            store.create_booking(&b).await.unwrap();
            store
                .add_feedback(&feedback(
                    &b,
                    "2027-10-14",
                    if i < 4 { 5 } else { 2 },
                    i < 3,
                ))
                .await
                .unwrap();
        }
        let mut old = booking("OLD", "v2", "100002", "200009", 1);
        // The binary reads the real clock: long expired by any clock.
        old.expires_at = 1_000_000;
        store.create_booking(&old).await.unwrap();
        self
    }
}

#[test]
fn sync_slots_reports_changes_and_is_idempotent() {
    let f = Fixture::new();
    let slots = f.write_slots(&[
        slot("v1", HOST, "2027-10-14", "09:30", 10),
        slot("v2", HOST, "2027-10-15", "09:30", 10),
    ]);
    let first = f.run(&["sync-slots", &slots]);
    assert_eq!(first.code, 0, "{}", first.stderr);
    assert!(
        first.stdout.contains("added: 2 (v1, v2)"),
        "{}",
        first.stdout
    );
    let again = f.run(&["sync-slots", &slots]);
    assert!(again.stdout.contains("added: 0\n"), "{}", again.stdout);
    assert!(again.stdout.contains("unchanged: 2"), "{}", again.stdout);

    let fewer = f.write_slots(&[slot("v1", HOST, "2027-10-14", "09:30", 10)]);
    let third = f.run(&["sync-slots", &fewer]);
    assert!(
        third.stdout.contains("withdrawn: 1 (v2)"),
        "{}",
        third.stdout
    );
}

#[test]
fn bad_manifest_says_where_and_exits_non_zero() {
    let f = Fixture::new();
    let path = f.path("slots.json");
    std::fs::write(
        &path,
        "{\n  \"version\": 1,\n  \"visits\": [\n    {\"id\": }\n  ]\n}\n",
    )
    .unwrap();
    let r = f.run(&["sync-slots", &path.display().to_string()]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("slots.json line 4, column 12"),
        "{}",
        r.stderr
    );

    std::fs::write(&path, r#"{"version": 1, "visits": [{"id": "v1"}]}"#).unwrap();
    let r = f.run(&["sync-slots", &path.display().to_string()]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("missing field"), "{}", r.stderr);

    let r = f.run(&["sync-slots", "no-such-file.json"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("cannot read no-such-file.json"),
        "{}",
        r.stderr
    );
}

#[test]
fn store_must_be_given_exactly_once() {
    let f = Fixture::new();
    let none = run_in(f.dir.path(), &["list"]);
    assert_eq!(none.code, 2);
    assert!(none.stderr.contains("--db <FILE>"), "{}", none.stderr);
    let both = run_in(f.dir.path(), &["--db", "x.db", "--table", "t", "list"]);
    assert_eq!(both.code, 2);
    assert!(
        both.stderr.contains("cannot be used with"),
        "{}",
        both.stderr
    );
}

#[test]
fn commands_other_than_sync_need_an_existing_database() {
    let f = Fixture::new();
    let r = f.run(&["list"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("no database at"), "{}", r.stderr);
    assert!(!f.path("bookings.db").exists(), "not created by a typo");
}

#[test]
fn bad_arguments_are_usage_errors() {
    let f = Fixture::new();
    let r = f.run(&["list", "--date", "14/10/2027"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("invalid value '14/10/2027'"),
        "{}",
        r.stderr
    );
    let r = f.run(&["export", "everything"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("invalid value 'everything'"),
        "{}",
        r.stderr
    );
    let r = f.run(&["frobnicate"]);
    assert_eq!(r.code, 2);
}

#[tokio::test]
async fn list_filters_bookings() {
    let f = Fixture::new().seeded().await;
    let r = f.run(&["list"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.starts_with("DATE "), "{}", r.stdout);
    assert!(r.stdout.contains("6 bookings"), "{}", r.stdout);
    assert!(!r.stdout.contains("OLD"), "expired hidden: {}", r.stdout);
    assert!(
        !r.stdout.contains("pat@school.example"),
        "no contact details"
    );

    let r = f.run(&["list", "--school", "200003"]);
    assert!(
        r.stdout.contains("R3") && r.stdout.contains("1 bookings"),
        "{}",
        r.stdout
    );
    let r = f.run(&["list", "--host", "100002"]);
    assert_eq!(r.stdout, "no bookings match\n");
    let r = f.run(&["list", "--date", "2027-10-14"]);
    assert!(r.stdout.contains("6 bookings"), "{}", r.stdout);

    assert_eq!(f.run(&["cancel", "R1"]).code, 0);
    let live = f.run(&["list"]);
    assert!(live.stdout.contains("5 bookings"), "{}", live.stdout);
    let all = f.run(&["list", "--all"]);
    assert!(all.stdout.contains("6 bookings"), "{}", all.stdout);
    assert!(all.stdout.contains("cancelled"), "{}", all.stdout);
}

fn csv_rows(text: &str) -> Vec<csv::StringRecord> {
    csv::Reader::from_reader(text.as_bytes())
        .records()
        .collect::<Result<_, _>>()
        .expect("valid CSV")
}

#[tokio::test]
async fn export_writes_csv_to_stdout_or_a_file() {
    let f = Fixture::new().seeded().await;
    let r = f.run(&["export", "bookings"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.starts_with("reference,visit_id,visit_date"),
        "{}",
        r.stdout
    );
    let rows = csv_rows(&r.stdout);
    assert_eq!(rows.len(), 6);
    assert_eq!(&rows[0][0], "R0");
    assert_eq!(&rows[0][2], "2027-10-14");
    assert_eq!(&rows[0][5], "'=HYPERLINK(\"x\")", "formula neutralised");
    assert_eq!(&rows[0][10], "pat@school.example");

    let out = f.path("feedback.csv");
    let r = f.run(&["export", "feedback", "--out", &out.display().to_string()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.is_empty());
    assert!(
        r.stderr.contains("wrote 6 feedback responses"),
        "{}",
        r.stderr
    );
    let rows = csv_rows(&std::fs::read_to_string(&out).unwrap());
    assert_eq!(rows.len(), 6);
    assert_eq!(&rows[0][5], "reading;maths");

    let r = f.run(&["export", "bookings", "--out", "/nonexistent-dir/b.csv"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("cannot write /nonexistent-dir/b.csv"),
        "{}",
        r.stderr
    );
}

#[tokio::test]
async fn cancel_gives_places_back_once() {
    let f = Fixture::new().seeded().await;
    let r = f.run(&["cancel", "R2"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout, "cancelled R2: 2 places given back to v1\n");
    let again = f.run(&["cancel", "R2"]);
    assert_eq!(again.code, 1);
    assert!(
        again.stderr.contains("already cancelled"),
        "{}",
        again.stderr
    );
    let unknown = f.run(&["cancel", "NOPE"]);
    assert_eq!(unknown.code, 1);
    assert!(
        unknown.stderr.contains("no booking with reference NOPE"),
        "{}",
        unknown.stderr
    );
    let store = SqliteStore::open(&f.path("bookings.db")).unwrap();
    assert_eq!(store.visit("v1").await.unwrap().unwrap().remaining, 20);
}

#[tokio::test]
async fn erase_blanks_contact_details() {
    let f = Fixture::new().seeded().await;
    let r = f.run(&["erase", "PAT@school.example"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout, "erased contact details from 1 bookings: R0\n");
    let export = f.run(&["export", "bookings"]);
    assert!(
        !export.stdout.contains("pat@school.example"),
        "{}",
        export.stdout
    );
    let rows = csv_rows(&export.stdout);
    assert_eq!((&rows[0][8], &rows[0][10], &rows[0][11]), ("", "", "2"));
    let again = f.run(&["erase", "pat@school.example"]);
    assert_eq!(again.stdout, "no bookings found for that email address\n");
    let blank = f.run(&["erase", "  "]);
    assert_eq!(blank.code, 1);
}

#[tokio::test]
async fn feedback_summary_is_json_the_generator_reads() {
    let f = Fixture::new().seeded().await;
    let out = f.path("content-data-feedback.json");
    let r = f.run(&["feedback-summary", "--out", &out.display().to_string()]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let summary: FeedbackSummary =
        serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(summary.hosts.len(), 1);
    let host = &summary.hosts[0];
    assert_eq!((host.host_urn.as_str(), host.responses), (HOST, 6));
    assert_eq!((host.satisfied_pct, host.recommend_pct), (67, 50));
    let areas: Vec<_> = host.by_focus.iter().map(|a| a.focus.as_str()).collect();
    assert_eq!(areas, ["maths", "reading"]);

    let stdout = f.run(&["feedback-summary"]);
    let again: FeedbackSummary = serde_json::from_str(&stdout.stdout).unwrap();
    assert_eq!(again, summary);
}

#[tokio::test]
async fn purge_deletes_expired_rows() {
    let f = Fixture::new().seeded().await;
    let r = f.run(&["purge"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout, "deleted 1 expired items\n");
    assert_eq!(f.run(&["purge"]).stdout, "deleted 0 expired items\n");
}

/// `--table` against moto: the binary finds the endpoint and credentials in
/// the usual AWS variables, set here on the child process only.
#[tokio::test]
async fn table_store_works_through_the_aws_environment() {
    let Some(server) = support::moto::shared() else {
        return;
    };
    let client = support::moto::client(&server.endpoint);
    let table = format!("cli-{}", std::process::id());
    let template = Path::new(env!("CARGO_MANIFEST_DIR")).join("../infra/template.yaml");
    booking_fn::store::dynamo::schema::table_from_template(&template)
        .unwrap()
        .create(&client, &table)
        .await
        .unwrap();
    let f = Fixture::new();
    let slots = f.write_slots(&[slot("v1", HOST, "2027-10-14", "09:30", 10)]);
    let aws = |endpoint: &str, args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_bookings"))
            .args(args)
            .env("AWS_ENDPOINT_URL_DYNAMODB", endpoint)
            .env("AWS_ACCESS_KEY_ID", "testing")
            .env("AWS_SECRET_ACCESS_KEY", "testing")
            .env("AWS_REGION", "us-east-1")
            .env_remove("AWS_PROFILE")
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert!(!stderr.contains("panicked"), "{stderr}");
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr,
        )
    };
    let (code, stdout, stderr) = aws(&server.endpoint, &["--table", &table, "sync-slots", &slots]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stdout.contains("added: 1 (v1)"), "{stdout}");
    let (code, stdout, _) = aws(&server.endpoint, &["--table", &table, "list"]);
    assert_eq!((code, stdout.as_str()), (Some(0), "no bookings match\n"));

    // Nothing listening: a clear "did not answer", exit 1, no panic.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let dead = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let (code, _, stderr) = aws(&dead, &["--table", &table, "list"]);
    assert_eq!(code, Some(1));
    assert!(stderr.contains("the store did not answer"), "{stderr}");
}
