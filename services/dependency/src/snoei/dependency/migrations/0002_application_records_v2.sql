-- Application records of schema version 2 (shared/contracts/landscape.py): stored records of
-- version 1 are upcast as `upcast_application_v1` upcasts messages, so the graph rebuilt
-- after a restart says what the upcast events say: costs that are absent or all zero are
-- null (unknown), and the new fields take their defaults.
UPDATE applications
SET data = jsonb_build_object('owned', true, 'specialises', '[]'::jsonb,
                              'part_of', '[]'::jsonb, 'kind', 'application')
           || data
           || CASE WHEN jsonb_typeof(data->'costs') IS DISTINCT FROM 'object'
                     OR (COALESCE((data->'costs'->>'licence')::numeric, 0) = 0
                         AND COALESCE((data->'costs'->>'hosting')::numeric, 0) = 0
                         AND COALESCE((data->'costs'->>'support')::numeric, 0) = 0
                         AND COALESCE((data->'costs'->>'staff')::numeric, 0) = 0)
                   THEN '{"costs": null}'::jsonb
                   ELSE '{}'::jsonb END;
