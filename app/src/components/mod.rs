//! Widgets shared by several pages.

pub mod form;
pub mod nav;
pub mod owner;
pub mod page;
pub mod reservation;
pub mod slots;
pub mod table;
