-- A restaurant's own budget of requests a minute to its pages and API,
-- from everyone together; NULL: the server's default.
ALTER TABLE restaurants ADD COLUMN requests_per_minute INTEGER
    CHECK (requests_per_minute BETWEEN 100 AND 2000);
