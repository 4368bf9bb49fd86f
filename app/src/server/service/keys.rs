//! The restaurant's owner key after creation: rotating it, and bringing the
//! hashes stored before secrets were keyed up to the keyed form.

use super::auth::authorize_owner;
use super::{Result, Service};
use crate::server::secrets;
use crate::server::store::{self, Scope, Turn, restaurants};

/// The columns that hold a hashed secret, by table and primary key.
const HASHED: [(&str, &str, &str); 4] = [
    ("restaurants", "id", "owner_key_hash"),
    ("reservations", "id", "code_hash"),
    ("idempotency_keys", "key_hash", "request_hash"),
    ("idempotency_keys", "key_hash", "key_hash"),
];

impl Service {
    /// Replaces a restaurant's owner key with a new one (owner only) and
    /// answers it, shown once: the old key stops working at once.
    pub async fn rotate_owner_key(&self, id: &str, owner_key: Option<&str>) -> Result<String> {
        let asked = (id.to_owned(), owner_key.map(str::to_owned));
        self.write(asked, Self::rotate_owner_key_in).await
    }

    async fn rotate_owner_key_in(
        self,
        turn: Turn,
        (id, owner_key): (String, Option<String>),
    ) -> Result<String> {
        let new_key = secrets::new_owner_key();
        let mut writer = store::writer(&self.db, turn).await?;
        let mut tx = store::begin(&self.db, &mut writer, Scope::Restaurant(&id)).await?;
        let current = restaurants::load(&mut tx, &id).await?;
        authorize_owner(&self.secrets, &mut tx, &current, owner_key.as_deref()).await?;
        let now = self.now().timestamp();
        restaurants::set_owner_key_hash(&mut tx, &id, &self.secrets.hash(&new_key), now).await?;
        tx.commit().await?;
        self.plans.forget(&id);
        tracing::info!(restaurant = %id, "owner key rotated");
        Ok(new_key)
    }

    /// Rewrites every secret hash stored in the older, unkeyed form (plain
    /// SHA-256) into the keyed form, which needs no secret to compute; run
    /// at start. Answers how many were rewritten.
    pub async fn upgrade_stored_secrets(&self) -> Result<u64> {
        self.write((), Self::upgrade_stored_secrets_in).await
    }

    async fn upgrade_stored_secrets_in(self, turn: Turn, (): ()) -> Result<u64> {
        let mut upgraded = 0;
        let mut writer = store::writer(&self.db, turn).await?;
        let mut tx = store::begin(&self.db, &mut writer, Scope::Unshared).await?;
        for (table, key, column) in HASHED {
            let rows: Vec<(String, String)> = sqlx::query_as(&format!(
                "SELECT {key}, {column} FROM {table} WHERE {column} NOT LIKE 'hmac:%'"
            ))
            .fetch_all(&mut *tx)
            .await?;
            for (id, stored) in rows {
                let Some(keyed) = self.secrets.upgrade(&stored) else { continue };
                sqlx::query(&format!("UPDATE {table} SET {column} = $1 WHERE {key} = $2"))
                    .bind(keyed)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                upgraded += 1;
            }
        }
        tx.commit().await?;
        if upgraded > 0 {
            self.plans.forget_all();
            tracing::info!(hashes = upgraded, "stored secrets rewritten as keyed hashes");
        }
        Ok(upgraded)
    }
}
