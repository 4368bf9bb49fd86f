//! The rules of table reservations, free of I/O: values that parse, opening
//! hours and the slot grid, and the availability predicate that both the slot
//! lists and booking use. Everything here is tested with `cargo test -p app`.

pub mod availability;
pub mod hours;
pub mod values;

pub use availability::{
    Hold, NoTable, SlotTables, TableInfo, assign_table, day_availability, natural_cmp,
    table_is_free,
};
pub use hours::{OpeningHours, Period, PeriodSpec, Slot, service_day, slot_grid};
pub use values::{
    DinerName, Email, Notes, ParseError, PartySize, Phone, RestaurantName, Seats, TableLabel,
    TimeZone,
};
