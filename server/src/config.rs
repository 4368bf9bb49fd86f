//! Configuration from the environment. Ecosystem names first
//! (`LEPTOS_SITE_ADDR`, `LEPTOS_SITE_ROOT`, `DATABASE_URL`, `RUST_LOG`); Covers'
//! own settings start with `COVERS_`.

use std::net::SocketAddr;

use leptos::prelude::LeptosOptions;

/// The name wasm-bindgen gives the front end's files: `pkg/covers.js`,
/// `pkg/covers_bg.wasm`, and the stylesheet `pkg/covers.css`.
pub const OUTPUT_NAME: &str = "covers";

#[derive(Clone, Debug)]
pub struct Config {
    pub site_addr: SocketAddr,
    pub site_root: String,
    pub database_url: Option<String>,
    /// `COVERS_DEMO_DATA=1`: create demo restaurants when the database has none.
    pub demo_data: bool,
    pub leptos_options: LeptosOptions,
}

#[derive(Debug, thiserror::Error)]
#[error("{name}: {message}")]
pub struct ConfigError {
    pub name: &'static str,
    pub message: String,
}

impl Config {
    /// Reads the configuration from the process environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads the configuration through `lookup`, so tests need not touch the
    /// process environment.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let value = |name: &str| lookup(name).filter(|v| !v.trim().is_empty());
        let site_addr = value("LEPTOS_SITE_ADDR").unwrap_or_else(|| "127.0.0.1:3000".into());
        let site_addr: SocketAddr = site_addr.parse().map_err(|e| ConfigError {
            name: "LEPTOS_SITE_ADDR",
            message: format!("{site_addr:?} is not an address like 127.0.0.1:3000 ({e})"),
        })?;
        let site_root = value("LEPTOS_SITE_ROOT").unwrap_or_else(|| "target/site".into());
        let site_pkg_dir = value("LEPTOS_SITE_PKG_DIR").unwrap_or_else(|| "pkg".into());
        let output_name = value("LEPTOS_OUTPUT_NAME").unwrap_or_else(|| OUTPUT_NAME.into());
        let mut leptos_options = LeptosOptions::builder()
            .output_name(output_name)
            .site_root(site_root.clone())
            .site_pkg_dir(site_pkg_dir)
            .site_addr(site_addr)
            .build();
        // cargo-leptos's development loop sets these for live reload.
        if let Some(port) = value("LEPTOS_RELOAD_PORT").and_then(|p| p.parse().ok()) {
            leptos_options.reload_port = port;
        }
        if value("LEPTOS_ENV").is_some_and(|env| env.eq_ignore_ascii_case("prod")) {
            leptos_options.env = leptos::config::Env::PROD;
        }
        Ok(Self {
            site_addr,
            site_root,
            database_url: value("DATABASE_URL"),
            demo_data: value("COVERS_DEMO_DATA")
                .is_some_and(|v| matches!(v.trim(), "1" | "true" | "yes")),
            leptos_options,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let vars: Vec<(String, String)> =
            vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        Config::from_lookup(move |name| {
            vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
        })
    }

    #[test]
    fn defaults_serve_the_built_site_on_port_3000_with_sqlite() {
        let config = config(&[]).unwrap();
        assert_eq!(config.site_addr.to_string(), "127.0.0.1:3000");
        assert_eq!(config.site_root, "target/site");
        assert_eq!(config.database_url, None);
        assert_eq!(&*config.leptos_options.output_name, "covers");
    }

    #[test]
    fn reads_the_environment() {
        let config = config(&[
            ("LEPTOS_SITE_ADDR", "0.0.0.0:8080"),
            ("LEPTOS_SITE_ROOT", "/srv/covers/site"),
            ("DATABASE_URL", "sqlite:/var/lib/covers/covers.db"),
        ])
        .unwrap();
        assert_eq!(config.site_addr.to_string(), "0.0.0.0:8080");
        assert_eq!(&*config.leptos_options.site_root, "/srv/covers/site");
        assert_eq!(config.database_url.as_deref(), Some("sqlite:/var/lib/covers/covers.db"));
    }

    #[test]
    fn a_bad_address_names_the_variable() {
        let err = config(&[("LEPTOS_SITE_ADDR", "localhost")]).unwrap_err();
        assert_eq!(err.name, "LEPTOS_SITE_ADDR");
        assert!(err.to_string().contains("localhost"));
    }
}
