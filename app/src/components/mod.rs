//! Widgets shared by several pages.

pub mod nav;
pub mod party_size;
