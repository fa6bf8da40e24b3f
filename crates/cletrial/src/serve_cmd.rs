//! `cletrial serve`: the study team's web application over a study record.

use std::future::Future;
use std::net::SocketAddr;
use std::num::NonZeroUsize;
use std::time::Duration;

use clap::Args;
use store::{DbUrl, Store};
use tracing_subscriber::EnvFilter;

use crate::help::examples;
use crate::io::{CliError, CmdResult, block_on};

/// Serve the web application for the study team (login, dashboard, subjects).
///
/// Plain HTTP on a local address by default. To serve other machines, put a TLS-terminating
/// reverse proxy (nginx, Caddy) in front, listen on 127.0.0.1 and pass --secure-cookies: cookies
/// are then marked Secure and every response carries Strict-Transport-Security (one year).
///
/// Slow and idle clients are bounded: request headers must arrive within --header-timeout,
/// a request body within --body-timeout of its headers (else 408), a kept-alive connection
/// with nothing to do is closed after --keep-alive-timeout, and at most --max-connections are
/// served at once (the next wait to be accepted).
///
/// Ctrl-C or SIGTERM stops it: no new connections, requests in flight get --stop-timeout to
/// finish, the record is closed, "cletrial: stopped" is printed and the exit status is 0.
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
#[command(after_help = examples!(
    "cletrial serve --db cletrial-demo.db",
    "cletrial serve --db sqlite://cletrial-demo.db --bind 127.0.0.1:8080 --secure-cookies --trusted-proxy 127.0.0.1",
    "cletrial serve --db cletrial-demo.db --item-texts examples/outcomes/item-texts.toml"
))]
pub struct ServeArgs {
    /// The study record: sqlite://PATH (or a plain path) or postgres://USER@HOST:PORT/DB.
    #[arg(long, value_name = "URL")]
    db: String,
    /// A randomised study's allocation secret (`cletrial allocation secret`), kept in memory:
    /// an investigator's emergency unblinding, the unblinded statistician's allocation page and
    /// downloads by arm need it; without it no arm is ever shown. Refused for a study that does
    /// not randomise, and unless its check is the one registered (`allocation register`).
    #[arg(long, value_name = "FILE")]
    allocation_secret_file: Option<std::path::PathBuf>,
    /// Where the record keeps its lesion photographs' files: by default beside a SQLite file
    /// (study.db.files); required for a PostgreSQL record to take photographs.
    #[arg(long, value_name = "DIR")]
    files: Option<std::path::PathBuf>,
    /// The address and port to listen on.
    #[arg(long, value_name = "ADDR:PORT", default_value = "127.0.0.1:8080")]
    bind: SocketAddr,
    /// Mark cookies Secure and send HSTS (when users reach the application over HTTPS).
    #[arg(long)]
    secure_cookies: bool,
    /// The address of a reverse proxy in front (repeat for several): for requests from it, the
    /// client is the last address of its X-Forwarded-For header, so the per-address login
    /// throttle counts each user's address, not the proxy's.
    #[arg(long = "trusted-proxy", value_name = "ADDR")]
    trusted_proxies: Vec<std::net::IpAddr>,
    /// Seconds a client has to send a request's headers (from the connection's opening, or
    /// from the first byte of a later request); then the connection is closed.
    #[arg(
        long,
        value_name = "SECONDS",
        default_value_t = web::Limits::default().header_timeout.as_secs(),
        value_parser = clap::value_parser!(u64).range(1..),
    )]
    header_timeout: u64,
    /// Seconds a request's body has to arrive after its headers; then the answer is 408.
    #[arg(
        long,
        value_name = "SECONDS",
        default_value_t = web::Config::default().body_timeout.as_secs(),
        value_parser = clap::value_parser!(u64).range(1..),
    )]
    body_timeout: u64,
    /// Seconds a kept-alive connection may sit idle between requests.
    #[arg(
        long,
        value_name = "SECONDS",
        default_value_t = web::Limits::default().keep_alive_timeout.as_secs(),
        value_parser = clap::value_parser!(u64).range(1..),
    )]
    keep_alive_timeout: u64,
    /// Connections served at once; more wait in the listen queue until one closes.
    #[arg(
        long,
        value_name = "N",
        default_value_t = web::Limits::default().max_connections,
    )]
    max_connections: NonZeroUsize,
    /// Seconds requests in flight have to finish when the server stops.
    #[arg(
        long,
        value_name = "SECONDS",
        default_value_t = web::Limits::default().stop_grace.as_secs(),
    )]
    stop_timeout: u64,
    /// A TOML file of the outcome questionnaires' texts the study's licence covers: a table per
    /// language ([en], [es]) of item id = text (DLQI01 = "..."). cletrial ships item ids and
    /// scoring only; without this file the forms show the items by id.
    #[arg(long, value_name = "FILE")]
    item_texts: Option<std::path::PathBuf>,
}

