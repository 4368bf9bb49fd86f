-- A revision number per restaurant that every change to the restaurant or to
-- one of its tables raises. A server keeps parsed restaurants and their tables
-- in memory and compares the revision, read with the day's holds, to know its
-- copy is current (several servers may share the database).

ALTER TABLE restaurants ADD COLUMN revision INTEGER NOT NULL DEFAULT 0;

-- An update that does not set the revision itself raises it. (The nested
-- update changes the revision, so the WHEN clause stops any recursion.)
CREATE TRIGGER restaurants_raise_revision
AFTER UPDATE ON restaurants
WHEN NEW.revision = OLD.revision
BEGIN
    UPDATE restaurants SET revision = OLD.revision + 1 WHERE id = NEW.id;
END;

CREATE TRIGGER tables_raise_revision_on_insert
AFTER INSERT ON tables
BEGIN
    UPDATE restaurants SET revision = revision + 1 WHERE id = NEW.restaurant_id;
END;

CREATE TRIGGER tables_raise_revision_on_update
AFTER UPDATE ON tables
BEGIN
    UPDATE restaurants SET revision = revision + 1
    WHERE id IN (OLD.restaurant_id, NEW.restaurant_id);
END;

CREATE TRIGGER tables_raise_revision_on_delete
AFTER DELETE ON tables
BEGIN
    UPDATE restaurants SET revision = revision + 1 WHERE id = OLD.restaurant_id;
END;
