//! The server tests' fixtures: those shared with the service's tests
//! (`testkit`), real `covers` processes under load, and PostgreSQL clusters
//! of their own.
#![allow(dead_code)]

pub mod cluster;
pub mod load;

pub use testkit::*;
