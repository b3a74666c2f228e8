-- The partition of dependency.graph a landscape's graph events arrive on: the instance that
-- owns it is the one that evaluates the landscape when its replica is ahead of its latest
-- run (a debounced run lost in a crash). NULL: only seen through a snapshot fetched over HTTP.
ALTER TABLE replicas ADD COLUMN graph_partition integer;
