-- The persisted graph per landscape: records, the last applied inventory sequence, the
-- published graph version, what changed since that version, and unsent graph messages.
CREATE TABLE landscapes (
    landscape_id       text PRIMARY KEY,
    inventory_sequence bigint NOT NULL DEFAULT 0,
    version            bigint NOT NULL DEFAULT 0
);

CREATE TABLE applications (
    landscape_id text NOT NULL,
    id           text NOT NULL,
    data         jsonb NOT NULL,
    PRIMARY KEY (landscape_id, id)
);

-- Edges, directed from the supplier of the data (source) to its consumer (target).
CREATE TABLE integrations (
    landscape_id text NOT NULL,
    id           text NOT NULL,
    source       text NOT NULL,
    target       text NOT NULL,
    data         jsonb NOT NULL,
    PRIMARY KEY (landscape_id, id)
);

CREATE TABLE capabilities (
    landscape_id text NOT NULL,
    id           text NOT NULL,
    data         jsonb NOT NULL,
    PRIMARY KEY (landscape_id, id)
);

CREATE TABLE technologies (
    landscape_id text NOT NULL,
    id           text NOT NULL,
    data         jsonb NOT NULL,
    PRIMARY KEY (landscape_id, id)
);

-- Items changed since the last graph version: the next debounced delta.
CREATE TABLE unpublished (
    landscape_id text NOT NULL,
    kind         text NOT NULL,
    id           text NOT NULL,
    PRIMARY KEY (landscape_id, kind, id)
);

-- Graph versions committed but not yet acknowledged by Kafka.
CREATE TABLE graph_outbox (
    landscape_id text NOT NULL,
    version      bigint NOT NULL,
    body         bytea NOT NULL,
    PRIMARY KEY (landscape_id, version)
);
