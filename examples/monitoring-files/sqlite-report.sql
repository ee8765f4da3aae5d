-- The rows dq-s3-event stored, one block per table, in a fixed order.
.mode list
.separator " | "
.headers on
SELECT agency_slug, file_name, latest_data_quality_score
  FROM monitoring_file ORDER BY agency_slug, file_name;
SELECT f.agency_slug, r.run_date, r.run_hour, r.file_size,
       r.file_last_modified, r.records_in, r.records_rejected
  FROM monitoring_file_run r JOIN monitoring_file f ON f.id = r.monitoring_file_id
  ORDER BY 1, 2, 3;
SELECT f.agency_slug, q.score, q.passed, q.deductions,
       q.failed_validation_message
  FROM monitoring_file_data_quality q
  JOIN monitoring_file_run r ON r.id = q.monitoring_file_run_id
  JOIN monitoring_file f ON f.id = r.monitoring_file_id
  ORDER BY 1;
SELECT f.agency_slug, v.seq, v.record_id, v.line, v.rule_code, v.field,
       v.value, v.message
  FROM monitoring_file_failed_validation v
  JOIN monitoring_file_run r ON r.id = v.monitoring_file_run_id
  JOIN monitoring_file f ON f.id = r.monitoring_file_id
  ORDER BY 1, 2;
SELECT f.agency_slug, p.rows_profiled, p.fields,
       json_extract(p.payload, '$.completenessOverview.email.completeness')
         AS email_completeness,
       json_extract(p.payload, '$.statisticalSummary.hours.max') AS hours_max
  FROM monitoring_file_data_profile p
  JOIN monitoring_file_run r ON r.id = p.monitoring_file_run_id
  JOIN monitoring_file f ON f.id = r.monitoring_file_id
  ORDER BY 1;
