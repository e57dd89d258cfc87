//! `booking-fn`: the booking API. In AWS Lambda (`AWS_LAMBDA_RUNTIME_API` set)
//! it answers API Gateway events through `lambda_http`; anywhere else it is a
//! local HTTP server on 127.0.0.1, over SQLite (`--db FILE`) or DynamoDB
//! (`BOOKINGS_TABLE`, endpoint and credentials from the usual AWS variables).
//!
//! The local server is the `local-server` feature (on by default). The Lambda
//! bootstrap is built without it, so it carries neither SQLite nor the
//! argument parser; run outside Lambda, that build says so and exits.

#[cfg(feature = "local-server")]
use std::path::PathBuf;
use std::sync::Arc;

#[cfg(feature = "local-server")]
use anyhow::bail;
use anyhow::Context as _;
use booking_fn::api::{router, AppState};
use booking_fn::clock::SystemClock;
#[cfg(feature = "local-server")]
use booking_fn::clock::{Clock, ShiftedClock};
use booking_fn::config::ApiConfig;
use booking_fn::store::dynamo::DynamoStore;
use booking_fn::store::Store;
#[cfg(feature = "local-server")]
use booking_fn::store::{purge, sqlite::SqliteStore};
#[cfg(feature = "local-server")]
use chrono::NaiveDate;
#[cfg(feature = "local-server")]
use clap::Parser;

#[cfg(feature = "local-server")]
#[derive(Debug, Parser)]
#[command(
    name = "booking-fn",
    version,
    about = "The Inside Knowledge booking API, served on 127.0.0.1",
    after_help = "Environment: BOOKINGS_TABLE (DynamoDB table, when --db is not given), \
                  RETENTION_DAYS (default 365), SITE_TITLE, SITE_ORIGIN, RUST_LOG."
)]
struct Args {
    /// Port to listen on (127.0.0.1 only); 0 picks a free one.
    #[arg(long, default_value_t = 8787)]
    port: u16,
    /// SQLite database file (created if missing). Without it, BOOKINGS_TABLE
    /// names a DynamoDB table.
    #[arg(long, value_name = "FILE")]
    db: Option<PathBuf>,
    /// Pretend today is this date (YYYY-MM-DD), e.g. to give feedback on a
    /// visit in a local preview. The clock still ticks from there.
    #[arg(long, value_name = "YYYY-MM-DD")]
    today: Option<NaiveDate>,
}

fn main() -> std::process::ExitCode {
    // One line naming the problem, never a backtrace: these are setup errors
    // for a person to fix.
    match run() {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("booking-fn: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn run() -> anyhow::Result<()> {
    // Logs go to stderr (CloudWatch in Lambda); stdout carries only the
    // "listening on" line a script can wait for.
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let in_lambda = std::env::var_os("AWS_LAMBDA_RUNTIME_API").is_some();
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(!in_lambda)
        .with_target(false)
        .init();

    let config = ApiConfig::from_env()?;
    if in_lambda {
        // One event at a time per Lambda instance: one thread is enough and
        // starts faster.
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .context("starting the async runtime")?;
        return runtime.block_on(run_lambda(config));
    }
    run_outside_lambda(config)
}

#[cfg(not(feature = "local-server"))]
fn run_outside_lambda(_config: ApiConfig) -> anyhow::Result<()> {
    anyhow::bail!(
        "this build is the Lambda bootstrap only (AWS_LAMBDA_RUNTIME_API is not set); \
         for a local server build with the default features: \
         cargo run -p booking-fn --bin booking-fn -- --db bookings.sqlite"
    )
}

#[cfg(feature = "local-server")]
fn run_outside_lambda(config: ApiConfig) -> anyhow::Result<()> {
    let args = Args::parse();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    runtime.block_on(run_local(args, config))
}

async fn run_lambda(config: ApiConfig) -> anyhow::Result<()> {
    let table = config.require_table()?.to_string();
    let store = dynamo_store(&table).await?;
    let state = AppState::new(store, config, Arc::new(SystemClock));
    lambda_http::run(router(state))
        .await
        .map_err(|e| anyhow::anyhow!("Lambda runtime stopped: {e}"))
}

#[cfg(feature = "local-server")]
async fn run_local(args: Args, config: ApiConfig) -> anyhow::Result<()> {
    let store: Arc<dyn Store> = match &args.db {
        Some(path) => Arc::new(
            SqliteStore::open(path)
                .with_context(|| format!("opening the SQLite store {}", path.display()))?,
        ),
        None => match config.require_table() {
            Ok(table) => dynamo_store(table).await?,
            Err(_) => bail!(
                "say where bookings are kept: --db FILE for a local SQLite file, \
                 or set BOOKINGS_TABLE to a DynamoDB table"
            ),
        },
    };
    let clock: Arc<dyn Clock> = match args.today {
        Some(day) => {
            tracing::warn!(%day, "pretending today is another day (--today)");
            Arc::new(ShiftedClock::to_today(day))
        }
        None => Arc::new(SystemClock),
    };
    if args.db.is_some() {
        // SQLite has no TTL: delete expired personal data as we go.
        purge::spawn(store.clone(), clock.clone(), purge::EVERY);
    }
    let app = router(AppState::new(store, config, clock));
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", args.port))
        .await
        .with_context(|| format!("listening on 127.0.0.1:{}", args.port))?;
    let address = listener.local_addr().context("reading the bound address")?;
    println!("listening on http://{address}");
    axum::serve(listener, app)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
        .context("serving HTTP")
}

/// The DynamoDB store for `table`, configured from the usual AWS environment
/// (so `AWS_ENDPOINT_URL_DYNAMODB` points it at a local server).
async fn dynamo_store(table: &str) -> anyhow::Result<Arc<dyn Store>> {
    Ok(Arc::new(DynamoStore::from_env(table).await))
}
