//! `leerkring-server`: parses flags, sets up logging and serves until Ctrl-C or SIGTERM;
//! or backs up or restores the embedded store (storage/backup.rs) and exits.

use std::io::IsTerminal;

use clap::{CommandFactory, Parser};
use leerkring_server::config::{Command, Config};
use leerkring_server::storage::backup::{self, BackupError, Counts};
use leerkring_server::storage::lock::DataDirLock;
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> std::io::Result<()> {
    tracing_subscriber::fmt()
        .with_ansi(std::io::stderr().is_terminal())
        .with_writer(std::io::stderr)
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .init();
    let config = Config::parse();
    match &config.command {
        Some(Command::Backup { to, store }) => finish(
            "backup",
            backup::back_up(&store.data_dir, store.redis_url.as_deref(), to),
        ),
        Some(Command::Restore { from, force, store }) => finish(
            "restore",
            backup::restore(from, &store.data_dir, store.redis_url.as_deref(), *force),
        ),
        None => {}
    }
    if let Err(invalid) = config.validate() {
        // Said the way clap says a bad flag, before anything is opened.
        Config::command()
            .error(clap::error::ErrorKind::ArgumentConflict, invalid)
            .exit();
    }
    // Before anything else touches the data dir, and before saying we listen.
    let lock = match DataDirLock::acquire(&config.data_dir) {
        Ok(lock) => lock,
        Err(error) => {
            tracing::error!(%error, "Leerkring cannot start");
            std::process::exit(1);
        }
    };
    let listener = tokio::net::TcpListener::bind(config.addr).await?;
    if let Err(error) = leerkring_server::serve(config, lock, listener, shutdown_signal()).await {
        // Said plainly (not as a Debug dump) for whoever reads the service log.
        tracing::error!(%error, "Leerkring stopped");
        std::process::exit(1);
    }
    Ok(())
}

/// Ends a command: what it did on stdout and status 0, or one line on stderr and 1.
fn finish(command: &str, outcome: Result<Counts, BackupError>) -> ! {
    match outcome {
        Ok(counts) => {
            println!(
                "{command}: {} boards, {} teams, {} tombstones",
                counts.boards, counts.teams, counts.tombstones
            );
            std::process::exit(0);
        }
        Err(error) => {
            eprintln!("leerkring-server {command}: {error}");
            std::process::exit(1);
        }
    }
}

async fn shutdown_signal() {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut terminate = match tokio::signal::unix::signal(
            tokio::signal::unix::SignalKind::terminate(),
        ) {
            Ok(signal) => signal,
            Err(error) => {
                tracing::warn!(%error, "cannot listen for SIGTERM; only Ctrl-C stops the server");
                let _ = interrupt.await;
                return;
            }
        };
        tokio::select! {
            _ = interrupt => {}
            _ = terminate.recv() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = interrupt.await;
}
