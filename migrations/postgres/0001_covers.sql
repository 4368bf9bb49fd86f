-- Covers on PostgreSQL: the same tables as on SQLite (migrations/sqlite),
-- with the double-booking guard as an exclusion constraint.
-- Instants are BIGINT Unix seconds (UTC); flags are 0/1 integers, as on
-- SQLite, so that one set of queries serves both engines.

CREATE EXTENSION IF NOT EXISTS btree_gist;

CREATE TABLE restaurants (
    id                    TEXT PRIMARY KEY NOT NULL,
    name                  TEXT NOT NULL,
    phone                 TEXT NOT NULL,
    email                 TEXT,
    address               TEXT,
    city                  TEXT,
    latitude              DOUBLE PRECISION CHECK (latitude BETWEEN -90 AND 90),
    longitude             DOUBLE PRECISION CHECK (longitude BETWEEN -180 AND 180),
    timezone              TEXT NOT NULL DEFAULT 'UTC',
    opening_hours         TEXT NOT NULL,
    slot_minutes          BIGINT NOT NULL DEFAULT 60 CHECK (slot_minutes BETWEEN 5 AND 240),
    duration_minutes      BIGINT NOT NULL DEFAULT 60 CHECK (duration_minutes BETWEEN 15 AND 720),
    durations             TEXT NOT NULL DEFAULT '[]',
    buffer_minutes        BIGINT NOT NULL DEFAULT 0 CHECK (buffer_minutes BETWEEN 0 AND 240),
    walk_in_seats_percent BIGINT NOT NULL DEFAULT 0 CHECK (walk_in_seats_percent BETWEEN 0 AND 100),
    min_notice_minutes    BIGINT NOT NULL DEFAULT 0 CHECK (min_notice_minutes BETWEEN 0 AND 43200),
    max_days_ahead        BIGINT NOT NULL DEFAULT 60 CHECK (max_days_ahead BETWEEN 0 AND 730),
    max_party_size        BIGINT CHECK (max_party_size BETWEEN 1 AND 20),
    closed_dates          TEXT NOT NULL DEFAULT '[]',
    owner_key_hash        TEXT NOT NULL,
    created_at            BIGINT NOT NULL,
    updated_at            BIGINT NOT NULL
);

CREATE INDEX restaurants_by_name ON restaurants (lower(name));
CREATE INDEX restaurants_by_city ON restaurants (lower(city));
CREATE UNIQUE INDEX restaurants_by_owner_key ON restaurants (owner_key_hash);

CREATE TABLE tables (
    id             TEXT PRIMARY KEY NOT NULL,
    restaurant_id  TEXT NOT NULL REFERENCES restaurants (id),
    label          TEXT NOT NULL,
    capacity       BIGINT NOT NULL CHECK (capacity BETWEEN 1 AND 20),
    min_party_size BIGINT NOT NULL DEFAULT 1 CHECK (min_party_size BETWEEN 1 AND 20),
    area           TEXT,
    join_group     TEXT,
    walk_in_only   BIGINT NOT NULL DEFAULT 0 CHECK (walk_in_only IN (0, 1)),
    active         BIGINT NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL,
    CHECK (min_party_size <= capacity)
);

CREATE INDEX tables_by_restaurant ON tables (restaurant_id);
CREATE UNIQUE INDEX tables_unique_label ON tables (restaurant_id, lower(label)) WHERE active = 1;

CREATE TABLE reservations (
    id            TEXT PRIMARY KEY NOT NULL,
    restaurant_id TEXT NOT NULL REFERENCES restaurants (id),
    party_size    BIGINT NOT NULL CHECK (party_size BETWEEN 1 AND 20),
    start_at      BIGINT NOT NULL,
    end_at        BIGINT NOT NULL,
    hold_until    BIGINT NOT NULL,
    name          TEXT NOT NULL,
    phone         TEXT NOT NULL,
    email         TEXT,
    notes         TEXT NOT NULL DEFAULT '',
    status        TEXT NOT NULL
                  CHECK (status IN ('pending', 'confirmed', 'seated', 'completed', 'cancelled', 'no_show')),
    code_hash     TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL,
    confirmed_at  BIGINT,
    cancelled_at  BIGINT,
    cancelled_by  TEXT CHECK (cancelled_by IN ('diner', 'owner')),
    cancel_reason TEXT,
    version       BIGINT NOT NULL DEFAULT 1,
    CHECK (start_at < end_at AND end_at <= hold_until AND hold_until - start_at <= 86400)
);

