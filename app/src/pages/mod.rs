//! One module per page.

pub mod day;
pub mod home;
pub mod lookup;
pub mod manage;
pub mod messages;
pub mod not_found;
pub mod owner;
pub mod reservation;
pub mod restaurant;
pub mod rules;
pub mod slot;
