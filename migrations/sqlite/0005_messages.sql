-- The outbox: every message a change causes (a confirmation, a change, a
-- cancellation, a reminder, a one-time code) is a row written in the same
-- transaction as the change. A delivery worker in every instance sends the
-- rows that are due and records what became of them. The text is made when
-- the message is sent, from the reservation as it is then; only a one-time
-- code travels in the row, sealed, and is wiped once sent.

-- Hours before a reservation its reminder goes; NULL: no reminders.
ALTER TABLE restaurants ADD COLUMN reminder_hours_before INTEGER DEFAULT 24
    CHECK (reminder_hours_before BETWEEN 1 AND 168);

CREATE TABLE messages (
    id             TEXT PRIMARY KEY NOT NULL,
    -- NULL only for a one-time code, which belongs to a contact, not a restaurant.
    restaurant_id  TEXT REFERENCES restaurants (id),
    reservation_id TEXT REFERENCES reservations (id),
    kind           TEXT NOT NULL
        CHECK (kind IN ('confirmation', 'change', 'cancellation', 'reminder', 'code')),
    channel        TEXT NOT NULL CHECK (channel IN ('email', 'sms')),
    recipient      TEXT NOT NULL,
    sealed         TEXT,
    due_at         INTEGER NOT NULL,
    status         TEXT NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'sent', 'failed', 'not_sent', 'dropped')),
    attempts       INTEGER NOT NULL DEFAULT 0,
    last_error     TEXT,
    provider_id    TEXT,
    -- A worker that took the row has it until then; after, another may.
    claimed_until  INTEGER,
    created_at     INTEGER NOT NULL,
    sent_at        INTEGER,
    CHECK ((kind = 'code') = (restaurant_id IS NULL)),
    CHECK ((kind = 'code') = (reservation_id IS NULL))
);

CREATE INDEX messages_due ON messages (due_at) WHERE status = 'pending';
CREATE INDEX messages_by_restaurant ON messages (restaurant_id, created_at);
CREATE INDEX messages_by_reservation ON messages (reservation_id);
