-- A revision number per restaurant that every change to the restaurant or to
-- one of its tables raises. A server keeps parsed restaurants and their tables
-- in memory and compares the revision, read with the day's holds, to know its
-- copy is current (several servers may share the database).

ALTER TABLE restaurants ADD COLUMN revision BIGINT NOT NULL DEFAULT 0;

-- An update that does not set the revision itself raises it.
CREATE FUNCTION restaurants_raise_revision() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.revision = OLD.revision THEN
        NEW.revision := OLD.revision + 1;
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER restaurants_raise_revision
BEFORE UPDATE ON restaurants
FOR EACH ROW EXECUTE FUNCTION restaurants_raise_revision();

CREATE FUNCTION tables_raise_revision() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        UPDATE restaurants SET revision = revision + 1 WHERE id = OLD.restaurant_id;
    END IF;
    IF TG_OP <> 'DELETE' AND (TG_OP = 'INSERT' OR NEW.restaurant_id <> OLD.restaurant_id) THEN
        UPDATE restaurants SET revision = revision + 1 WHERE id = NEW.restaurant_id;
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER tables_raise_revision
AFTER INSERT OR UPDATE OR DELETE ON tables
FOR EACH ROW EXECUTE FUNCTION tables_raise_revision();
