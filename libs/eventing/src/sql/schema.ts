import { appendChannel } from './schema-name';

/**
 * The whole schema of a SQL event store, shared by the postgres and embedded (PGlite) adapters.
 * Idempotent; run in one transaction. `schema` must have passed validateSchemaName.
 *
 * Gap-free reading rests on `positions`: one row holding the last position handed out. Every
 * append locks it (in append_events) until commit, so appends commit one at a time in position
 * order: a reader that sees position p sees every position below p, and positions have no holes.
 * See docs/decisions/0001-event-store-schema-and-gap-free-subscriptions.md.
 */
export function schemaSql(schema: string): string {
  const s = `"${schema}"`;
  return `
SELECT pg_advisory_xact_lock(hashtext('sluice.event-store-schema'), hashtext('${schema}'));
CREATE SCHEMA IF NOT EXISTS ${s};

CREATE TABLE IF NOT EXISTS ${s}.positions (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  last bigint NOT NULL
);
INSERT INTO ${s}.positions (singleton, last) VALUES (true, 0) ON CONFLICT DO NOTHING;

CREATE TABLE IF NOT EXISTS ${s}.events (
  position bigint PRIMARY KEY,
  stream_id text NOT NULL,
  revision bigint NOT NULL,
  event_id uuid NOT NULL,
  type text NOT NULL,
  data json NOT NULL,
  metadata json NOT NULL,
  recorded_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT events_stream_revision UNIQUE (stream_id, revision),
  CONSTRAINT events_stream_event_id UNIQUE (stream_id, event_id)
);

-- A stream's category is its id up to the first '-' (execution-…, pipeline-…): a subscription to some categories reads
-- their events in position order through this index, not the whole store (decision 0068).
CREATE INDEX IF NOT EXISTS events_category_position ON ${s}.events (split_part(stream_id, '-', 1), position);

CREATE TABLE IF NOT EXISTS ${s}.checkpoints (
  subscriber_id text PRIMARY KEY,
  position bigint NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

${appendEventsFunction(schema)}
`;
}

/**
 * append_events: a group of appends (one per element of p_stream_ids) in one call and one
 * transaction. Per-event arrays hold the appends' events end to end (p_counts[i] events each).
 * p_expected: a revision >= 0, or -1 no_stream, -2 any, -3 stream_exists.
 * Returns one row per append: ok with the stream's revision and last position after it, or not ok
 * with the stream's actual revision (-1 = no stream). A failed check fails only its own append.
 */