CREATE INDEX reservations_by_restaurant_start ON reservations (restaurant_id, start_at);

-- The tables a reservation holds, with the held interval [start_at, hold_until).
CREATE TABLE reservation_tables (
    reservation_id TEXT NOT NULL REFERENCES reservations (id),
    table_id       TEXT NOT NULL REFERENCES tables (id),
    restaurant_id  TEXT NOT NULL REFERENCES restaurants (id),
    start_at       BIGINT NOT NULL,
    hold_until     BIGINT NOT NULL,
    active         BIGINT NOT NULL CHECK (active IN (0, 1)),
    PRIMARY KEY (reservation_id, table_id),
    CHECK (start_at < hold_until AND hold_until - start_at <= 86400),
    -- The double-booking guard: two active holds on one table never overlap.
    CONSTRAINT table_already_held EXCLUDE USING gist (
        table_id WITH =,
        int8range(start_at, hold_until) WITH &&
    ) WHERE (active = 1)
);

CREATE INDEX holds_by_restaurant ON reservation_tables (restaurant_id, start_at) WHERE active = 1;

-- A hold always mirrors its reservation (same interval, active exactly when
-- the status holds tables) and uses a table of the reservation's restaurant.
CREATE FUNCTION hold_matches_reservation() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (
        SELECT 1 FROM reservations AS r
        WHERE r.id = NEW.reservation_id
          AND r.restaurant_id = NEW.restaurant_id
          AND r.start_at = NEW.start_at
          AND r.hold_until = NEW.hold_until
          AND (CASE WHEN r.status IN ('pending', 'confirmed', 'seated') THEN 1 ELSE 0 END) = NEW.active
    ) THEN
        RAISE EXCEPTION 'hold_does_not_match_reservation';
    END IF;
    IF NOT EXISTS (
        SELECT 1 FROM tables AS t WHERE t.id = NEW.table_id AND t.restaurant_id = NEW.restaurant_id
    ) THEN
        RAISE EXCEPTION 'table_of_another_restaurant';
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER holds_match_their_reservation
BEFORE INSERT ON reservation_tables
FOR EACH ROW EXECUTE FUNCTION hold_matches_reservation();

-- Holds follow their reservation's status and time.
CREATE FUNCTION holds_follow_reservation() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE reservation_tables
    SET active = CASE WHEN NEW.status IN ('pending', 'confirmed', 'seated') THEN 1 ELSE 0 END,
        start_at = NEW.start_at,
        hold_until = NEW.hold_until
    WHERE reservation_id = NEW.id;
    RETURN NEW;
END;
$$;

CREATE TRIGGER holds_follow_reservation
AFTER UPDATE OF status, start_at, hold_until ON reservations
FOR EACH ROW
WHEN (OLD.status IS DISTINCT FROM NEW.status
      OR OLD.start_at <> NEW.start_at
      OR OLD.hold_until <> NEW.hold_until)
EXECUTE FUNCTION holds_follow_reservation();

-- Idempotency keys of reservation requests (see migrations/sqlite/0002).
CREATE TABLE idempotency_keys (
    key_hash       TEXT PRIMARY KEY NOT NULL,
    request_hash   TEXT NOT NULL,
    reservation_id TEXT NOT NULL REFERENCES reservations (id),
    code_sealed    TEXT NOT NULL,
    created_at     BIGINT NOT NULL
);

CREATE INDEX idempotency_keys_by_age ON idempotency_keys (created_at);

-- Who changed what of a reservation, and when.
CREATE TABLE reservation_events (
    id             BIGSERIAL PRIMARY KEY,
    reservation_id TEXT NOT NULL REFERENCES reservations (id),
    at             BIGINT NOT NULL,
    actor          TEXT NOT NULL CHECK (actor IN ('diner', 'owner')),
    status         TEXT CHECK (status IN ('pending', 'confirmed', 'seated', 'completed', 'cancelled', 'no_show')),
    change         TEXT NOT NULL
);

CREATE INDEX reservation_events_by_reservation ON reservation_events (reservation_id, id);
