//! How a diner is found again: by a phone number or an email address,
//! compared in one form however it was typed.

use super::values::{Email, ParseError, Phone};

/// A phone number or an email address a diner proves they hold.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Contact {
    Email(Email),
    Phone(Phone),
}

impl Contact {
    /// An email when the text holds an `@`, else a phone number.
    pub fn parse(text: &str) -> Result<Self, ParseError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(ParseError("enter your phone number or email address".into()));
        }
        if text.len() > super::limits::EMAIL_BYTES {
            return Err(ParseError("this is too long for a phone number or email".into()));
        }
        if text.contains('@') {
            Email::parse(text).map(Self::Email)
        } else {
            Phone::parse(text).map(Self::Phone)
        }
    }

    /// The form reservations are stored and searched by: the email in lower
    /// case (ASCII letters), the phone's digits with a leading + if given.
    pub fn key(&self) -> String {
        match self {
            Self::Email(email) => email_key(email),
            Self::Phone(phone) => phone.normalized(),
        }
    }

    /// Where a message to this contact goes, as written.
    pub fn address(&self) -> &str {
        match self {
            Self::Email(email) => email.as_str(),
            Self::Phone(phone) => phone.as_str(),
        }
    }
}

/// An email address as reservations are searched by it: its ASCII letters
/// in lower case, as the databases' `lower()` made the stored ones.
pub fn email_key(email: &Email) -> String {
    email.as_str().to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_contact_however_it_is_typed() {
        let a = Contact::parse(" Ada@Example.com ").unwrap();
        assert!(matches!(a, Contact::Email(_)));
        assert_eq!(a.key(), "ada@example.com");
        let p = Contact::parse("+44 20 7946-0958").unwrap();
        assert_eq!(p.key(), "+442079460958");
        assert_eq!(Contact::parse("(020) 7946 0958").unwrap().key(), "02079460958");
        assert!(Contact::parse("").unwrap_err().0.contains("phone number or email"));
        assert!(Contact::parse("ada@").is_err());
        assert!(Contact::parse("call me").is_err());
    }
}
