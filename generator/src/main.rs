//! The `prospectus` command line: the binary edge, where errors become
//! messages and exit codes.

use std::path::PathBuf;
use std::process::ExitCode;

use chrono::NaiveDate;
use clap::{Parser, Subcommand};

// A build allocates millions of small strings from several threads at once
// (template values, rendered pages); glibc's allocator spent a third of the
// build's CPU time on them.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "prospectus",
    version,
    about = "Check, build and preview the Inside Knowledge prospectus"
)]
struct Cli {
    /// The site root, holding `content/` and `themes/`.
    #[arg(long, global = true, default_value = ".")]
    root: PathBuf,
    /// Treat this date as today (YYYY-MM-DD): decides which visits are past.
    #[arg(long, global = true, env = "PROSPECTUS_TODAY")]
    today: Option<NaiveDate>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check every content file and report every problem.
    Check {
        /// Include draft hosts in the check's warnings.
        #[arg(long)]
        drafts: bool,
    },
    /// Build the static site.
    Build {
        /// Where to write the site; replaced atomically.
        #[arg(long, default_value = "public")]
        out: PathBuf,
        /// Include draft hosts.
        #[arg(long)]
        drafts: bool,
        /// Skip the search index (faster; for benchmarks and quick checks).
        #[arg(long)]
        no_search: bool,
    },
    /// Build, serve on 127.0.0.1 with live reload and the booking API.
    Serve {
        #[arg(long, default_value_t = 1111)]
        port: u16,
        /// Include draft hosts.
        #[arg(long)]
        drafts: bool,
    },
    /// Scaffold new content.
    New {
        #[command(subcommand)]
        what: NewCommand,
    },
}

#[derive(Subcommand)]
enum NewCommand {
    /// A host school entry with every field explained.
    Host {
        /// The school's name, e.g. "Brook Lane Primary School".
        name: String,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let today = cli
        .today
        .unwrap_or_else(|| chrono::Local::now().date_naive());
    let result = match cli.command {
        Command::Check { drafts } => prospectus::cli::check(&cli.root, drafts, today),
        Command::Build {
            out,
            drafts,
            no_search,
        } => prospectus::cli::build(&cli.root, &out, drafts, !no_search, today),
        Command::Serve { port, drafts } => {
            prospectus::cli::serve(&cli.root, port, drafts, cli.today)
        }
        Command::New {
            what: NewCommand::Host { name },
        } => prospectus::cli::new_host(&cli.root, &name, today),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}
