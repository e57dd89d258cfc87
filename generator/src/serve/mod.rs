//! `prospectus serve`: the editors' and newcomers' local preview. Builds the
//! site, serves it on 127.0.0.1 with the booking API mounted in-process on
//! the embedded SQLite store, and rebuilds and reloads open pages whenever
//! content or the theme changes. A broken edit keeps the last good build
//! online and shows the errors in the terminal and over the page.

mod headers;
pub mod live;
mod reload;
mod site_state;
mod watch;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context;
use axum::Router;
use booking_fn::api::{self, AppState};
use booking_fn::clock::{Clock, ShiftedClock, SystemClock};
use booking_fn::config::ApiConfig;
use booking_fn::store::purge;
use booking_fn::store::sqlite::SqliteStore;
use booking_fn::store::Store;
use chrono::NaiveDate;
use tower_http::services::{ServeDir, ServeFile};

pub use headers::CONTENT_SECURITY_POLICY;
use reload::ReloadHub;
use site_state::Preview;

/// Everything the preview writes lives here, git-ignored.
pub const WORK_DIR: &str = ".prospectus";

pub struct ServeOptions {
    pub root: PathBuf,
    pub port: u16,
    pub drafts: bool,
    /// Pretend it is this day: decides past visits and the API's clock.
    pub today: Option<NaiveDate>,
}

pub async fn run(opts: ServeOptions) -> anyhow::Result<()> {
    let work = opts.root.join(WORK_DIR);
    std::fs::create_dir_all(&work)
        .with_context(|| format!("cannot create the preview folder {}", work.display()))?;
    let store = open_store(&work)?;
    let hub = ReloadHub::new();
    let preview = Arc::new(Preview::new(
        opts.root.clone(),
        work.join("public"),
        opts.drafts,
        opts.today,
        store.clone(),
        hub.clone(),
    ));

    // The first build must succeed: there is no last good build to fall back on.
    preview.rebuild_all().await.map_err(anyhow::Error::msg)?;

    let clock: Arc<dyn Clock> = match opts.today {
        Some(day) => Arc::new(ShiftedClock::to_today(day)),
        None => Arc::new(SystemClock),
    };
    // The preview's SQLite store has no TTL: purge expired personal data.
    purge::spawn(store.clone(), clock.clone(), purge::EVERY);
    let app = app(&preview, store, clock, hub.clone())?;
    let addr = SocketAddr::from(([127, 0, 0, 1], opts.port));
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("cannot listen on {addr}: is another preview running?"))?;
    let _watcher = watch::spawn(preview.clone(), &opts.root)?;
    eprintln!("serving the prospectus on http://{addr}/ (Ctrl+C to stop)");
    axum::serve(listener, app)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
        .context("the preview server stopped")?;
    Ok(())
}

fn open_store(work: &Path) -> anyhow::Result<Arc<dyn Store>> {
    let path = work.join("bookings.sqlite");
    let store = SqliteStore::open(&path)
        .with_context(|| format!("cannot open the local booking store {}", path.display()))?;
    Ok(Arc::new(store))
}

fn app(
    preview: &Preview,
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    hub: ReloadHub,
) -> anyhow::Result<Router> {
    let config = ApiConfig::from_env().context("booking API configuration")?;
    let state = AppState::new(store, config, clock);
    let public = preview.public_dir();
    let not_found = ServeFile::new(public.join("404.html"));
    let files = ServeDir::new(&public)
        .append_index_html_on_directories(true)
        .not_found_service(not_found);
    let router = api::router(state)
        .merge(reload::routes(hub))
        .fallback_service(files)
        .layer(axum::middleware::map_response(reload::inject_client));
    Ok(headers::apply(router))
}
