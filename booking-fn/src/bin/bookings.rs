//! `bookings`: the admin command line for the booking store, on SQLite
//! (`--db FILE`) or DynamoDB (`--table NAME`, endpoint and credentials from
//! the usual AWS environment). The work is in `booking_fn::admin`; this file
//! parses arguments, opens the store, reads the clock and prints.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::bail;
use booking_fn::admin::{self, AdminError};
use booking_fn::model::BookingFilter;
use booking_fn::store::dynamo::DynamoStore;
use booking_fn::store::sqlite::SqliteStore;
use booking_fn::store::{CancelRefused, Store};
use chrono::{NaiveDate, Utc};
use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "bookings",
    version,
    about = "Manage Inside Knowledge visit dates, bookings and feedback",
    after_help = "Give the store before the command, e.g. `bookings --db bookings.db list`."
)]
struct Cli {
    #[command(flatten)]
    store: StoreArgs,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Args)]
#[group(required = true, multiple = false)]
struct StoreArgs {
    /// SQLite database file (the local store).
    #[arg(long, value_name = "FILE")]
    db: Option<PathBuf>,
    /// DynamoDB table name (AWS_ENDPOINT_URL_DYNAMODB etc. from the environment).
    #[arg(long, value_name = "NAME")]
    table: Option<String>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Load a slot manifest (slots.json): add new dates, apply capacity
    /// changes (never below what is booked), withdraw dates no longer listed.
    SyncSlots {
        /// The manifest the generator wrote.
        slots: PathBuf,
    },
    /// List bookings (live ones unless --all).
    List {
        /// Only this host school (URN).
        #[arg(long, value_name = "URN")]
        host: Option<String>,
        /// Only visits on this date.
        #[arg(long, value_name = "YYYY-MM-DD")]
        date: Option<NaiveDate>,
        /// Only this visiting school (URN).
        #[arg(long, value_name = "URN")]
        school: Option<String>,
        /// Include cancelled bookings.
        #[arg(long)]
        all: bool,
    },
    /// Export bookings or feedback as CSV.
    Export {
        what: ExportKind,
        /// Write here instead of stdout.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// Cancel a booking and give its places back.
    Cancel { reference: String },
    /// Remove a person's contact details from all their bookings
    /// (data-protection request); places and counts are kept.
    Erase { email: String },
    /// Write the published feedback summary (JSON), e.g. to
    /// content/data/feedback.json.
    FeedbackSummary {
        /// Write here instead of stdout.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// Delete expired personal data now (SQLite; DynamoDB's TTL does it itself).
    Purge,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum ExportKind {
    Bookings,
    Feedback,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("bookings: cannot start: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("bookings: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// Open the chosen store. Only `sync-slots` may create a new SQLite file:
/// anything else on a missing file is most likely a typo in the path.
async fn open_store(args: &StoreArgs, may_create: bool) -> anyhow::Result<Arc<dyn Store>> {
    match (&args.db, &args.table) {
        (Some(path), None) => {
            if !may_create && !path.exists() {
                bail!(
                    "no database at {} (create it with `bookings --db {} sync-slots slots.json`)",
                    path.display(),
                    path.display()
                );
            }
            Ok(Arc::new(SqliteStore::open(path).map_err(AdminError::from)?))
        }
        (None, Some(table)) if !table.trim().is_empty() => {
            Ok(Arc::new(DynamoStore::from_env(table.trim()).await))
        }
        (None, Some(_)) => bail!("--table needs a table name"),
        // clap's group already insists on exactly one.
        _ => bail!("give exactly one of --db FILE or --table NAME"),
    }
}

fn print_to(out: Option<&Path>, what: &str, count: usize) {
    if let Some(path) = out {
        eprintln!("wrote {count} {what} to {}", path.display());
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    let may_create = matches!(cli.command, Command::SyncSlots { .. });
    let store = open_store(&cli.store, may_create).await?;
    let store = store.as_ref();
    let now = Utc::now();
    match cli.command {
        Command::SyncSlots { slots } => {
            let report = admin::sync::sync_slots(store, &slots).await?;
            print!("{}", admin::sync::describe(&report));
        }
        Command::List {
            host,
            date,
            school,
            all,
        } => {
            let filter = BookingFilter {
                host_urn: host,
                date,
                school_urn: school,
                include_cancelled: all,
            };
            let rows = admin::list::list(store, &filter, now).await?;
            print!("{}", admin::list::render(&rows));
        }
        Command::Export { what, out } => {
            // The store is read first, so a store error never leaves an
            // empty file behind.
            let mut buf = Vec::new();
            let (count, noun) = match what {
                ExportKind::Bookings => (
                    admin::export::bookings_csv(store, now, &mut buf).await?,
                    "bookings",
                ),
                ExportKind::Feedback => (
                    admin::export::feedback_csv(store, now, &mut buf).await?,
                    "feedback responses",
                ),
            };
            admin::output::write_to(out.as_deref(), |w| Ok(w.write_all(&buf)?))?;
            print_to(out.as_deref(), noun, count);
        }
        Command::Cancel { reference } => match store.cancel_booking(&reference, now).await {
            Ok(b) => println!(
                "cancelled {}: {} places given back to {}",
                b.reference, b.places, b.visit_id
            ),
            Err(CancelRefused::Store(e)) => return Err(AdminError::from(e).into()),
            Err(refused) => return Err(AdminError::from(refused).into()),
        },
        Command::Erase { email } => {
            if email.trim().is_empty() {
                bail!("give the email address whose data should be erased");
            }
            let erased = store.erase_person(&email).await.map_err(AdminError::from)?;
            if erased.is_empty() {
                println!("no bookings found for that email address");
            } else {
                println!(
                    "erased contact details from {} bookings: {}",
                    erased.len(),
                    erased.join(", ")
                );
            }
        }
        Command::FeedbackSummary { out } => {
            let feedback = store.list_feedback(now).await.map_err(AdminError::from)?;
            let summary = admin::summary::feedback_summary(&feedback);
            admin::output::write_to(out.as_deref(), |w| {
                serde_json::to_writer_pretty(&mut *w, &summary)?;
                w.write_all(b"\n")?;
                Ok(())
            })?;
            print_to(out.as_deref(), "host summaries", summary.hosts.len());
        }
        Command::Purge => {
            let n = store.purge_expired(now).await.map_err(AdminError::from)?;
            println!("deleted {n} expired items");
        }
    }
    Ok(())
}
