//! The delivery worker: every `covers` instance runs one. It takes the
//! messages of the outbox that are due (`store::messages::claim`: on
//! PostgreSQL several instances take different rows), sends each and
//! records what became of it. A message is sent at least once: a worker
//! that dies holding messages lets them go when its claim runs out, and
//! another (or itself, restarted) sends them.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};

use super::PublicUrl;
use super::db::Db;
use super::error::ServiceError;
use super::secrets::Secrets;
use super::service::{CODE_LIFE_SECS, Clock, link_token};
use super::store::messages::{self, Channel, Kind, MessageRow, Outcome};
use super::store::{self, Scope, reservations, restaurants};

pub mod compose;
pub mod email;
pub mod sms;

pub use email::Mailer;
pub use sms::Texter;

/// How many messages one round takes.
const BATCH: i64 = 5;
/// How often the worker looks for due messages.
const TICK: Duration = Duration::from_secs(1);
/// How many times a message is tried before it counts as failed.
const MAX_ATTEMPTS: i64 = 10;

/// How long a worker may hold messages, and how soon it tries again.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Timing {
    /// How long a worker holds the messages it took before another may
    /// (`COVERS_DELIVERY_LEASE`): the messages of a worker that died go
    /// out again after this. Each message of a round gets at most a sixth
    /// of it, so a round always ends within its lease and a message is not
    /// sent twice while its worker lives.
    pub lease: Duration,
    /// The pause after a first failed try (`COVERS_DELIVERY_RETRY`); it
    /// doubles with every try, to an hour.
    pub first_retry: Duration,
}

impl Default for Timing {
    fn default() -> Self {
        Self { lease: Duration::from_secs(130), first_retry: Duration::from_secs(30) }
    }
}

impl Timing {
    /// The shortest lease: a second for each message of a round, and one more.
    pub const MIN_LEASE: Duration = Duration::from_secs(BATCH as u64 + 1);

    /// The longest one message of a round may take.
    fn per_message(&self) -> Duration {
        self.lease / (BATCH as u32 + 1)
    }
}

/// Where messages go out, and the address their links lead to.
#[derive(Clone, Default)]
pub struct Transports {
    /// The mail server, when one is configured.
    pub email: Option<Mailer>,
    /// The SMS provider, when one is configured.
    pub sms: Option<Texter>,
    /// `COVERS_PUBLIC_URL`: the address diners reach Covers at.
    pub public_url: PublicUrl,
}

/// Why a message was not sent this time.
#[derive(Clone, Debug)]
pub struct Failure {
    pub message: String,
    /// Trying again will not help (an address the server refuses for good).
    pub permanent: bool,
}

impl Failure {
    pub fn permanent(message: impl Into<String>) -> Self {
        Self { message: message.into(), permanent: true }
    }

    pub fn transient(message: impl Into<String>) -> Self {
        Self { message: message.into(), permanent: false }
    }
}

/// A message that is not sent, and why.
fn not_sent(reason: impl Into<String>) -> Outcome {
    Outcome::NotSent { reason: reason.into() }
}

