//! SMS through the provider's HTTP API, in the shape of Twilio's Messages
//! API (the de facto standard): `POST {base}/2010-04-01/Accounts/{account}/
//! Messages.json` with `To`, `From` and `Body`, authenticated with the
//! account and its token. `COVERS_SMS_URL` changes the base address (a
//! compatible provider, or the tests' local server).

use std::time::Duration;

use super::Failure;

/// How long one request to the provider may take.
const TIMEOUT: Duration = Duration::from_secs(20);

#[derive(Clone)]
pub struct Texter {
    agent: ureq::Agent,
    endpoint: String,
    authorization: String,
    from: String,
}

impl Texter {
    /// A sender through the provider at `base` (e.g. `https://api.twilio.com`).
    pub fn new(base: &str, account: &str, token: &str, from: &str) -> Result<Self, String> {
        use base64::Engine as _;
        let base = base.trim_end_matches('/');
        if !(base.starts_with("https://") || base.starts_with("http://")) {
            return Err(format!("{base:?} is not an address like https://api.twilio.com"));
        }
        let agent = ureq::Agent::config_builder()
            .timeout_global(Some(TIMEOUT))
            .http_status_as_error(false)
            .build()
            .new_agent();
        let credentials =
            base64::engine::general_purpose::STANDARD.encode(format!("{account}:{token}"));
        Ok(Self {
            agent,
            endpoint: format!("{base}/2010-04-01/Accounts/{account}/Messages.json"),
            authorization: format!("Basic {credentials}"),
            from: from.to_string(),
        })
    }

    /// Sends `body` to `to`; answers the provider's id of the message.
    pub async fn send(&self, to: &str, body: &str) -> Result<String, Failure> {
        let this = self.clone();
        let (to, body) = (e164(to), body.to_string());
        tokio::task::spawn_blocking(move || this.send_now(&to, &body))
            .await
            .unwrap_or_else(|e| Err(Failure::transient(format!("the SMS send stopped: {e}"))))
    }

    fn send_now(&self, to: &str, body: &str) -> Result<String, Failure> {
        let form = [("To", to), ("From", self.from.as_str()), ("Body", body)];
        let mut response = self
            .agent
            .post(&self.endpoint)
            .header("Authorization", &self.authorization)
            .send_form(form)
            .map_err(|e| Failure::transient(format!("the SMS provider did not answer: {e}")))?;
        let status = response.status();
        let text = response.body_mut().read_to_string().unwrap_or_default();
        if status.is_success() {
            return Ok(field(&text, "sid").unwrap_or_else(|| "accepted".into()));
        }
        let reason = field(&text, "message").unwrap_or_else(|| text.chars().take(200).collect());
        let failure = format!("the SMS provider answered {status}: {reason}");
        // A refused number or message stays refused; anything else may pass later.
        if status.as_u16() == 400 || status.as_u16() == 404 {
            Err(Failure::permanent(failure))
        } else {
            Err(Failure::transient(failure))
        }
    }
}

/// A phone number as providers want it: `+` and digits, without the
/// spaces, dots, dashes and brackets people write.
fn e164(phone: &str) -> String {
    let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
    if phone.trim_start().starts_with('+') { format!("+{digits}") } else { digits }
}

/// A text field of the provider's JSON answer.
fn field(json: &str, name: &str) -> Option<String> {
    let value: serde_json::Value = serde_json::from_str(json).ok()?;
    value.get(name)?.as_str().map(str::to_string)
}

#[cfg(test)]
mod tests {
    #[test]
    fn numbers_are_sent_as_written_without_punctuation() {
        assert_eq!(super::e164("+44 20 7946 0958"), "+442079460958");
        assert_eq!(super::e164("(06) 12.34-56-78"), "0612345678");
    }
}
