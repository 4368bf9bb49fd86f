//! The server crate's integration tests, in one binary (one link, one
//! binary on disk): the JSON API, the pages and layers through the router,
//! the service and the booking engine on real databases, and real `covers`
//! processes. Tests marked as needing PostgreSQL run with
//! `COVERS_TEST_POSTGRES=… cargo test -p server -- --include-ignored`.

mod common;

mod api;
mod cluster;
mod engine;
mod postgres_restart;
mod process;
mod protection;
mod router;
mod service;
