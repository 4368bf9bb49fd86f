//! The rules of table reservations, free of I/O: values that parse, opening
//! hours and the slot grid, and the booking engine whose one predicate the
//! slot lists, booking and the owner's explanations all use. Everything here
//! is tested with `cargo test -p app`.

pub mod contact;
pub mod engine;
pub mod hours;
pub mod limits;
pub mod start;
pub mod values;

pub use contact::Contact;
pub use engine::{
    Ask, Channel, DurationRule, Floor, Hold, MAX_JOINED_TABLES, Policy, Rules, TableInfo,
    Unavailable, alternatives, natural_cmp, seat, table_is_free,
};
pub use hours::{OpeningHours, Period, PeriodSpec, Slot, service_day, slot_grid};
pub use start::Start;
pub use values::{
    DinerName, Email, Notes, ParseError, PartySize, Phone, RestaurantName, Seats, TableLabel,
    TimeZone, capitalize,
};
