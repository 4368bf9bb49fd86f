//! Configuration from the environment. Ecosystem names first
//! (`LEPTOS_SITE_ADDR`, `LEPTOS_SITE_ROOT`, `DATABASE_URL`, `DATABASE_READ_URL`,
//! `RUST_LOG`); Covers'
//! own settings start with `COVERS_`.

use std::net::SocketAddr;
use std::path::Path;
use std::time::Duration;

use app::server::Secrets;
use app::server::db::sqlite_file;
use app::server::secrets::{MIN_SECRET_LEN, new_server_secret};
use leptos::prelude::LeptosOptions;

use crate::protect::limits::LimitSettings;
use crate::protect::proxies::TrustedProxies;

/// The name wasm-bindgen gives the front end's files: `pkg/covers.js`,
/// `pkg/covers_bg.wasm`, and the stylesheet `pkg/covers.css`.
pub const OUTPUT_NAME: &str = "covers";

#[derive(Clone, Debug)]
pub struct Config {
    pub site_addr: SocketAddr,
    pub site_root: String,
    pub database_url: Option<String>,
    /// `DATABASE_READ_URL` (PostgreSQL read replicas, one host or several)
    /// and `COVERS_MAX_REPLICA_LAG` (seconds, 5 by default): where slot lists
    /// and restaurant pages may be read, and how far behind a replica may be.
    pub read_replicas: Option<(String, Duration)>,
    /// `COVERS_DEMO_DATA=1`: create demo restaurants when the database has none.
    pub demo_data: bool,
    pub leptos_options: LeptosOptions,
    /// `COVERS_SECRET`: the key of stored hashes and signed tokens.
    pub secret: Option<String>,
    /// `COVERS_PUBLIC_URL`: the address people reach Covers at.
    pub public_url: Option<String>,
    /// `COVERS_SMTP_URL` and `COVERS_MAIL_FROM`: the mail server messages
    /// go out through, and their sender.
    pub mail: Option<(String, String)>,
    /// `COVERS_SMS_URL` (default `https://api.twilio.com`), `COVERS_SMS_ACCOUNT`,
    /// `COVERS_SMS_TOKEN` and `COVERS_SMS_FROM`: the SMS provider.
    pub sms: Option<SmsSettings>,
    /// `COVERS_TRUSTED_PROXIES`: the proxies whose `X-Forwarded-For` is believed.
    pub trusted_proxies: TrustedProxies,
    /// `COVERS_RATE_LIMITS`: what one client, restaurant or guessed secret may do.
    pub limits: LimitSettings,
    /// `COVERS_REQUEST_TIMEOUT` (seconds): the longest a request may take.
    pub request_timeout: Duration,
    /// `COVERS_DELIVERY_LEASE` and `COVERS_DELIVERY_RETRY` (seconds): how
    /// long a delivery worker holds the messages it took, and its first
    /// pause after a failed try.
    pub delivery: app::server::delivery::Timing,
}

