//! Bounds on what a request may ask for, defined once: the dates Covers
//! works with and the length of a search. Parsing at the edge uses them, so
//! no date arithmetic ever runs on a year like +262142.

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
