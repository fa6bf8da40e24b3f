//! `cletrial serve`: the study team's web application over a study record.

use std::net::SocketAddr;

use clap::Args;
use store::{DbUrl, Store};

use crate::io::{CliError, CmdResult, block_on};

/// Serve the web application for the study team (login, dashboard, subjects).
///
/// Plain HTTP on a local address by default; put a TLS proxy in front to serve other machines,
/// with --secure-cookies. Ctrl-C stops it after the requests in flight. Example:
///
///   cletrial serve --db sqlite://study.db --bind 127.0.0.1:8080
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The study record: sqlite://PATH (or a plain path) or postgres://USER@HOST:PORT/DB.
    #[arg(long, value_name = "URL")]
    db: String,
    /// The address and port to listen on.
    #[arg(long, value_name = "ADDR:PORT", default_value = "127.0.0.1:8080")]
    bind: SocketAddr,
    /// Mark cookies Secure (when users reach the application over HTTPS).
    #[arg(long)]
    secure_cookies: bool,
}

pub fn run(args: ServeArgs) -> CmdResult {
    block_on(async move {
        let store = Store::open(&DbUrl::parse(&args.db)?).await?;
        let config = web::Config {
            secure_cookies: args.secure_cookies,
            ..web::Config::default()
        };
        serve(store, args.bind, config).await
    })
}

/// Serves the web application over `store` on `bind` until Ctrl-C (shared with `demo`).
pub(crate) async fn serve(store: Store, bind: SocketAddr, config: web::Config) -> CmdResult {
    let listener = tokio::net::TcpListener::bind(bind)
        .await
        .map_err(|error| CliError::input(format!("bind: cannot listen on {bind}: {error}")))?;
    let address = listener.local_addr().map_err(anyhow::Error::from)?;
    eprintln!("cletrial: serving on http://{address} (Ctrl-C stops)");
    let shutdown = async {
        // If the signal cannot be watched, the server runs until killed.
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    web::serve(listener, web::router(store.clone(), config), shutdown)
        .await
        .map_err(anyhow::Error::from)?;
    store.close().await;
    eprintln!("cletrial: stopped");
    Ok(())
}