/// The SMS provider's address, account, token and sender number.
#[derive(Clone, Debug)]
pub struct SmsSettings {
    pub url: String,
    pub account: String,
    pub token: String,
    pub from: String,
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
        let public_url =
            value("COVERS_PUBLIC_URL").map(|url| url.trim_end_matches('/').to_string());
        if let Some(url) = &public_url
            && !(url.starts_with("https://") || url.starts_with("http://"))
        {
            return Err(ConfigError {
                name: "COVERS_PUBLIC_URL",
                message: format!("{url:?} is not an address like https://covers.example.com"),
            });
        }
        let mail = match (value("COVERS_SMTP_URL"), value("COVERS_MAIL_FROM")) {
            (None, _) => None,
            (Some(url), Some(from)) => {
                app::server::delivery::Mailer::check(&url, &from).map_err(|message| {
                    let name = if message.starts_with("not a mail server") {
                        "COVERS_SMTP_URL"
                    } else {
                        "COVERS_MAIL_FROM"
                    };
                    ConfigError { name, message }
                })?;
                Some((url, from))
            }
            (Some(_), None) => {
                return Err(ConfigError {
                    name: "COVERS_MAIL_FROM",
                    message: "set the sender of messages, like Covers <covers@example.com>".into(),
                });
            }
        };
        let sms = match (
            value("COVERS_SMS_ACCOUNT"),
            value("COVERS_SMS_TOKEN"),
            value("COVERS_SMS_FROM"),
        ) {
            (None, None, None) => None,
            (Some(account), Some(token), Some(from)) => {
                let url =
                    value("COVERS_SMS_URL").unwrap_or_else(|| "https://api.twilio.com".into());
                if !(url.starts_with("https://") || url.starts_with("http://")) {
                    return Err(ConfigError {
                        name: "COVERS_SMS_URL",
                        message: format!("{url:?} is not an address like https://api.twilio.com"),
                    });
                }
                Some(SmsSettings { url, account, token, from })
            }
            (account, token, _) => {
                let name = if account.is_none() {
                    "COVERS_SMS_ACCOUNT"
                } else if token.is_none() {
                    "COVERS_SMS_TOKEN"
                } else {
                    "COVERS_SMS_FROM"
                };
                return Err(ConfigError {
                    name,
                    message:
                        "set COVERS_SMS_ACCOUNT, COVERS_SMS_TOKEN and COVERS_SMS_FROM together"
                            .into(),
                });
            }
        };
        let trusted_proxies =
            TrustedProxies::parse(&value("COVERS_TRUSTED_PROXIES").unwrap_or_default())
                .map_err(|message| ConfigError { name: "COVERS_TRUSTED_PROXIES", message })?;
        let limits = LimitSettings::parse(&value("COVERS_RATE_LIMITS").unwrap_or_default())
            .map_err(|message| ConfigError { name: "COVERS_RATE_LIMITS", message })?;
        let request_timeout = match value("COVERS_REQUEST_TIMEOUT") {
            None => Duration::from_secs(30),
            Some(text) => match text.trim().parse::<u64>() {
                Ok(seconds) if (1..=3600).contains(&seconds) => Duration::from_secs(seconds),
                _ => {
                    return Err(ConfigError {
                        name: "COVERS_REQUEST_TIMEOUT",
                        message: format!("{text:?} is not a number of seconds from 1 to 3600"),
                    });
                }
            },
        };
        let seconds = |name: &'static str, default: Duration, min: Duration| match value(name) {
            None => Ok(default),
            Some(text) => match text.trim().parse::<u64>() {
                Ok(n) if (min.as_secs()..=86_400).contains(&n) => Ok(Duration::from_secs(n)),
                _ => Err(ConfigError {
                    name,
                    message: format!(
                        "{text:?} is not a number of seconds from {} to 86400",
                        min.as_secs()
                    ),
                }),
            },
        };
        use app::server::delivery::Timing;
        let delivery = Timing {
            lease: seconds("COVERS_DELIVERY_LEASE", Timing::default().lease, Timing::MIN_LEASE)?,
            first_retry: seconds(
                "COVERS_DELIVERY_RETRY",
                Timing::default().first_retry,
                Duration::from_secs(1),
            )?,
        };
        let max_lag = seconds("COVERS_MAX_REPLICA_LAG", Duration::from_secs(5), Duration::ZERO)?;
        let read_replicas = value("DATABASE_READ_URL").map(|url| (url, max_lag));
        Ok(Self {
            read_replicas,
            delivery,
            site_addr,
            site_root,
            secret: value("COVERS_SECRET"),
            public_url,
            mail,
            sms,
            trusted_proxies,
            limits,
            request_timeout,
            database_url: value("DATABASE_URL"),
            demo_data: value("COVERS_DEMO_DATA")
                .is_some_and(|v| matches!(v.trim(), "1" | "true" | "yes")),
            leptos_options,
        })
    }
}

impl Config {
    /// Whether people reach Covers over https (cookies are then `Secure`).
    pub fn https(&self) -> bool {
        self.public_url.as_deref().is_some_and(|url| url.starts_with("https://"))
    }

    /// The server's key: `COVERS_SECRET`, or on SQLite a key kept in the
    /// file `covers.secret` beside the database, made on first start. With
    /// PostgreSQL every instance must share one, so it must be given.
    pub fn secrets(&self) -> Result<Secrets, ConfigError> {
        let error = |message: String| ConfigError { name: "COVERS_SECRET", message };
        if let Some(secret) = &self.secret {
            if secret.trim().len() < MIN_SECRET_LEN {
                return Err(error(format!("use at least {MIN_SECRET_LEN} random characters")));
            }
            return Ok(Secrets::from_key(secret.trim().as_bytes()));
        }
        let Some(file) = sqlite_file(self.database_url.as_deref()) else {
            return Err(error(
                "required unless DATABASE_URL names a SQLite file: every PostgreSQL \
                 instance must use the same secret"
                    .into(),
            ));
        };
        let dir = file.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
        read_or_make_secret(&dir.join("covers.secret"))
            .map(|secret| Secrets::from_key(secret.as_bytes()))
            .map_err(error)
    }
}

