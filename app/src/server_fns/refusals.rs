//! The one way a form's server function answers a service error. Each
//! action says how it words its refusals ([`Wording`]); what each kind of
//! error becomes is decided here, once.

use std::collections::BTreeMap;

use super::{FormError, FormResult, refuse};
use crate::domain::capitalize;
use crate::server::ServiceError;

/// How one action words its refusals.
pub(crate) struct Wording {
    /// Without the owner key, or with another restaurant's.
    pub not_allowed: &'static str,
    /// When what it acts on is not there (for a reservation: not there for
    /// this caller). `None`: nothing is left to do, which counts as done.
    pub gone: Option<&'static str>,
    /// When the server could not do it; nothing was changed.
    pub failed: &'static str,
    /// For an action without fields of its own (a button on a list): the
    /// start of its one-sentence refusal, such as "Not moved". Otherwise
    /// problems with the input are shown beside the fields.
    pub one_line: Option<&'static str>,
}

impl Wording {
    /// The form's answer to `err`, with what was typed (to fill the form
    /// again).
    pub(crate) fn refuse(&self, err: ServiceError, values: BTreeMap<String, String>) -> FormResult {
        let refusal = match (err, self.one_line) {
            (ServiceError::Invalid(fields), None) => {
                FormError::Invalid { fields: fields.0, values }
            }
            (ServiceError::Invalid(fields), Some(start)) => {
                let reasons: Vec<String> = fields.0.into_values().collect();
                FormError::Refused(format!("{start}: {}.", reasons.join("; ")))
            }
            (
                ServiceError::InvalidTransition(message)
                | ServiceError::SlotUnavailable { message, .. },
                one_line,
            ) => FormError::Refused(match one_line {
                Some(start) => format!("{start}: {message}."),
                None => capitalize(&message),
            }),
            (ServiceError::InvalidCode, _) => FormError::Invalid {
                fields: BTreeMap::from([(
                    "code".to_string(),
                    ServiceError::InvalidCode.to_string(),
                )]),
                values,
            },
            (ServiceError::TooMany { .. }, _) => FormError::Refused(
                "Too many codes were asked for this contact today. Please try again tomorrow."
                    .into(),
            ),
            (ServiceError::Unauthorized | ServiceError::Forbidden, _) => {
                FormError::Refused(self.not_allowed.into())
            }
            (ServiceError::NotFound(_), _) => match self.gone {
                Some(message) => FormError::Refused(message.into()),
                None => return Ok(None),
            },
            (
                ServiceError::IdempotencyKeyReused
                | ServiceError::Unavailable
                | ServiceError::Retry
                | ServiceError::Internal(_),
                _,
            ) => FormError::Failed(self.failed.into()),
        };
        refuse(refusal)
    }
}

/// The same error with its fields renamed as the form names them: the
/// service's `opening_hours` is the form's `hours`, and a field of the
/// first of several items (`tables[0].capacity`) is the form's own.
pub(crate) fn as_form_fields(err: ServiceError) -> ServiceError {
    match err {
        ServiceError::Invalid(mut fields) => {
            fields.0 = std::mem::take(&mut fields.0)
                .into_iter()
                .map(|(field, message)| {
                    let field = match field.as_str() {
                        "opening_hours" => "hours".to_string(),
                        other => other.trim_start_matches("tables[0].").to_string(),
                    };
                    (field, message)
                })
                .collect();
            ServiceError::Invalid(fields)
        }
        other => other,
    }
}
