//! Load benchmark of the local server on SQLite (run by `bench/booking-load.sh`).
//!
//! 1. Start-up: starts `booking-fn --db FILE --port 0` 20 times and reports the
//!    median time from spawning the process to the first 200 from
//!    `/api/health`.
//! 2. Throughput: one server, N booking POSTs (JSON, each from a different
//!    school) over C keep-alive connections; reports bookings per second and
//!    p50/p99 latency, then checks the store holds exactly N bookings.
//!
//! Loopback only, bounded in count and time. The client is a minimal
//! HTTP/1.1 writer/reader on tokio so the measurement adds no heavy
//! dependencies and little overhead of its own.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use booking_fn::model::BookingFilter;
use booking_fn::slots::Slot;
use booking_fn::store::sqlite::SqliteStore;
use booking_fn::store::Store;
use chrono::{Days, Utc};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const VISITS: usize = 50;

struct Options {
    server: PathBuf,
    requests: usize,
    concurrency: usize,
    startups: usize,
}

fn options() -> Result<Options, String> {
    let mut o = Options {
        server: Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/release/booking-fn"),
        requests: 10_000,
        concurrency: 32,
        startups: 20,
    };
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut value = |name: &str| args.next().ok_or(format!("{name} needs a value"));
        match a.as_str() {
            "--server" => o.server = PathBuf::from(value("--server")?),
            "--requests" => {
                o.requests = value("--requests")?
                    .parse()
                    .map_err(|e| format!("--requests: {e}"))?
            }
            "--concurrency" => {
                o.concurrency = value("--concurrency")?
                    .parse()
                    .map_err(|e| format!("--concurrency: {e}"))?
            }
            "--startups" => {
                o.startups = value("--startups")?
                    .parse()
                    .map_err(|e| format!("--startups: {e}"))?
            }
            // cargo bench passes --bench; ignore it and other harness flags.
            _ => {}
        }
    }
    if !o.server.exists() {
        return Err(format!(
            "no server binary at {}: build it with `cargo build --release -p booking-fn --bin booking-fn`",
            o.server.display()
        ));
    }
    Ok(o)
}

fn main() {
    if let Err(e) = run() {
        eprintln!("load benchmark failed: {e}");
        std::process::exit(1);
    }
}

fn run() -> Result<(), String> {
    let o = options()?;
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let db = dir.path().join("bench.db");
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    rt.block_on(seed(&db, o.requests))?;

    println!("server: {}", o.server.display());
    let mut ready = Vec::with_capacity(o.startups);
    for _ in 0..o.startups {
        let (child, port, elapsed) = start_and_wait(&o.server, &db)?;
        stop(child);
        let _ = port;
        ready.push(elapsed);
    }
    ready.sort();
    let median = ready[ready.len() / 2];
    println!(
        "ready (spawn to first 200 from /api/health), median of {}: {:.1} ms (min {:.1}, max {:.1})",
        ready.len(),
        ms(median),
        ms(ready[0]),
        ms(ready[ready.len() - 1])
    );

    let (child, port, _) = start_and_wait(&o.server, &db)?;
    let result = rt.block_on(load(port, o.requests, o.concurrency));
    stop(child);
    let (mut latencies, elapsed, failures) = result?;
    latencies.sort();
    let n = latencies.len();
    let pct = |p: f64| latencies[((n as f64 * p).ceil() as usize).clamp(1, n) - 1];
    println!(
        "{} bookings at concurrency {} in {:.2} s: {:.0} bookings/s; latency p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms; {} failed",
        n,
        o.concurrency,
        elapsed.as_secs_f64(),
        n as f64 / elapsed.as_secs_f64(),
        ms(pct(0.50)),
        ms(pct(0.99)),
        ms(latencies[n - 1]),
        failures
    );
    let stored = rt.block_on(async {
        let store = SqliteStore::open(&db).map_err(|e| e.to_string())?;
        let filter = BookingFilter::default();
        store
            .list_bookings(&filter, Utc::now())
            .await
            .map(|b| b.len())
            .map_err(|e| e.to_string())
    })?;
    println!("store holds {stored} bookings (expected {})", o.requests);
    if failures > 0 || stored != o.requests {
        return Err("some bookings failed".to_string());
    }
    Ok(())
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Visit dates with room for every request: `VISITS` dates a month ahead.
async fn seed(db: &Path, requests: usize) -> Result<(), String> {
    let store = SqliteStore::open(db).map_err(|e| e.to_string())?;
    let date = Utc::now()
        .date_naive()
        .checked_add_days(Days::new(30))
        .ok_or("date overflow")?;
    let per_visit = (requests / VISITS + 1) as u32;
    let slots: Vec<Slot> = (0..VISITS)
        .map(|i| Slot {
            id: format!("bench-{i:02}"),
            host_urn: format!("{}", 900_000 + i),
            host_name: format!("Bench Host {i}"),
            host_path: format!("/hosts/bench-{i}/"),
            region: "london".to_string(),
            date,
            start: "09:30".to_string(),
            end: "12:00".to_string(),
            places: per_visit,
            max_per_school: 3,
            booking_closes: date,
            same_region: false,
            focus: vec!["reading".to_string()],
            bookable: true,
        })
        .collect();
    store.sync_slots(&slots).await.map_err(|e| e.to_string())?;
    Ok(())
}

/// Spawns the server on a free port and times spawn → first healthy answer.
fn start_and_wait(server: &Path, db: &Path) -> Result<(Child, u16, Duration), String> {
    let started = Instant::now();
    let mut child = Command::new(server)
        .args(["--port", "0", "--db"])
        .arg(db)
        .env("RUST_LOG", "info")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("starting {}: {e}", server.display()))?;
    let stdout = child.stdout.take().ok_or("no stdout")?;
    let mut line = String::new();
    BufReader::new(stdout)
        .read_line(&mut line)
        .map_err(|e| e.to_string())?;
    let port: u16 = line
        .trim()
        .rsplit(':')
        .next()
        .and_then(|p| p.parse().ok())
        .ok_or_else(|| format!("unexpected first line from the server: {line:?}"))?;
    let deadline = started + Duration::from_secs(10);
    loop {
        if health(port) {
            return Ok((child, port, started.elapsed()));
        }
        if Instant::now() > deadline {
            stop(child);
            return Err("the server did not answer /api/health within 10 s".to_string());
        }
        std::thread::sleep(Duration::from_micros(200));
    }
}

