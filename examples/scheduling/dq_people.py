"""Airflow DAG: a nightly data-quality gate on a people export with dq.

Each task is a BashOperator running one dq step under `set -euo pipefail`,
so a failed step (or a failed gate: dq-validate exits 1 when the score is
below the pass mark or an error-level rule failed) fails the task and stops
the tasks after it.  dq never exits 99, Airflow's "skip" status.

Settings come from the environment of the worker:
  DQ_HOME   where the dq programs are (default /usr/local/bin)
  DQ_DATA   working directory for this DAG's files (default /tmp/dq-people)
  DQ_SOURCE the export to check: a path, or an http(s):// or s3:// URL
"""
import os
from datetime import datetime, timedelta

from airflow import DAG
from airflow.operators.bash import BashOperator

DQ = os.environ.get("DQ_HOME", "/usr/local/bin")
DATA = os.environ.get("DQ_DATA", "/tmp/dq-people")
SOURCE = os.environ.get("DQ_SOURCE", "/srv/exports/people.csv")
CONTRACT = os.environ.get("DQ_CONTRACT", "/etc/dq/people.json")

# Every command starts strict: -e stops at the first failure, -u refuses
# unset variables, pipefail makes a failing dq step fail its pipeline.
STRICT = "set -euo pipefail; "
RUN = DATA + "/{{ ds }}"

with DAG(
    dag_id="dq_people_nightly",
    start_date=datetime(2026, 1, 1),
    schedule="0 2 * * *",
    catchup=False,
    default_args={"retries": 1, "retry_delay": timedelta(minutes=5)},
    tags=["data-quality", "dq"],
) as dag:
    fetch = BashOperator(
        task_id="fetch",
        bash_command=STRICT
        + f'mkdir -p "{RUN}"; src="{SOURCE}"; '
        + 'case "$src" in '
        + f'http://*|https://*) curl -fsS "$src" > "{RUN}/export.csv" ;; '
        + f's3://*) aws s3 cp "$src" - > "{RUN}/export.csv" ;; '
        + f'*) cp "$src" "{RUN}/export.csv" ;; '
        + "esac",
    )
    normalize = BashOperator(
        task_id="normalize",
        bash_command=STRICT
        + f'"{DQ}/dq-normalize" -q -c "{CONTRACT}" '
        + f'--rejects "{RUN}/rejects.ndjson" --max-rejects 10 '
        + f'--summary "{RUN}/normalize.json" "{RUN}/export.csv" '
        + f'> "{RUN}/clean.ndjson"',
    )
    validate = BashOperator(
        task_id="validate_gate",
        bash_command=STRICT
        + f'"{DQ}/dq-validate" -q -c "{CONTRACT}" '
        + f'--quarantine "{RUN}/quarantine.ndjson" '
        + f'--violations "{RUN}/violations.ndjson" '
        + f'--summary "{RUN}/validate.json" "{RUN}/clean.ndjson" '
        + f'> "{RUN}/valid.ndjson"',
    )
    profile = BashOperator(
        task_id="profile",
        bash_command=STRICT
        + f'"{DQ}/dq-profile" -q "{RUN}/valid.ndjson" > "{RUN}/profile.json"',
    )

    fetch >> normalize >> validate >> profile