/// The transport a message takes.
enum Via<'a> {
    Mail(&'a Mailer),
    Text(&'a Texter),
}

#[derive(Clone)]
pub struct Delivery {
    db: Db,
    transports: Transports,
    /// The server's key: signs manage links, opens sealed codes.
    secrets: Secrets,
    timing: Timing,
    clock: Clock,
}

impl Delivery {
    pub fn new(db: Db, secrets: Secrets, transports: Transports) -> Self {
        Self { db, transports, secrets, timing: Timing::default(), clock: Arc::new(Utc::now) }
    }

    /// The same worker with another lease and retry pause.
    pub fn with_timing(mut self, timing: Timing) -> Self {
        self.timing = timing;
        self
    }

    /// The same worker on another clock (the tests' fixed "now").
    pub fn with_clock(mut self, clock: Clock) -> Self {
        self.clock = clock;
        self
    }

    /// Runs rounds for ever, one a second (a failed round is logged and
    /// the next one tries again).
    pub async fn run(self) {
        let mut tick = tokio::time::interval(TICK);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            // A full batch: more may be due, so go on at once.
            loop {
                match self.round().await {
                    Ok(taken) if taken as i64 == BATCH => continue,
                    Ok(_) => break,
                    Err(err) => {
                        tracing::warn!(error = %err, "message delivery round failed");
                        break;
                    }
                }
            }
        }
    }

    /// Takes the messages due now and sends them; answers how many it took.
    pub async fn round(&self) -> Result<usize, ServiceError> {
        let now = (self.clock)();
        let (taken, until) = self.claim(now).await?;
        let count = taken.len();
        let mut settled = Vec::with_capacity(count);
        for message in taken {
            let outcome =
                match tokio::time::timeout(self.timing.per_message(), self.send(&message, now))
                    .await
                {
                    Ok(outcome) => outcome,
                    Err(_) => {
                        let waited = self.timing.per_message().as_secs_f32();
                        let failure = Failure::transient(format!("no answer within {waited:.0} s"));
                        self.failed(&message, failure, now)
                    }
                };
            settled.push((message.id, outcome));
        }
        if !settled.is_empty() {
            self.settle(settled, until).await?;
        }
        Ok(count)
    }

    /// Takes the messages due now for this worker's lease; answers them and
    /// the end of the lease (measured once the claim runs, rounded up).
    async fn claim(&self, now: DateTime<Utc>) -> Result<(Vec<MessageRow>, i64), ServiceError> {
        let mut conn = self.db.reader().acquire().await?;
        if !messages::any_due(&mut conn, now.timestamp()).await? {
            return Ok((Vec::new(), 0));
        }
        drop(conn);
        let (db, clock, lease) = (self.db.clone(), self.clock.clone(), self.timing.lease);
        store::write(&self.db, move |turn| {
            let (db, clock) = (db.clone(), clock.clone());
            async move {
                let mut writer = store::writer(&db, turn).await?;
                let mut tx = store::begin(&db, &mut writer, Scope::Unshared).await?;
                let now = clock().timestamp();
                let until = now + lease.as_secs() as i64 + 1;
                let taken = messages::claim(&mut tx, db.engine(), now, until, BATCH).await?;
                tx.commit().await?;
                Ok((taken, until))
            }
        })
        .await
    }

    /// Sends one message and says what became of it.
    async fn send(&self, message: &MessageRow, now: DateTime<Utc>) -> Outcome {
        let kind = Kind::parse(&message.kind);
        let Some(channel) = Channel::parse(&message.channel) else {
            return not_sent(format!("not sent: unknown channel {:?}", message.channel));
        };
        let via = match (channel, &self.transports.email, &self.transports.sms) {
            (Channel::Email, Some(mailer), _) => Via::Mail(mailer),
            (Channel::Sms, _, Some(texter)) => Via::Text(texter),
            (Channel::Email, None, _) => {
                return not_sent("not sent: no mail server configured");
            }
            (Channel::Sms, _, None) => {
                return not_sent("not sent: no SMS provider configured");
            }
        };
        let letter = match (kind, &message.reservation_id) {
            (Some(Kind::Code), None) => match self.code_letter(message, now) {
                Ok(letter) => letter,
                Err(outcome) => return outcome,
            },
            (Some(kind), Some(id)) if kind != Kind::Code => {
                match self.letter(kind, id, now).await {
                    Ok(letter) => letter,
                    Err(err) => {
                        return self.failed(message, Failure::transient(err.to_string()), now);
                    }
                }
            }
            _ => {
                return not_sent(format!("not sent: nothing to say for {:?}", message.kind));
            }
        };
        let sent = match via {
            Via::Mail(mailer) => mailer.send(&message.recipient, &letter, &message.id).await,
            Via::Text(texter) => texter.send(&message.recipient, &letter.sms).await,
        };
        match sent {
            Ok(reply) => Outcome::Sent { provider_id: reply },
            Err(failure) => self.failed(message, failure, now),
        }
    }

    /// The letter of a message about reservation `id`, as it is now, with
    /// a manage link made now.
    async fn letter(
        &self,
        kind: Kind,
        id: &str,
        now: DateTime<Utc>,
    ) -> Result<compose::Letter, ServiceError> {
        let mut conn = self.db.reader().acquire().await?;
        let reservation = reservations::find(&mut conn, id)
            .await?
            .ok_or_else(|| ServiceError::Internal(format!("reservation {id} is gone")))?;
        let restaurant = restaurants::load(&mut conn, &reservation.restaurant_id).await?;
        let token = link_token(&self.secrets, &reservation.id, reservation.start_at, now);
        let link = self.transports.public_url.manage_link(&token);
        Ok(compose::letter(kind, &reservation, &restaurant, &link))
    }

    /// The letter of a one-time code: the code opened from its sealed row,
    /// or why it is not sent (it expired waiting, or cannot be opened).
    fn code_letter(
        &self,
        message: &MessageRow,
        now: DateTime<Utc>,
    ) -> Result<compose::Letter, Outcome> {
        let left = message.created_at + CODE_LIFE_SECS - now.timestamp();
        if left <= 0 {
            return Err(not_sent("not sent: the code expired before it could be sent"));
        }
        let code = message.sealed.as_deref().and_then(|s| self.secrets.open_for(&message.id, s));
        let Some(code) = code else {
            return Err(not_sent("not sent: the code cannot be read (another server key?)"));
        };
        Ok(compose::code_letter(&code, CODE_LIFE_SECS / 60))
    }

    /// A failed try: again later, with a pause that doubles each time, or
    /// failed for good.
    fn failed(&self, message: &MessageRow, failure: Failure, now: DateTime<Utc>) -> Outcome {
        let retry_at = (!failure.permanent && message.attempts < MAX_ATTEMPTS).then(|| {
            let first = self.timing.first_retry.as_secs() as i64;
            let pause = (first << (message.attempts - 1).clamp(0, 7)).min(3600);
            now.timestamp() + pause
        });
        tracing::warn!(message = %message.id, error = %failure.message, retry = retry_at.is_some(), "message not sent");
        Outcome::Failed { error: failure.message, retry_at }
    }

    /// Records what became of the messages of a round, in one transaction:
    /// of those this worker still holds (`until`, its lease), so a worker
    /// that outran its lease never overwrites what another recorded since.
    async fn settle(
        &self,
        settled: Vec<(String, Outcome)>,
        until: i64,
    ) -> Result<(), ServiceError> {
        let db = self.db.clone();
        let now = (self.clock)().timestamp();
        let settled = Arc::new(settled);
        store::write(&self.db, move |turn| {
            let (db, settled) = (db.clone(), settled.clone());
            async move {
                let mut writer = store::writer(&db, turn).await?;
                let mut tx = store::begin(&db, &mut writer, Scope::Unshared).await?;
                for (id, outcome) in settled.iter() {
                    messages::settle(&mut tx, id, outcome, now, until).await?;
                }
                tx.commit().await?;
                Ok(())
            }
        })
        .await
    }
}
