-- A diner manages their own reservation: through the link in every message
-- they may say they are coming, change it or cancel it; and with a one-time
-- code sent to their phone or email they find their reservations again.

-- The contact a reservation can be found by, in one form however it was
-- typed: the email in lower case, the phone's digits (with a leading + if
-- given).
ALTER TABLE reservations ADD COLUMN contact_email TEXT;
ALTER TABLE reservations ADD COLUMN contact_phone TEXT;
-- When the diner said they are coming.
ALTER TABLE reservations ADD COLUMN diner_confirmed_at BIGINT;

UPDATE reservations SET
    contact_email = CASE WHEN email IS NULL OR trim(email) = '' THEN NULL ELSE lower(trim(email) COLLATE "C") END,
    contact_phone = replace(replace(replace(replace(replace(trim(phone),
        ' ', ''), '-', ''), '(', ''), ')', ''), '.', '');

CREATE INDEX reservations_by_contact_email ON reservations (contact_email, start_at)
    WHERE contact_email IS NOT NULL;
CREATE INDEX reservations_by_contact_phone ON reservations (contact_phone, start_at);

-- One-time codes that prove a person holds a phone number or an email.
-- Only a keyed hash of the code is kept; the code itself travels sealed in
-- the outbox row that sends it, and is wiped once sent.
CREATE TABLE lookup_codes (
    id         TEXT PRIMARY KEY NOT NULL,
    -- The contact in the form above.
    contact    TEXT NOT NULL,
    code_hash  TEXT NOT NULL,
    expires_at BIGINT NOT NULL,
    -- Wrong tries left; at 0 the code is void.
    tries_left BIGINT NOT NULL CHECK (tries_left >= 0),
    used_at    BIGINT,
    created_at BIGINT NOT NULL
);

CREATE INDEX lookup_codes_by_contact ON lookup_codes (contact, created_at);
CREATE INDEX lookup_codes_by_age ON lookup_codes (created_at);
