//! The server crate's integration tests, in one binary (one link, one
//! binary on disk): the JSON API, the pages and layers through the router,
//! several instances on one database, and real `covers` processes. The
//! service's own tests live beside it, in `app/tests/service`. Tests marked as needing PostgreSQL run with
//! `COVERS_TEST_POSTGRES=… cargo test -p server -- --include-ignored`.

mod common;

mod api;
mod cluster;
mod delivery;
mod failover;
mod postgres_restart;
mod process;
mod protection;
mod replicas;
mod router;
