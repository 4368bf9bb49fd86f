//! Values that can only be made by parsing, so that a `PartySize` or a
//! `Phone` in hand is always valid. Each parse fails with a message a person
//! understands; forms and the API show it beside the field.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::limits;

/// Why a value was refused, in words for the person who typed it.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ParseError(pub String);

fn fail<T>(message: impl Into<String>) -> Result<T, ParseError> {
    Err(ParseError(message.into()))
}

/// How many people a reservation is for: 1 to 20.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "i64", into = "u8")]
pub struct PartySize(u8);

impl PartySize {
    pub const MIN: u8 = limits::PARTY.min as u8;
    pub const MAX: u8 = limits::PARTY.max as u8;
    /// The party pages and the API assume when none is given.
    pub const DEFAULT: PartySize = PartySize(2);

    pub fn new(n: i64) -> Result<Self, ParseError> {
        if (Self::MIN as i64..=Self::MAX as i64).contains(&n) {
            Ok(Self(n as u8))
        } else {
            fail(format!("a party is {} to {} people", Self::MIN, Self::MAX))
        }
    }

    pub fn parse(text: &str) -> Result<Self, ParseError> {
        match text.trim().parse::<i64>() {
            Ok(n) => Self::new(n),
            Err(_) => fail(format!("enter the number of people, {} to {}", Self::MIN, Self::MAX)),
        }
    }

    pub fn get(self) -> u8 {
        self.0
    }
}

impl TryFrom<i64> for PartySize {
    type Error = ParseError;
    fn try_from(n: i64) -> Result<Self, ParseError> {
        Self::new(n)
    }
}

impl From<PartySize> for u8 {
    fn from(p: PartySize) -> u8 {
        p.0
    }
}

impl fmt::Display for PartySize {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// How many people a table seats: 1 to 20.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "i64", into = "u8")]
pub struct Seats(u8);

impl Seats {
    pub fn new(n: i64) -> Result<Self, ParseError> {
        match limits::PARTY.contains(n) {
            true => Ok(Self(n as u8)),
            false => {
                fail(format!("a table seats {} to {} people", limits::PARTY.min, limits::PARTY.max))
            }
        }
    }

    pub fn parse(text: &str) -> Result<Self, ParseError> {
        match text.trim().parse::<i64>() {
            Ok(n) => Self::new(n),
            Err(_) => fail("enter the number of seats, 1 to 20"),
        }
    }

    pub fn get(self) -> u8 {
        self.0
    }

    pub fn fits(self, party: PartySize) -> bool {
        self.0 >= party.get()
    }
}

impl TryFrom<i64> for Seats {
    type Error = ParseError;
    fn try_from(n: i64) -> Result<Self, ParseError> {
        Self::new(n)
    }
}

impl From<Seats> for u8 {
    fn from(s: Seats) -> u8 {
        s.0
    }
}

/// A phone number as people write it ("+44 20 7946 0958", "(555) 123-4567"),
/// kept as typed but tidied; it must hold 7 to 15 digits.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Phone(String);

impl Phone {
    pub fn parse(text: &str) -> Result<Self, ParseError> {
        let text = text.trim();
        if text.is_empty() {
            return fail("enter a phone number");
        }
        let mut digits = 0;
        for (i, c) in text.chars().enumerate() {
            match c {
                '0'..='9' => digits += 1,
                '+' if i == 0 => {}
                ' ' | '-' | '(' | ')' | '.' => {}
                _ => return fail("a phone number has digits, spaces, and + - ( ) only"),
            }
        }
        if !(7..=15).contains(&digits) {
            return fail("a phone number has 7 to 15 digits");
        }
        Ok(Self(text.split_whitespace().collect::<Vec<_>>().join(" ")))
    }