/// The study's item texts from `path`, refused naming the file and what is wrong.
fn item_texts(path: Option<&std::path::Path>) -> Result<web::ItemTexts, CliError> {
    let Some(path) = path else {
        return Ok(web::ItemTexts::default());
    };
    let shown = path.display();
    let text = std::fs::read_to_string(path)
        .map_err(|error| CliError::input(format!("--item-texts: {shown}: {error}")))?;
    let tables = toml::from_str(&text)
        .map_err(|error| CliError::input(format!("--item-texts: {shown}: {}", error.message())))?;
    web::ItemTexts::new(tables)
        .map_err(|error| CliError::input(format!("--item-texts: {shown}: {error}")))
}

pub fn run(args: ServeArgs) -> CmdResult {
    let item_texts = item_texts(args.item_texts.as_deref())?;
    block_on(async move {
        let store = Store::open(&DbUrl::parse(&args.db)?).await?;
        let allocation_secret = match &args.allocation_secret_file {
            None => None,
            Some(file) => {
                if store.protocol().await?.randomisation().is_none() {
                    return Err(CliError::input(
                        "--allocation-secret-file: the study's protocol declares no [randomisation]"
                            .to_owned(),
                    ));
                }
                Some(
                    crate::allocation_cmd::study_secret(&store, "--allocation-secret-file", file)
                        .await?,
                )
            }
        };
        let store = match &args.files {
            Some(dir) => store.with_files(dir),
            None => store,
        };
        let config = web::Config {
            allocation_secret,
            item_texts,
            secure_cookies: args.secure_cookies,
            trusted_proxies: args.trusted_proxies,
            body_timeout: Duration::from_secs(args.body_timeout),
            version: crate::version::VERSION.to_owned(),
            ..web::Config::default()
        };
        let limits = web::Limits {
            header_timeout: Duration::from_secs(args.header_timeout),
            keep_alive_timeout: Duration::from_secs(args.keep_alive_timeout),
            max_connections: args.max_connections,
            stop_grace: Duration::from_secs(args.stop_timeout),
        };
        serve(store, args.bind, config, limits).await
    })
}

/// Serves the web application over `store` on `bind` until Ctrl-C or SIGTERM, then closes the
/// store (shared with `demo`).
pub(crate) async fn serve(
    store: Store,
    bind: SocketAddr,
    config: web::Config,
    limits: web::Limits,
) -> CmdResult {
    let listener = tokio::net::TcpListener::bind(bind)
        .await
        .map_err(|error| CliError::input(format!("bind: cannot listen on {bind}: {error}")))?;
    let address = listener.local_addr().map_err(anyhow::Error::from)?;
    // Watched before the line below, so a signal sent once it is printed stops the server.
    let stop = stop_signal()?;
    log_to_stderr();
    eprintln!("cletrial: serving on http://{address} (Ctrl-C or SIGTERM stops)");
    web::serve(listener, web::router(store.clone(), config), limits, stop).await;
    // Checkpoints SQLite's write-ahead log into the database file.
    store.close().await;
    eprintln!("cletrial: stopped");
    Ok(())
}

/// The web application's log on standard error: its level from `RUST_LOG`, `info` without it
/// (errors, each in the span of its request: route and user number).
fn log_to_stderr() {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
}

/// Completes on Ctrl-C (SIGINT) or SIGTERM, the signal systemd and container runtimes stop a
/// service with.
#[cfg(unix)]
fn stop_signal() -> Result<impl Future<Output = ()> + Send, CliError> {
    use tokio::signal::unix::{SignalKind, signal};
    let watch = |kind: SignalKind, name: &str| {
        signal(kind).map_err(|error| anyhow::format_err!("serve: cannot watch for {name}: {error}"))
    };
    let mut interrupt = watch(SignalKind::interrupt(), "SIGINT")?;
    let mut terminate = watch(SignalKind::terminate(), "SIGTERM")?;
    Ok(async move {
        tokio::select! {
            _ = interrupt.recv() => {}
            _ = terminate.recv() => {}
        }
    })
}

/// Completes on Ctrl-C.
#[cfg(not(unix))]
fn stop_signal() -> Result<impl Future<Output = ()> + Send, CliError> {
    Ok(async {
        // If Ctrl-C cannot be watched, the server runs until killed.
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    })
}
