//! E-mail over SMTP (lettre): `COVERS_SMTP_URL` (`smtp://host:port`, or
//! `smtps://user:password@host:port` for TLS) from `COVERS_MAIL_FROM`. Each
//! message carries a text and an HTML part and, for a reservation, its
//! calendar file; its Message-ID is the outbox row's id, so a message sent
//! twice after a crash can be recognised as one.

use std::time::Duration;

use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, MultiPart};
use lettre::transport::smtp::AsyncSmtpTransportBuilder;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use super::Failure;
use super::compose::Letter;

/// How long one conversation with the mail server may take.
const TIMEOUT: Duration = Duration::from_secs(20);

#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl Mailer {
    /// A mailer for the server at `url`, sending from `from`; a message
    /// naming what is wrong with either. (Within the Tokio runtime: the
    /// mailer keeps a pool of connections.)
    pub fn new(url: &str, from: &str) -> Result<Self, String> {
        let (transport, from) = Self::parts(url, from)?;
        Ok(Self { transport: transport.timeout(Some(TIMEOUT)).build(), from })
    }

    /// Whether `url` and `from` make a mailer (outside the runtime too).
    pub fn check(url: &str, from: &str) -> Result<(), String> {
        Self::parts(url, from).map(|_| ())
    }

    fn parts(url: &str, from: &str) -> Result<(AsyncSmtpTransportBuilder, Mailbox), String> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| format!("not a mail server address like smtp://host:25 ({e})"))?;
        let from = from.parse().map_err(|e| {
            format!("{from:?} is not an address like Covers <covers@example.com> ({e})")
        })?;
        Ok((transport, from))
    }

    /// Sends `letter` to `to`; answers the server's reply.
    pub async fn send(
        &self,
        to: &str,
        letter: &Letter,
        message_id: &str,
    ) -> Result<String, Failure> {
        let to: Mailbox =
            to.parse().map_err(|e| Failure::permanent(format!("bad address: {e}")))?;
        let parts = MultiPart::alternative_plain_html(letter.text.clone(), letter.html.clone());
        let body = match &letter.calendar {
            None => parts,
            Some(file) => {
                let kind = format!("text/calendar; charset=utf-8; method={}", file.method);
                let kind = ContentType::parse(&kind).expect("a valid content type");
                MultiPart::mixed().multipart(parts).singlepart(
                    Attachment::new("reservation.ics".into()).body(file.body.clone(), kind),
                )
            }
        };
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(&letter.subject)
            .message_id(Some(format!("<{message_id}@covers>")))
            .multipart(body)
            .map_err(|e| Failure::permanent(format!("cannot build the message: {e}")))?;
        match self.transport.send(message).await {
            Ok(reply) => Ok(reply.message().collect::<Vec<_>>().join(" ")),
            Err(e) if e.is_permanent() => Err(Failure::permanent(e.to_string())),
            Err(e) => Err(Failure::transient(e.to_string())),
        }
    }
}
