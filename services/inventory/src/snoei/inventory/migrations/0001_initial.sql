-- Current state, full history, idempotency, per-landscape sequence and the outbox.
CREATE TABLE items (
    landscape_id text NOT NULL,
    kind         text NOT NULL,          -- application | integration | capability | technology
    id           text NOT NULL,
    data         jsonb NOT NULL,
    version      integer NOT NULL,
    updated_at   timestamptz NOT NULL,
    PRIMARY KEY (landscape_id, kind, id)
);

CREATE TABLE item_history (
    landscape_id text NOT NULL,
    kind         text NOT NULL,
    id           text NOT NULL,
    version      integer NOT NULL,
    data         jsonb,                  -- NULL: removed
    valid_from   timestamptz NOT NULL,
    change_id    uuid NOT NULL,
    source       text NOT NULL,
    sequence     bigint NOT NULL,
    PRIMARY KEY (landscape_id, kind, id, version)
);

CREATE TABLE processed_changes (
    change_id    uuid PRIMARY KEY,
    landscape_id text NOT NULL,
    processed_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE landscapes (
    landscape_id  text PRIMARY KEY,
    last_sequence bigint NOT NULL DEFAULT 0
);

-- Every event ever emitted, by landscape and sequence: the outbox and the replay log.
CREATE TABLE events (
    landscape_id text NOT NULL,
    sequence     bigint NOT NULL,
    event_id     uuid NOT NULL UNIQUE,
    type         text NOT NULL,
    body         bytea NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    published_at timestamptz,
    PRIMARY KEY (landscape_id, sequence)
);
CREATE INDEX events_unpublished ON events (created_at, landscape_id, sequence)
    WHERE published_at IS NULL;
