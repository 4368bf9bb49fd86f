//! Bounds on what a request may ask for and what a restaurant may set,
//! defined once: the dates Covers works with, the ranges of the booking
//! rules, the lengths of free text. Parsing checks them, the OpenAPI
//! document declares them and the pages' inputs carry them; the
//! migrations' CHECKs stay as the database's own guard. Dates are bounded
//! so that no date arithmetic ever runs on a year like +262142.

use chrono::NaiveDate;

use super::ParseError;

/// The first date Covers accepts.
pub const FIRST_DATE: NaiveDate = NaiveDate::from_ymd_opt(2000, 1, 1).expect("a date");
/// The last date Covers accepts.
pub const LAST_DATE: NaiveDate = NaiveDate::from_ymd_opt(2199, 12, 31).expect("a date");
/// The last page of a listing that may be asked for.
pub const MAX_PAGE: u32 = 1_000_000;
/// The longest search text or city name searched for, in characters.
pub const MAX_SEARCH_CHARS: usize = 100;

/// The inclusive range a whole number must fall in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Bounds {
    pub min: i64,
    pub max: i64,
}

impl Bounds {
    pub const fn new(min: i64, max: i64) -> Self {
        Self { min, max }
    }

    pub fn contains(self, n: i64) -> bool {
        (self.min..=self.max).contains(&n)
    }

    /// `n` when it is in range, else the message to show beside the field.
    pub fn check(self, n: i64) -> Result<i64, ParseError> {
        if self.contains(n) {
            Ok(n)
        } else {
            Err(ParseError(format!("must be between {} and {}", self.min, self.max)))
        }
    }
}

/// People in a party, at a table, or the smallest party a table takes.
pub const PARTY: Bounds = Bounds::new(1, 20);
/// How often slots start, in minutes.
pub const SLOT_MINUTES: Bounds = Bounds::new(5, 240);
/// How long a table is held for a party, in minutes.
pub const STAY_MINUTES: Bounds = Bounds::new(15, 720);
/// Time to clear a table between parties, in minutes.
pub const BUFFER_MINUTES: Bounds = Bounds::new(0, 240);
/// The share of seats kept for walk-ins, in percent.
pub const WALK_IN_PERCENT: Bounds = Bounds::new(0, 100);
/// How long before a reservation it must be made, in minutes (30 days).
pub const NOTICE_MINUTES: Bounds = Bounds::new(0, 43_200);
/// How many days ahead bookings open.
pub const DAYS_AHEAD: Bounds = Bounds::new(0, 730);
/// The largest party booked online; 0 leaves it to the tables.
pub const LARGEST_PARTY: Bounds = Bounds::new(0, 20);
/// Requests a minute a restaurant takes from everyone together.
pub const REQUESTS_PER_MINUTE: Bounds = Bounds::new(100, 2000);
/// A one-time code as typed (6 digits, perhaps spaced).
pub const ONE_TIME_CODE_CHARS: usize = 12;
/// Hours before a reservation its reminder goes.
pub const REMINDER_HOURS: Bounds = Bounds::new(1, 168);
/// Latitude and longitude, in degrees.
pub const LATITUDE: (f64, f64) = (-90.0, 90.0);
pub const LONGITUDE: (f64, f64) = (-180.0, 180.0);

/// The longest address or city, in characters.
pub const PLACE_CHARS: usize = 200;
/// The longest area or join group of a table, in characters.
pub const GROUP_CHARS: usize = 40;
/// The longest e-mail address, in bytes (RFC 5321).
pub const EMAIL_BYTES: usize = 254;
/// The longest reason given for a cancellation, in characters.
pub const REASON_CHARS: usize = 500;
/// The most opening periods a restaurant lists.
pub const MAX_PERIODS: usize = 50;
/// The most duration rows, one per party size at most.
pub const MAX_DURATIONS: usize = 20;
/// The most closed dates a restaurant lists.
pub const MAX_CLOSED_DATES: usize = 1000;
/// The most tables added in one request.
pub const MAX_TABLES_AT_ONCE: usize = 200;
/// The most tables one reservation is seated at.
pub const MAX_JOINED_TABLES: usize = 6;
/// The longest page of a listing.
pub const PER_PAGE: Bounds = Bounds::new(1, 100);

/// Whether `date` lies in the supported window, with the message if not.
pub fn check_date(date: NaiveDate) -> Result<NaiveDate, ParseError> {
    if (FIRST_DATE..=LAST_DATE).contains(&date) {
        Ok(date)
    } else {
        Err(ParseError(format!(
            "{date} is outside the dates Covers works with ({FIRST_DATE} to {LAST_DATE})"
        )))
    }
}

/// A date written `YYYY-MM-DD`, inside the supported window.
pub fn parse_date(text: &str) -> Result<NaiveDate, ParseError> {
    let date = NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| ParseError(format!("{text:?} is not a date; use YYYY-MM-DD")))?;
    check_date(date)
}

/// A search text: trimmed, at most [`MAX_SEARCH_CHARS`] characters.
pub fn search_text(text: &str) -> Result<&str, ParseError> {
    let text = text.trim();
    if text.chars().count() > MAX_SEARCH_CHARS {
        return Err(ParseError(format!("at most {MAX_SEARCH_CHARS} characters")));
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_outside_the_window_are_refused() {
        assert!(parse_date("2026-12-04").is_ok());
        assert!(parse_date("+262142-12-31").is_err());
        assert!(parse_date("1999-12-31").unwrap_err().0.contains("outside"));
        assert!(parse_date("2200-01-01").is_err());
        assert!(parse_date("2199-12-31").is_ok());
        assert!(parse_date("tomorrow").unwrap_err().0.contains("YYYY-MM-DD"));
    }

    #[test]
    fn long_searches_are_refused() {
        assert_eq!(search_text("  bistro ").unwrap(), "bistro");
        assert!(search_text(&"é".repeat(MAX_SEARCH_CHARS)).is_ok());
        assert!(search_text(&"a".repeat(MAX_SEARCH_CHARS + 1)).is_err());
    }
}
