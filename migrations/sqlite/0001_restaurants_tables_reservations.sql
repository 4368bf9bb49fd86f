-- Restaurants, their tables, and reservations with the tables they hold.
-- Instants are INTEGER Unix seconds (UTC); wall times are derived with the
-- restaurant's time zone.

CREATE TABLE restaurants (
    id                    TEXT PRIMARY KEY NOT NULL,
    name                  TEXT NOT NULL,
    phone                 TEXT NOT NULL,
    email                 TEXT,
    address               TEXT,
    city                  TEXT,
    latitude              REAL CHECK (latitude BETWEEN -90 AND 90),
    longitude             REAL CHECK (longitude BETWEEN -180 AND 180),
    timezone              TEXT NOT NULL DEFAULT 'UTC',
    -- JSON: [{"day":"mon","open":"12:00","close":"22:00"}, ...]
    opening_hours         TEXT NOT NULL,
    slot_minutes          INTEGER NOT NULL DEFAULT 60 CHECK (slot_minutes BETWEEN 5 AND 240),
    duration_minutes      INTEGER NOT NULL DEFAULT 60 CHECK (duration_minutes BETWEEN 15 AND 720),
    -- JSON: [{"max_party_size":2,"minutes":75}, ...]
    durations             TEXT NOT NULL DEFAULT '[]',
    buffer_minutes        INTEGER NOT NULL DEFAULT 0 CHECK (buffer_minutes BETWEEN 0 AND 240),
    walk_in_seats_percent INTEGER NOT NULL DEFAULT 0 CHECK (walk_in_seats_percent BETWEEN 0 AND 100),
    min_notice_minutes    INTEGER NOT NULL DEFAULT 0 CHECK (min_notice_minutes BETWEEN 0 AND 43200),
    max_days_ahead        INTEGER NOT NULL DEFAULT 60 CHECK (max_days_ahead BETWEEN 0 AND 730),
    max_party_size        INTEGER CHECK (max_party_size BETWEEN 1 AND 20),
    -- JSON: ["2026-12-25", ...]
    closed_dates          TEXT NOT NULL DEFAULT '[]',
    owner_key_hash        TEXT NOT NULL,
    created_at            INTEGER NOT NULL,
    updated_at            INTEGER NOT NULL
);

CREATE INDEX restaurants_by_name ON restaurants (name COLLATE NOCASE);
CREATE INDEX restaurants_by_city ON restaurants (city COLLATE NOCASE);
CREATE UNIQUE INDEX restaurants_by_owner_key ON restaurants (owner_key_hash);

CREATE TABLE tables (
    id             TEXT PRIMARY KEY NOT NULL,
    restaurant_id  TEXT NOT NULL REFERENCES restaurants (id),
    label          TEXT NOT NULL,
    capacity       INTEGER NOT NULL CHECK (capacity BETWEEN 1 AND 20),
    min_party_size INTEGER NOT NULL DEFAULT 1 CHECK (min_party_size BETWEEN 1 AND 20),
    area           TEXT,
    join_group     TEXT,
    walk_in_only   INTEGER NOT NULL DEFAULT 0 CHECK (walk_in_only IN (0, 1)),
    -- A removed table stays for the reservations that name it.
    active         INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL,
    CHECK (min_party_size <= capacity)
);

CREATE INDEX tables_by_restaurant ON tables (restaurant_id);
CREATE UNIQUE INDEX tables_unique_label ON tables (restaurant_id, label) WHERE active = 1;

CREATE TABLE reservations (
    id            TEXT PRIMARY KEY NOT NULL,
    restaurant_id TEXT NOT NULL REFERENCES restaurants (id),
    party_size    INTEGER NOT NULL CHECK (party_size BETWEEN 1 AND 20),
    start_at      INTEGER NOT NULL,
    end_at        INTEGER NOT NULL,
    -- end_at plus the time to clear the table: the tables are held until then.
    hold_until    INTEGER NOT NULL,
    name          TEXT NOT NULL,
    phone         TEXT NOT NULL,
    email         TEXT,
    notes         TEXT NOT NULL DEFAULT '',
    status        TEXT NOT NULL
                  CHECK (status IN ('pending', 'confirmed', 'seated', 'completed', 'cancelled', 'no_show')),
    code_hash     TEXT NOT NULL,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    confirmed_at  INTEGER,
    cancelled_at  INTEGER,
    cancelled_by  TEXT CHECK (cancelled_by IN ('diner', 'owner')),
    cancel_reason TEXT,
    version       INTEGER NOT NULL DEFAULT 1,
    -- A hold lasts at most a day; the overlap guard below relies on it.
    CHECK (start_at < end_at AND end_at <= hold_until AND hold_until - start_at <= 86400)
);

