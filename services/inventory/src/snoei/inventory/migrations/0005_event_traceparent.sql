-- The W3C traceparent of the span an event was written in. The relay publishes the event
-- later, from another task; with this header the consumer's span joins the trace of the
-- change that caused the event (tracing across the outbox). NULL: written outside a trace.
ALTER TABLE events ADD COLUMN traceparent text;
