-- The monitoring files the web application registered, as rows of the
-- shared reporting tables: acme's daily volunteers export checked against
-- the "volunteers" schema definition (contract.json), beta-county's
-- roster with no definition (dq-s3-event's -c contract.json), and its
-- shifts CSV against the "shifts" definition (shifts.json), and its
-- volunteers as a JSON array and as Parquet with no definition.  acme/tmp/
-- is not registered.  Run by `make tables` from this directory.
\set volunteers `cat contract.json`
\set shifts `cat shifts.json`
INSERT INTO reporting.monitoring_file_schema_definition
    (name, description, definition, created_at, updated_at)
  VALUES ('volunteers', 'daily volunteer export', :'volunteers', now(), now()),
         ('shifts', 'shifts worked, CSV', :'shifts', now(), now());
INSERT INTO reporting.monitoring_file (agency_slug, file_name, schema_definition_id)
  VALUES ('acme', 'daily/volunteers.ndjson',
          (SELECT id FROM reporting.monitoring_file_schema_definition WHERE name = 'volunteers')),
         ('beta-county', 'exports/roster.ndjson', NULL),
         ('beta-county', 'exports/shifts.csv',
          (SELECT id FROM reporting.monitoring_file_schema_definition WHERE name = 'shifts')),
         ('beta-county', 'exports/volunteers.json', NULL),
         ('beta-county', 'exports/volunteers.parquet', NULL);
