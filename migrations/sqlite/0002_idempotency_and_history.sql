-- Idempotency keys of reservation requests, and the history of every
-- reservation.

-- A create request's Idempotency-Key, kept so that a retry returns the same
-- reservation. The key itself is not stored, only its hash; the
-- confirmation code is kept sealed with the key, so that a retry can show it
-- again and nobody reading the database can.
CREATE TABLE idempotency_keys (
    key_hash       TEXT PRIMARY KEY NOT NULL,
    request_hash   TEXT NOT NULL,
    reservation_id TEXT NOT NULL REFERENCES reservations (id),
    code_sealed    TEXT NOT NULL,
    created_at     INTEGER NOT NULL
) WITHOUT ROWID;

CREATE INDEX idempotency_keys_by_age ON idempotency_keys (created_at);

-- Who changed what of a reservation, and when.
CREATE TABLE reservation_events (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    reservation_id TEXT NOT NULL REFERENCES reservations (id),
    at             INTEGER NOT NULL,
    actor          TEXT NOT NULL CHECK (actor IN ('diner', 'owner')),
    status         TEXT CHECK (status IN ('pending', 'confirmed', 'seated', 'completed', 'cancelled', 'no_show')),
    change         TEXT NOT NULL
);

CREATE INDEX reservation_events_by_reservation ON reservation_events (reservation_id, id);
