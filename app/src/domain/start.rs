//! A start time as a request writes it: an instant (RFC 3339, with its
//! offset) or a wall-clock time read in the restaurant's zone. It is parsed
//! where the request arrives and resolved to an instant once the
//! restaurant, and so its zone, is known.

use chrono::{DateTime, NaiveDateTime, TimeZone as _, Utc};

use super::limits::check_date;
use super::values::{ParseError, TimeZone};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Start {
    /// An instant: `2026-12-04T19:00:00+01:00`.
    Instant(DateTime<Utc>),
    /// A wall-clock time of the restaurant: `2026-12-04T19:00`.
    Local(NaiveDateTime),
}

impl Start {
    /// RFC 3339 with an offset, or a local `YYYY-MM-DDTHH:MM[:SS]`, on a
    /// date Covers works with.
    pub fn parse(text: &str) -> Result<Self, ParseError> {
        let text = text.trim();
        if let Ok(t) = DateTime::parse_from_rfc3339(text) {
            check_date(t.date_naive())?;
            return Ok(Start::Instant(t.with_timezone(&Utc)));
        }
        let local = NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M")
            .or_else(|_| NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S"))
            .map_err(|_| {
                ParseError(format!("{text:?} is not a time; use 2026-12-04T19:00 or RFC 3339"))
            })?;
        check_date(local.date())?;
        Ok(Start::Local(local))
    }

    /// The instant in the restaurant's zone `tz`: a repeated wall time
    /// means its first occurrence, as in the slot lists; a wall time the
    /// clocks skip is refused.
    pub fn resolve(self, tz: TimeZone) -> Result<DateTime<Utc>, ParseError> {
        match self {
            Start::Instant(t) => Ok(t),
            Start::Local(local) => {
                tz.0.from_local_datetime(&local)
                    .earliest()
                    .map(|t| t.with_timezone(&Utc))
                    .ok_or_else(|| {
                        ParseError(format!(
                            "{local} does not exist in {} (the clocks change then)",
                            tz.name()
                        ))
                    })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paris() -> TimeZone {
        TimeZone::parse("Europe/Paris").unwrap()
    }

    #[test]
    fn instants_and_wall_times_resolve_in_the_zone() {
        let at = |text: &str| Start::parse(text).unwrap().resolve(paris()).unwrap().to_rfc3339();
        assert_eq!(at("2026-12-04T19:00"), "2026-12-04T18:00:00+00:00");
        assert_eq!(at("2026-12-04T19:00:30"), "2026-12-04T18:00:30+00:00");
        assert_eq!(at("2026-12-04T19:00:00Z"), "2026-12-04T19:00:00+00:00");
        // The hour the clocks go back: its first occurrence.
        assert_eq!(at("2027-10-31T02:30"), "2027-10-31T00:30:00+00:00");
    }

    #[test]
    fn bad_times_are_refused_with_a_reason() {
        assert!(Start::parse("tomorrow").unwrap_err().0.contains("not a time"));
        assert!(Start::parse("+262142-12-04T19:00").is_err());
        assert!(Start::parse("1999-12-04T19:00").unwrap_err().0.contains("outside"));
        let skipped = Start::parse("2027-03-28T02:30").unwrap().resolve(paris());
        assert!(skipped.unwrap_err().0.contains("does not exist"));
    }
}
