//! The service's tests, in one binary: every capability through the
//! service's own calls (`operations`), and the booking engine's rules and
//! guarantees under concurrency and across instances (`engine`), on a real
//! SQLite file or, with `COVERS_TEST_POSTGRES=<server URL>`, on a fresh
//! PostgreSQL database.

mod engine;
mod mail;
mod messages;
mod operations;
mod self_service;
mod texts;