    /// The digits alone (with a leading + if given): the same number however
    /// it was spaced.
    pub fn normalized(&self) -> String {
        phone_key(&self.0)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Phone {
    type Error = ParseError;
    fn try_from(s: String) -> Result<Self, ParseError> {
        Self::parse(&s)
    }
}

impl From<Phone> for String {
    fn from(p: Phone) -> String {
        p.0
    }
}

/// The digits of a phone number as typed, with a leading + if given.
pub fn phone_key(text: &str) -> String {
    let plus = if text.trim_start().starts_with('+') { "+" } else { "" };
    format!("{plus}{}", text.chars().filter(char::is_ascii_digit).collect::<String>())
}

/// Trims `text` and checks it is non-empty, at most `max` characters and free
/// of control characters.
fn short_text(text: &str, what: &str, max: usize) -> Result<String, ParseError> {
    let text = text.trim();
    if text.is_empty() {
        return fail(format!("enter {what}"));
    }
    if text.chars().count() > max {
        return fail(format!("{what} is at most {max} characters"));
    }
    if text.chars().any(char::is_control) {
        return fail(format!("{what} cannot contain control characters"));
    }
    Ok(text.to_string())
}

macro_rules! text_value {
    ($(#[$doc:meta])* $name:ident, $what:expr, $max:expr) => {
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            pub const MAX_CHARS: usize = $max;

            pub fn parse(text: &str) -> Result<Self, ParseError> {
                short_text(text, $what, $max).map(Self)
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl TryFrom<String> for $name {
            type Error = ParseError;
            fn try_from(s: String) -> Result<Self, ParseError> {
                Self::parse(&s)
            }
        }

        impl From<$name> for String {
            fn from(v: $name) -> String {
                v.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

text_value!(
    /// The name a reservation is under.
    DinerName, "a name", 100
);
text_value!(
    /// A restaurant's name.
    RestaurantName, "a name", 100
);
text_value!(
    /// What staff call a table: "T1", "Patio 3".
    TableLabel, "a label", 40
);

/// Free text a diner adds: dietary restrictions, an occasion. May be empty.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Notes(String);

impl Notes {
    pub const MAX_CHARS: usize = 500;

    pub fn parse(text: &str) -> Result<Self, ParseError> {
        let text = text.trim();
        if text.chars().count() > Self::MAX_CHARS {
            return fail(format!("notes are at most {} characters", Self::MAX_CHARS));
        }
        if text.chars().any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t') {
            return fail("notes cannot contain control characters");
        }
        Ok(Self(text.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Notes {
    type Error = ParseError;
    fn try_from(s: String) -> Result<Self, ParseError> {
        Self::parse(&s)
    }
}

impl From<Notes> for String {
    fn from(n: Notes) -> String {
        n.0
    }
}

/// An e-mail address: one @, something on each side, a dot in the domain.
/// (Deliverability is the mail server's business.)
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Email(String);

impl Email {
    pub fn parse(text: &str) -> Result<Self, ParseError> {
        let text = text.trim();
        let valid = text.len() <= limits::EMAIL_BYTES
            && !text.chars().any(|c| c.is_whitespace() || c.is_control())
            && match text.split_once('@') {
                Some((local, domain)) => {
                    !local.is_empty()
                        && !domain.contains('@')
                        && domain.contains('.')
                        && !domain.starts_with('.')
                        && !domain.ends_with('.')
                }
                None => false,
            };
        if valid {
            Ok(Self(text.to_string()))
        } else {
            fail("enter an e-mail address like name@example.com")
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Email {
    type Error = ParseError;
    fn try_from(s: String) -> Result<Self, ParseError> {
        Self::parse(&s)
    }
}

impl From<Email> for String {
    fn from(e: Email) -> String {
        e.0
    }
}

/// An IANA time zone such as `Europe/Paris`; every wall-clock time of a
/// restaurant is read in its zone.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct TimeZone(pub chrono_tz::Tz);

impl TimeZone {
    pub fn parse(text: &str) -> Result<Self, ParseError> {
        let text = text.trim();
        if text.is_empty() {
            return Ok(Self(chrono_tz::UTC));
        }
        text.parse::<chrono_tz::Tz>().map(Self).map_err(|_| {
            ParseError(format!("{text:?} is not a time zone; use a name like Europe/Paris"))
        })
    }

    pub fn name(&self) -> &'static str {
        self.0.name()
    }
}

impl Serialize for TimeZone {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

impl<'de> Deserialize<'de> for TimeZone {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Self::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// A sentence's first letter in capitals: "That table…" from "that table…".
pub fn capitalize(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |c| c.to_uppercase().chain(chars).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn party_size_is_one_to_twenty() {
        assert_eq!(PartySize::parse("4").unwrap().get(), 4);
        assert_eq!(PartySize::parse(" 20 ").unwrap().get(), 20);
        assert!(PartySize::parse("0").is_err());
        assert!(PartySize::parse("21").is_err());
        assert!(PartySize::parse("-3").is_err());
        assert!(PartySize::parse("four").unwrap_err().0.contains("number of people"));
        assert!(serde_json::from_str::<PartySize>("25").is_err());
        assert_eq!(serde_json::from_str::<PartySize>("2").unwrap().get(), 2);
    }

    #[test]
    fn seats_fit_parties_up_to_their_size() {
        let four = Seats::new(4).unwrap();
        assert!(four.fits(PartySize::new(4).unwrap()));
        assert!(!four.fits(PartySize::new(5).unwrap()));
        assert!(Seats::new(0).is_err());
        assert!(Seats::new(21).is_err());
    }

    #[test]
    fn phones_accept_what_people_type() {
        for ok in ["+44 20 7946 0958", "(555) 123-4567", "0612345678", "555.123.4567"] {
            assert!(Phone::parse(ok).is_ok(), "{ok}");
        }
        assert_eq!(Phone::parse("  +33  6 12 34 56 78 ").unwrap().as_str(), "+33 6 12 34 56 78");
        assert_eq!(Phone::parse("+33 6 12-34-56-78").unwrap().normalized(), "+33612345678");
        assert!(Phone::parse("").unwrap_err().0.contains("enter"));
        assert!(Phone::parse("12345").unwrap_err().0.contains("7 to 15"));
        assert!(Phone::parse("call me maybe").is_err());
        assert!(Phone::parse("555+1234567").is_err());
        assert!(Phone::parse("1234567890123456").is_err());
    }

    #[test]
    fn names_are_trimmed_bounded_and_printable() {
        assert_eq!(DinerName::parse("  Ada Lovelace ").unwrap().as_str(), "Ada Lovelace");
        assert!(DinerName::parse("   ").is_err());
        assert!(DinerName::parse(&"x".repeat(101)).is_err());
        assert!(DinerName::parse(&"é".repeat(100)).is_ok());
        assert!(RestaurantName::parse("Chez\u{7}Nous").is_err());
    }

    #[test]
    fn notes_may_be_empty_or_multi_line() {
        assert_eq!(Notes::parse("").unwrap().as_str(), "");
        assert!(Notes::parse("Nut allergy.\nBirthday!").is_ok());
        assert!(Notes::parse(&"x".repeat(501)).is_err());
    }

    #[test]
    fn emails_need_a_local_part_and_a_domain() {
        assert!(Email::parse("ada@example.com").is_ok());
        for bad in ["ada", "ada@", "@example.com", "ada@example", "a b@example.com", "a@b@c.com"] {
            assert!(Email::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn time_zones_are_iana_names() {
        assert_eq!(TimeZone::parse("Europe/Paris").unwrap().name(), "Europe/Paris");
        assert_eq!(TimeZone::parse("").unwrap().name(), "UTC");
        assert!(TimeZone::parse("Mars/Olympus").unwrap_err().0.contains("Europe/Paris"));
    }
}
