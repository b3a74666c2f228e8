-- The relay remembers how far it published each landscape instead of marking every event.
-- Marking rewrote each event row (body included) and its indexes, and the join that did it
-- could get a nested-loop plan over the whole table while its statistics were stale (a bulk
-- load of 62k events then took minutes instead of seconds). A cursor is one row per
-- landscape, and the relay reads events by primary-key range.
CREATE TABLE outbox_cursor (
    landscape_id       text PRIMARY KEY,
    published_sequence bigint NOT NULL
);

INSERT INTO outbox_cursor (landscape_id, published_sequence)
SELECT l.landscape_id,
       coalesce(
           (SELECT min(e.sequence) - 1 FROM events e
            WHERE e.landscape_id = l.landscape_id AND e.published_at IS NULL),
           l.last_sequence)
FROM landscapes l;

DROP INDEX events_unpublished;
ALTER TABLE events DROP COLUMN published_at;