fn health(port: u16) -> bool {
    let Ok(mut s) = TcpStream::connect(("127.0.0.1", port)) else {
        return false;
    };
    let _ = s.set_read_timeout(Some(Duration::from_secs(2)));
    if s.write_all(b"GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        .is_err()
    {
        return false;
    }
    let mut buf = [0u8; 12];
    s.read_exact(&mut buf).is_ok() && &buf == b"HTTP/1.1 200"
}

fn stop(mut child: Child) {
    let _ = child.kill();
    let _ = child.wait();
}

type LoadResult = Result<(Vec<Duration>, Duration, usize), String>;

async fn load(port: u16, requests: usize, concurrency: usize) -> LoadResult {
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let mut tasks = Vec::with_capacity(concurrency);
    for _ in 0..concurrency {
        let next = next.clone();
        tasks.push(tokio::spawn(
            async move { worker(port, next, requests).await },
        ));
    }
    let mut latencies = Vec::with_capacity(requests);
    let mut failures = 0;
    for t in tasks {
        let (l, f) = t.await.map_err(|e| e.to_string())??;
        latencies.extend(l);
        failures += f;
    }
    Ok((latencies, started.elapsed(), failures))
}

/// One keep-alive connection sending bookings until the shared counter runs out.
async fn worker(
    port: u16,
    next: Arc<AtomicUsize>,
    requests: usize,
) -> Result<(Vec<Duration>, usize), String> {
    let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .map_err(|e| format!("connect: {e}"))?;
    stream.set_nodelay(true).map_err(|e| e.to_string())?;
    let mut latencies = Vec::new();
    let mut failures = 0;
    let mut buf = Vec::with_capacity(4096);
    loop {
        let i = next.fetch_add(1, Ordering::Relaxed);
        if i >= requests {
            break;
        }
        let body = format!(
            concat!(
                "{{\"visit\":\"bench-{:02}\",\"school_name\":\"Bench School {}\",\"school_urn\":\"{}\",",
                "\"school_region\":\"london\",\"contact_name\":\"Sam Tester\",\"contact_role\":\"Headteacher\",",
                "\"email\":\"sam{}@bench.example.org\",\"places\":1,\"consent\":\"yes\",\"website\":\"\"}}"
            ),
            i % VISITS,
            i,
            100_000 + i,
            i
        );
        let request = format!(
            "POST /api/bookings HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n\
             Accept: application/json\r\nContent-Length: {}\r\n\r\n{}",
            body.len(),
            body
        );
        let sent = Instant::now();
        stream
            .write_all(request.as_bytes())
            .await
            .map_err(|e| format!("write: {e}"))?;
        let status = read_response(&mut stream, &mut buf).await?;
        latencies.push(sent.elapsed());
        if status != 201 {
            failures += 1;
            if failures <= 3 {
                eprintln!(
                    "booking {i} answered {status}: {}",
                    String::from_utf8_lossy(&buf)
                );
            }
        }
    }
    Ok((latencies, failures))
}

/// Reads one response with a Content-Length body; answers the status code
/// and leaves the body in `buf`.
async fn read_response(
    stream: &mut tokio::net::TcpStream,
    buf: &mut Vec<u8>,
) -> Result<u16, String> {
    buf.clear();
    let mut chunk = [0u8; 4096];
    let header_end = loop {
        if let Some(p) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break p + 4;
        }
        read_more(stream, &mut chunk, buf, "server closed the connection").await?;
    };
    let head = String::from_utf8_lossy(&buf[..header_end]).to_string();
    let status: u16 = head
        .get(9..12)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| format!("bad status line: {head:?}"))?;
    let length: usize = head
        .lines()
        .find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case("content-length")
                .then(|| v.trim().parse().ok())?
        })
        .ok_or("response without Content-Length")?;
    while buf.len() < header_end + length {
        read_more(
            stream,
            &mut chunk,
            buf,
            "server closed the connection mid-body",
        )
        .await?;
    }
    buf.drain(..header_end);
    Ok(status)
}

/// Append what the next read gives to `buf`; `closed` if the server hung up.
async fn read_more(
    stream: &mut tokio::net::TcpStream,
    chunk: &mut [u8],
    buf: &mut Vec<u8>,
    closed: &str,
) -> Result<(), String> {
    let n = stream.read(chunk).await.map_err(|e| format!("read: {e}"))?;
    if n == 0 {
        return Err(closed.to_string());
    }
    buf.extend_from_slice(&chunk[..n]);
    Ok(())
}
