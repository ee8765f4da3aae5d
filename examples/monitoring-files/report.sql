-- The rows dq-s3-event stored in the reporting tables, one block per
-- table, in a fixed order; no ids or load times (they differ from one
-- database to the next).  Run by `make report`.
SET TimeZone = 'UTC';
SELECT agency_slug, file_name, latest_data_quality_score
  FROM reporting.monitoring_file ORDER BY agency_slug, file_name;
SELECT f.agency_slug, f.file_name, r.run_date, r.run_hour, r.file_size,
       r.file_last_modified
  FROM reporting.monitoring_file_run r
  JOIN reporting.monitoring_file f ON f.id = r.monitoring_file_id
  ORDER BY 1, 2, 3, 4;
SELECT f.file_name, r.run_date, q.score, q.passed, q.deductions::text,
       q.metrics->'formatParsing'->>'details' AS format_details,
       q.failed_validation_message
  FROM reporting.monitoring_file_data_quality q
  JOIN reporting.monitoring_file_run r ON r.id = q.monitoring_file_run_id
  JOIN reporting.monitoring_file f ON f.id = r.monitoring_file_id
  ORDER BY 1, 2;
SELECT f.file_name, r.run_date, v.rule_name, v.rule_path,
       v.validated_field_names, v.validated_values, v.rule_parameters
  FROM reporting.monitoring_file_failed_validation v
  JOIN reporting.monitoring_file_run r ON r.id = v.monitoring_file_run_id
  JOIN reporting.monitoring_file f ON f.id = r.monitoring_file_id
  ORDER BY 1, 2;
SELECT f.file_name, r.run_date, p.profile_payload->'rows' AS rows,
       p.profile_payload->'rejected' AS rejected,
       jsonb_array_length(p.profile_payload->'sampleData'->'rows') AS sample_rows
  FROM reporting.monitoring_file_data_profile p
  JOIN reporting.monitoring_file_run r ON r.id = p.monitoring_file_run_id
  JOIN reporting.monitoring_file f ON f.id = r.monitoring_file_id
  ORDER BY 1, 2;
