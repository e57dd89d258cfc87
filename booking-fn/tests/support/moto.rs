//! moto's DynamoDB server for the tests: started on a free loopback port,
//! shared by the tests running at the same moment, killed when the last of
//! them drops it. Never a hand-written fake.
//!
//! `moto_server` itself serves requests on many threads, and moto runs a
//! TransactWriteItems by snapshotting the table, applying the items and, on a
//! failed condition, putting the snapshot back, all without a lock. Under
//! concurrent transactions that loses or resurrects other requests' writes
//! (the 200-bookings test saw 15 bookings for 10 places), which DynamoDB
//! never does: each of its requests is atomic. So we run the very app
//! `moto_server` runs, from the same Python, but on werkzeug's
//! single-threaded server: one request at a time, each atomic, as DynamoDB
//! guarantees. Concurrency then comes from our store's 200 racing requests.

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, Weak};
use std::time::{Duration, Instant};

use aws_sdk_dynamodb::config::{BehaviorVersion, Credentials, Region};

pub struct MotoServer {
    child: Child,
    pub endpoint: String,
    /// moto's stderr, shown if it fails to start.
    _log: tempfile::NamedTempFile,
}

/// `moto_server`'s own start-up, minus the threads (see the module comment).
/// The listen queue is raised so 200 simultaneous connects all wait their
/// turn instead of being dropped.
const LAUNCHER: &str = r#"
import logging, os, sys
from werkzeug.serving import BaseWSGIServer, run_simple
from moto.server import DomainDispatcherApplication, create_backend_app
logging.getLogger("werkzeug").setLevel(logging.ERROR)
BaseWSGIServer.request_queue_size = 1024
host, port = sys.argv[1], int(sys.argv[2])
os.environ.setdefault("MOTO_PORT", str(port))
run_simple(host, port, DomainDispatcherApplication(create_backend_app), threaded=False)
"#;

/// The Python that `moto_server` runs under, from its `#!` line (a venv's
/// python in CI); `python3` when it is a wrapper such as a pyenv shim.
fn python_of(moto_server: &Path) -> String {
    let first_line = std::fs::read_to_string(moto_server)
        .ok()
        .and_then(|t| t.lines().next().map(str::to_owned))
        .unwrap_or_default();
    let interpreter = first_line.strip_prefix("#!").map(|p| {
        let p = p.trim();
        p.strip_prefix("/usr/bin/env ")
            .unwrap_or(p)
            .trim()
            .to_owned()
    });
    match interpreter {
        Some(p) if p.contains("python") => p,
        _ => "python3".to_owned(),
    }
}

impl Drop for MotoServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

static SHARED: Mutex<Weak<MotoServer>> = Mutex::new(Weak::new());

fn find_on_path(name: &str) -> Option<PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|dir| dir.join(name))
        .find(|p| p.is_file())
}

fn free_port() -> u16 {
    // The OS picks a free port; it stays free for the moment until moto binds it.
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("can bind a loopback port")
        .port()
}

fn start(moto_server: &Path) -> MotoServer {
    let port = free_port();
    let python = python_of(moto_server);
    let log = tempfile::NamedTempFile::new().expect("can create a temporary file");
    let mut child = Command::new(&python)
        .args(["-c", LAUNCHER, "127.0.0.1", &port.to_string()])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(log.reopen().expect("can reopen the temporary file"))
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start moto with {python}: {e}"));
    let deadline = Instant::now() + Duration::from_secs(30);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        if let Ok(Some(status)) = child.try_wait() {
            let output = std::fs::read_to_string(log.path()).unwrap_or_default();
            panic!("moto exited before answering on port {port} ({status}):\n{output}");
        }
        assert!(
            Instant::now() < deadline,
            "moto_server did not answer on port {port} within 30 s"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    MotoServer {
        child,
        endpoint: format!("http://127.0.0.1:{port}"),
        _log: log,
    }
}

/// The running server, starting one if none is. `None` (after printing why)
/// when moto_server is not installed; under `CI=true` that is a failure.
pub fn shared() -> Option<Arc<MotoServer>> {
    let mut slot = SHARED.lock().unwrap_or_else(|p| p.into_inner());
    if let Some(server) = slot.upgrade() {
        return Some(server);
    }
    let Some(program) = find_on_path("moto_server") else {
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("moto_server not found and CI=true: pip install 'moto[server]==5.*'");
        }
        // Straight to stderr: the test harness captures print!/eprint!, and
        // a skip must be visible. Once per test binary is enough.
        static SAID: std::sync::Once = std::sync::Once::new();
        SAID.call_once(|| {
            use std::io::Write as _;
            let _ = writeln!(
                std::io::stderr(),
                "skipped: moto_server not found; pip install 'moto[server]' (DynamoDB store tests)"
            );
        });
        return None;
    };
    let server = Arc::new(start(&program));
    *slot = Arc::downgrade(&server);
    Some(server)
}

/// A client for the server with dummy credentials, configured explicitly so
/// parallel tests never touch the process environment.
pub fn client(endpoint: &str) -> aws_sdk_dynamodb::Client {
    let config = aws_sdk_dynamodb::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new("testing", "testing", None, None, "moto"))
        .endpoint_url(endpoint)
        .http_client(booking_fn::store::dynamo::https_client())
        .build();
    aws_sdk_dynamodb::Client::from_conf(config)
}