/// The secret kept in `path`, made (readable by this user only) when absent.
fn read_or_make_secret(path: &Path) -> Result<String, String> {
    let shown = path.display();
    match std::fs::read_to_string(path) {
        Ok(secret) if secret.trim().len() >= MIN_SECRET_LEN => {
            return Ok(secret.trim().to_string());
        }
        Ok(_) => return Err(format!("{shown} holds fewer than {MIN_SECRET_LEN} characters")),
        Err(err) if err.kind() != std::io::ErrorKind::NotFound => {
            return Err(format!("cannot read {shown}: {err}"));
        }
        Err(_) => {}
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    let secret = new_server_secret();
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let written = options.open(path).and_then(|mut file| {
        std::io::Write::write_all(&mut file, format!("{secret}\n").as_bytes())?;
        file.sync_all()
    });
    match written {
        Ok(()) => {
            tracing::info!(file = %shown, "made a new server secret");
            Ok(secret)
        }
        // Another process made it first: use theirs.
        Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists => read_or_make_secret(path),
        Err(err) => Err(format!("cannot write {shown}: {err}")),
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
    fn the_secret_is_made_once_beside_the_sqlite_file() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite:{}", dir.path().join("db/covers.db").display());
        let config = config(&[("DATABASE_URL", &url)]).unwrap();
        let first = config.secrets().unwrap();
        let file = dir.path().join("db/covers.secret");
        assert!(file.exists());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&file).unwrap().permissions().mode();
            assert_eq!(mode & 0o077, 0, "only its owner may read the secret file");
        }
        let again = config.secrets().unwrap();
        assert!(again.matches("7KQ3M9PXTA", &first.hash("7KQ3M9PXTA")));
    }

    #[test]
    fn postgres_needs_a_long_enough_secret() {
        let pg = config(&[("DATABASE_URL", "postgres://u@localhost/covers")]).unwrap();
        assert_eq!(pg.secrets().unwrap_err().name, "COVERS_SECRET");
        let short = config(&[("COVERS_SECRET", "short")]).unwrap();
        assert_eq!(short.secrets().unwrap_err().name, "COVERS_SECRET");
        let given = config(&[
            ("DATABASE_URL", "postgres://u@localhost/covers"),
            ("COVERS_SECRET", "0123456789abcdef0123456789abcdef"),
        ])
        .unwrap();
        assert!(given.secrets().is_ok());
    }

    #[test]
    fn bad_settings_name_their_variable() {
        for (name, value) in [
            ("COVERS_PUBLIC_URL", "covers.example.com"),
            ("COVERS_REQUEST_TIMEOUT", "0"),
            ("COVERS_TRUSTED_PROXIES", "not-an-address"),
            ("COVERS_RATE_LIMITS", "client=lots"),
            ("COVERS_DELIVERY_LEASE", "5"),
            ("COVERS_DELIVERY_RETRY", "soon"),
            ("COVERS_MAX_REPLICA_LAG", "-1"),
        ] {
            assert_eq!(config(&[(name, value)]).unwrap_err().name, name);
        }
        let timing = config(&[("COVERS_DELIVERY_LEASE", "20")]).unwrap().delivery;
        assert_eq!((timing.lease.as_secs(), timing.first_retry.as_secs()), (20, 30));
        assert!(config(&[("COVERS_PUBLIC_URL", "https://covers.example.com/")]).unwrap().https());
    }

    #[test]
    fn message_transports_are_all_or_nothing_and_name_what_is_wrong() {
        let smtp = ("COVERS_SMTP_URL", "smtp://127.0.0.1:2525");
        assert_eq!(config(&[smtp]).unwrap_err().name, "COVERS_MAIL_FROM");
        let bad_from = ("COVERS_MAIL_FROM", "not an address");
        assert_eq!(config(&[smtp, bad_from]).unwrap_err().name, "COVERS_MAIL_FROM");
        let bad_url = ("COVERS_SMTP_URL", "mail.example.com");
        let from = ("COVERS_MAIL_FROM", "Covers <covers@example.com>");
        assert_eq!(config(&[bad_url, from]).unwrap_err().name, "COVERS_SMTP_URL");
        assert!(config(&[smtp, from]).unwrap().mail.is_some());
        let account = ("COVERS_SMS_ACCOUNT", "AC123");
        let token = ("COVERS_SMS_TOKEN", "secret");
        assert_eq!(config(&[account, token]).unwrap_err().name, "COVERS_SMS_FROM");
        let sender = ("COVERS_SMS_FROM", "+15005550006");
        let sms = config(&[account, token, sender]).unwrap().sms.unwrap();
        assert_eq!(sms.url, "https://api.twilio.com");
        let bad = ("COVERS_SMS_URL", "api.example.com");
        assert_eq!(config(&[account, token, sender, bad]).unwrap_err().name, "COVERS_SMS_URL");
        assert!(config(&[]).unwrap().sms.is_none());
    }

    #[test]
    fn a_bad_address_names_the_variable() {
        let err = config(&[("LEPTOS_SITE_ADDR", "localhost")]).unwrap_err();
        assert_eq!(err.name, "LEPTOS_SITE_ADDR");
        assert!(err.to_string().contains("localhost"));
    }
}
