-- Graph replicas per landscape, runs with their proposals, and architects' decisions.
CREATE TABLE replicas (
    landscape_id       text PRIMARY KEY,
    version            bigint NOT NULL,
    inventory_sequence bigint NOT NULL,
    stale              boolean NOT NULL DEFAULT false,  -- a version gap is not repaired yet
    updated_at         timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE replica_items (
    landscape_id text NOT NULL,
    kind         text NOT NULL,  -- application | integration | capability | technology
    id           text NOT NULL,
    data         jsonb NOT NULL,
    PRIMARY KEY (landscape_id, kind, id)
);

CREATE TABLE runs (
    ordinal             bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
    run_id              uuid PRIMARY KEY,
    landscape_id        text NOT NULL,
    trigger             text NOT NULL,
    requested_by        text,
    graph_version       bigint NOT NULL,
    inventory_sequence  bigint NOT NULL,
    started_at          timestamptz NOT NULL,
    finished_at         timestamptz NOT NULL,
    duration_ms         double precision NOT NULL,
    proposal_count      integer NOT NULL,
    total_yearly_saving double precision NOT NULL,
    empty_reason        text,
    stale_inputs        boolean NOT NULL,
    quadrants           jsonb NOT NULL,
    waves               jsonb NOT NULL
);
CREATE INDEX runs_by_landscape ON runs (landscape_id, ordinal DESC);

CREATE TABLE run_proposals (
    run_id        uuid NOT NULL REFERENCES runs (run_id) ON DELETE CASCADE,
    proposal_id   text NOT NULL,
    action        text NOT NULL,
    status        text NOT NULL,
    yearly_saving double precision NOT NULL,
    facts_hash    text NOT NULL,
    body          jsonb NOT NULL,
    PRIMARY KEY (run_id, proposal_id)
);

-- Append-only: the latest row per proposal is the decision in force.
CREATE TABLE decisions (
    decision_id  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    landscape_id text NOT NULL,
    proposal_id  text NOT NULL,
    verdict      text NOT NULL CHECK (verdict IN ('accept', 'reject')),
    reason       text NOT NULL,
    facts_hash   text NOT NULL,
    decided_by   text,
    decided_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX decisions_latest ON decisions (landscape_id, proposal_id, decision_id DESC);