function appendEventsFunction(schema: string): string {
  const s = `"${schema}"`;
  return `
CREATE OR REPLACE FUNCTION ${s}.append_events(
  p_stream_ids text[],
  p_expected bigint[],
  p_counts int[],
  p_event_ids uuid[],
  p_types text[],
  p_data json[],
  p_metadata json[]
) RETURNS TABLE (r_index int, r_ok boolean, r_revision bigint, r_position bigint)
LANGUAGE plpgsql AS $fn$
DECLARE
  v_event_count int := coalesce(array_length(p_event_ids, 1), 0);
  v_first_position bigint;
  v_last bigint;
  v_first int := 1;
  v_n int;
  v_stream text;
  v_expected bigint;
  v_current bigint;
  v_ids uuid[];
  v_known uuid[];
  v_known_count int;
  v_stored_revision bigint;
  v_stored_position bigint;
  v_seen_index int;
  v_seen_streams text[] := '{}';
  v_seen_revisions bigint[] := '{}';
  v_positions bigint[] := array_fill(NULL::bigint, ARRAY[v_event_count]);
  v_revisions bigint[] := array_fill(NULL::bigint, ARRAY[v_event_count]);
  v_event_streams text[] := array_fill(NULL::text, ARRAY[v_event_count]);
  v_payload text;
BEGIN
  -- The one lock every append takes, held until commit: appends commit in position order.
  -- Everything before this call (validation, JSON) was done by the client; what follows is
  -- index lookups and one INSERT, with no round trip in between.
  SELECT p.last INTO v_last FROM ${s}.positions p WHERE p.singleton FOR UPDATE;
  v_first_position := v_last;

  FOR i IN 1 .. coalesce(array_length(p_stream_ids, 1), 0) LOOP
    v_stream := p_stream_ids[i];
    v_expected := p_expected[i];
    v_n := p_counts[i];
    v_ids := '{}';
    FOR j IN v_first .. v_first + v_n - 1 LOOP
      v_ids := v_ids || p_event_ids[j];
    END LOOP;
    v_seen_index := array_position(v_seen_streams, v_stream);

    -- Ids already in the stream: stored before, or appended earlier in this same group.
    SELECT coalesce(array_agg(k.id), '{}'), count(*), max(k.rev), (array_agg(k.pos ORDER BY k.rev DESC))[1]
      INTO v_known, v_known_count, v_stored_revision, v_stored_position
      FROM (
        SELECT e.event_id AS id, e.revision AS rev, e.position AS pos
          FROM ${s}.events e WHERE e.stream_id = v_stream AND e.event_id = ANY (v_ids)
        UNION ALL
        SELECT x.id, x.rev, x.pos
          FROM unnest(v_event_streams, p_event_ids, v_revisions, v_positions) AS x(stream, id, rev, pos)
          WHERE v_seen_index IS NOT NULL AND x.stream = v_stream AND x.id = ANY (v_ids)
      ) k;

    IF v_known_count = v_n THEN
      -- The whole append was already made: answer as the first time, whatever the expectation.
      r_index := i; r_ok := true; r_revision := v_stored_revision; r_position := v_stored_position;
      RETURN NEXT;
    ELSE
      IF v_seen_index IS NOT NULL THEN
        v_current := v_seen_revisions[v_seen_index];
      ELSE
        SELECT coalesce(max(e.revision), -1) INTO v_current FROM ${s}.events e WHERE e.stream_id = v_stream;
      END IF;

      IF (v_expected = -1 AND v_current <> -1)
         OR (v_expected = -3 AND v_current = -1)
         OR (v_expected >= 0 AND v_expected <> v_current) THEN
        r_index := i; r_ok := false; r_revision := v_current; r_position := NULL;
        RETURN NEXT;
      ELSE
        FOR j IN v_first .. v_first + v_n - 1 LOOP
          IF NOT (p_event_ids[j] = ANY (v_known)) THEN
            v_current := v_current + 1;
            v_last := v_last + 1;
            v_revisions[j] := v_current;
            v_positions[j] := v_last;
            v_event_streams[j] := v_stream;
          END IF;
        END LOOP;
        IF v_seen_index IS NULL THEN
          v_seen_streams := v_seen_streams || v_stream;
          v_seen_revisions := v_seen_revisions || v_current;
        ELSE
          v_seen_revisions[v_seen_index] := v_current;
        END IF;
        r_index := i; r_ok := true; r_revision := v_current; r_position := v_last;
        RETURN NEXT;
      END IF;
    END IF;
    v_first := v_first + v_n;
  END LOOP;

  IF v_last > v_first_position THEN
    INSERT INTO ${s}.events (position, stream_id, revision, event_id, type, data, metadata)
      SELECT x.pos, x.stream, x.rev, x.id, x.type, x.data, x.metadata
        FROM unnest(v_positions, v_event_streams, v_revisions, p_event_ids, p_types, p_data, p_metadata)
          AS x(pos, stream, rev, id, type, data, metadata)
        WHERE x.pos IS NOT NULL;
    UPDATE ${s}.positions SET last = v_last WHERE singleton;
    -- The categories of the streams appended (an id up to its first '-'): a listener wakes only the subscriptions they
    -- can concern (decision 0077). NOTIFY takes under 8,000 bytes: a longer list names none, and wakes every one.
    SELECT json_build_object('last', v_last, 'categories', coalesce(array_agg(DISTINCT CASE WHEN strpos(x.stream, '-') > 0 THEN left(x.stream, strpos(x.stream, '-')) ELSE x.stream END), '{}'))::text
      INTO v_payload FROM unnest(v_positions, v_event_streams) AS x(pos, stream) WHERE x.pos IS NOT NULL;
    IF octet_length(v_payload) > 7000 THEN v_payload := v_last::text; END IF;
    PERFORM pg_notify('${appendChannel(schema)}', v_payload);
  END IF;
END
$fn$;`;
}
