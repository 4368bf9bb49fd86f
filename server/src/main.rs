//! `covers`: the Covers web server. Configured by environment variables; see
//! the README.

use server::config::Config;
use tracing_subscriber::EnvFilter;

// Answering a request allocates many small strings and vectors; mimalloc
// serves them faster than the system allocator (measured with covers-bench).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| EnvFilter::new("info,tower_http=info,sqlx=warn")),
        )
        .init();
    let config = match Config::from_env() {
        Ok(config) => config,
        Err(err) => {
            tracing::error!("invalid configuration: {err}");
            return std::process::ExitCode::from(2);
        }
    };
    match server::run(config).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            tracing::error!("covers failed: {err}");
            std::process::ExitCode::FAILURE
        }
    }
}
