-- Application records of schema version 2 (shared/contracts/landscape.py). Stored records of
-- version 1 are upcast exactly as `upcast_application_v1` upcasts messages: costs that are
-- absent or all zero become null (unknown; version 1 wrote zeros for "not given"), and the
-- new fields get their defaults, so an unchanged re-import after the upgrade is unchanged.
-- History is upcast too: it is the same facts in the new shape, and `changed_fields`
-- between two versions must not report the upgrade as a change.
CREATE FUNCTION pg_temp.application_v2(data jsonb) RETURNS jsonb
LANGUAGE sql IMMUTABLE AS $$
    SELECT jsonb_build_object('owned', true, 'specialises', '[]'::jsonb,
                              'part_of', '[]'::jsonb, 'kind', 'application')
           || data
           || CASE WHEN jsonb_typeof(data->'costs') IS DISTINCT FROM 'object'
                     OR (COALESCE((data->'costs'->>'licence')::numeric, 0) = 0
                         AND COALESCE((data->'costs'->>'hosting')::numeric, 0) = 0
                         AND COALESCE((data->'costs'->>'support')::numeric, 0) = 0
                         AND COALESCE((data->'costs'->>'staff')::numeric, 0) = 0)
                   THEN '{"costs": null}'::jsonb
                   ELSE '{}'::jsonb END
$$;

UPDATE items SET data = pg_temp.application_v2(data) WHERE kind = 'application';
UPDATE item_history SET data = pg_temp.application_v2(data)
WHERE kind = 'application' AND data IS NOT NULL;
DROP FUNCTION pg_temp.application_v2(jsonb);
