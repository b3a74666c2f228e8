-- Tracing across the graph outbox: a landscape remembers the W3C traceparent of the first
-- batch applied since its last graph version, and the version cut from those changes carries
-- it, so the rationalizer's consumer joins that trace. NULL: applied outside a trace.
ALTER TABLE landscapes ADD COLUMN pending_traceparent text;
ALTER TABLE graph_outbox ADD COLUMN traceparent text;
