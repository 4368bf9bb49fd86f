//! The delivery worker: every `covers` instance runs one. It takes the
//! messages of the outbox that are due (`store::messages::claim`: on
//! PostgreSQL several instances take different rows), sends each and
//! records what became of it. A message is sent at least once: a worker
//! that dies holding messages lets them go when its claim runs out, and
//! another (or itself, restarted) sends them.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};

use super::db::Db;
use super::error::ServiceError;
use super::service::Clock;
use super::store::messages::{self, Channel, MessageRow, Outcome};
use super::store::{self, Scope};

/// How many messages one round takes.
const BATCH: i64 = 20;
/// How long a worker holds the messages it took before another may.
const CLAIM: Duration = Duration::from_secs(120);
/// How often the worker looks for due messages.
const TICK: Duration = Duration::from_secs(1);

/// Where messages go out; `None` for a channel nothing is configured for.
#[derive(Clone, Default)]
pub struct Transports {}

impl Transports {
    /// Why `channel` cannot send: nothing is configured for it.
    fn missing(&self, channel: Channel) -> &'static str {
        match channel {
            Channel::Email => "not sent: no mail server configured",
            Channel::Sms => "not sent: no SMS provider configured",
        }
    }
}

#[derive(Clone)]
pub struct Delivery {
    db: Db,
    transports: Transports,
    clock: Clock,
}

impl Delivery {
    pub fn new(db: Db, transports: Transports) -> Self {
        Self { db, transports, clock: Arc::new(Utc::now) }
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
            if let Err(err) = self.round().await {
                tracing::warn!(error = %err, "message delivery round failed");
            }
        }
    }

    /// Takes the messages due now and sends them; answers how many it took.
    pub async fn round(&self) -> Result<usize, ServiceError> {
        let now = (self.clock)();
        let taken = self.claim(now).await?;
        let count = taken.len();
        for message in taken {
            let reason = self.send(&message).await;
            self.settle(message.id, reason).await?;
        }
        Ok(count)
    }

    async fn claim(&self, now: DateTime<Utc>) -> Result<Vec<MessageRow>, ServiceError> {
        let mut conn = self.db.reader().acquire().await?;
        if !messages::any_due(&mut conn, now.timestamp()).await? {
            return Ok(Vec::new());
        }
        drop(conn);
        let db = self.db.clone();
        let (now, until) = (now.timestamp(), (now + CLAIM).timestamp());
        store::write(&self.db, move |turn| {
            let db = db.clone();
            async move {
                let mut writer = store::writer(&db, turn).await?;
                let mut tx = store::begin(&db, &mut writer, Scope::Unshared).await?;
                let taken = messages::claim(&mut tx, db.engine(), now, until, BATCH).await?;
                tx.commit().await?;
                Ok(taken)
            }
        })
        .await
    }

    /// Sends one message; answers why it was not sent. (No channel has a
    /// transport yet: every message is recorded as not sent, with why.)
    async fn send(&self, message: &MessageRow) -> String {
        match Channel::parse(&message.channel) {
            Some(channel) => self.transports.missing(channel).to_string(),
            None => format!("not sent: unknown channel {:?}", message.channel),
        }
    }

    async fn settle(&self, id: String, reason: String) -> Result<(), ServiceError> {
        let db = self.db.clone();
        let now = (self.clock)().timestamp();
        store::write(&self.db, move |turn| {
            let (db, id, reason) = (db.clone(), id.clone(), reason.clone());
            async move {
                let mut writer = store::writer(&db, turn).await?;
                let mut tx = store::begin(&db, &mut writer, Scope::Unshared).await?;
                messages::settle(&mut tx, &id, Outcome::NotSent { reason: &reason }, now).await?;
                tx.commit().await?;
                Ok(())
            }
        })
        .await
    }
}