CREATE INDEX reservations_by_restaurant_start ON reservations (restaurant_id, start_at);

-- The tables a reservation holds, with the held interval [start_at, hold_until)
-- copied from the reservation so that the overlap guard is one indexed lookup.
-- `active` is 1 while the reservation's status holds tables.
CREATE TABLE reservation_tables (
    reservation_id TEXT NOT NULL REFERENCES reservations (id),
    table_id       TEXT NOT NULL REFERENCES tables (id),
    restaurant_id  TEXT NOT NULL REFERENCES restaurants (id),
    start_at       INTEGER NOT NULL,
    hold_until     INTEGER NOT NULL,
    active         INTEGER NOT NULL CHECK (active IN (0, 1)),
    PRIMARY KEY (reservation_id, table_id),
    CHECK (start_at < hold_until AND hold_until - start_at <= 86400)
) WITHOUT ROWID;

CREATE INDEX holds_by_table ON reservation_tables (table_id, start_at) WHERE active = 1;
CREATE INDEX holds_by_restaurant ON reservation_tables (restaurant_id, start_at) WHERE active = 1;

-- The double-booking guard. Whatever code writes, two active holds on one
-- table never overlap. Holds last at most a day, so only holds starting in
-- the day before can reach a new one: the lookup stays a short index range.
CREATE TRIGGER holds_never_overlap_on_insert
BEFORE INSERT ON reservation_tables
WHEN NEW.active = 1 AND EXISTS (
    SELECT 1 FROM reservation_tables AS h
    WHERE h.table_id = NEW.table_id
      AND h.active = 1
      AND h.start_at > NEW.start_at - 86400
      AND h.start_at < NEW.hold_until
      AND h.hold_until > NEW.start_at
)
BEGIN
    SELECT RAISE(ABORT, 'table_already_held');
END;

CREATE TRIGGER holds_never_overlap_on_update
BEFORE UPDATE ON reservation_tables
WHEN NEW.active = 1 AND EXISTS (
    SELECT 1 FROM reservation_tables AS h
    WHERE h.table_id = NEW.table_id
      AND h.active = 1
      AND NOT (h.reservation_id = OLD.reservation_id AND h.table_id = OLD.table_id)
      AND h.start_at > NEW.start_at - 86400
      AND h.start_at < NEW.hold_until
      AND h.hold_until > NEW.start_at
)
BEGIN
    SELECT RAISE(ABORT, 'table_already_held');
END;

-- A hold always mirrors its reservation: same interval, active exactly when
-- the reservation's status holds tables.
CREATE TRIGGER holds_match_their_reservation
BEFORE INSERT ON reservation_tables
WHEN NOT EXISTS (
    SELECT 1 FROM reservations AS r
    WHERE r.id = NEW.reservation_id
      AND r.restaurant_id = NEW.restaurant_id
      AND r.start_at = NEW.start_at
      AND r.hold_until = NEW.hold_until
      AND (r.status IN ('pending', 'confirmed', 'seated')) = NEW.active
)
BEGIN
    SELECT RAISE(ABORT, 'hold_does_not_match_reservation');
END;

CREATE TRIGGER holds_follow_reservation_status
AFTER UPDATE OF status ON reservations
WHEN (OLD.status IN ('pending', 'confirmed', 'seated')) <> (NEW.status IN ('pending', 'confirmed', 'seated'))
BEGIN
    UPDATE reservation_tables
    SET active = (NEW.status IN ('pending', 'confirmed', 'seated'))
    WHERE reservation_id = NEW.id;
END;

CREATE TRIGGER holds_follow_reservation_time
AFTER UPDATE OF start_at, hold_until ON reservations
WHEN OLD.start_at <> NEW.start_at OR OLD.hold_until <> NEW.hold_until
BEGIN
    UPDATE reservation_tables
    SET start_at = NEW.start_at, hold_until = NEW.hold_until
    WHERE reservation_id = NEW.id;
END;

-- A held table belongs to the reservation's restaurant.
CREATE TRIGGER holds_use_the_restaurants_tables
BEFORE INSERT ON reservation_tables
WHEN NOT EXISTS (
    SELECT 1 FROM tables AS t WHERE t.id = NEW.table_id AND t.restaurant_id = NEW.restaurant_id
)
BEGIN
    SELECT RAISE(ABORT, 'table_of_another_restaurant');
END;
