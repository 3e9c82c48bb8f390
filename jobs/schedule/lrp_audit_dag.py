"""Airflow DAG: a fairness audit for every model release, then the bias dashboard (Airflow 2.4+).

The audit task fails when a threshold is crossed (exit 1) or when the audit cannot run (exit 2), so Airflow's
alerting (email_on_failure, callbacks) fires; the dashboard task runs either way (trigger_rule all_done) unless the
audit left no record. Trigger it with the release's model folder:
    airflow dags trigger lrp_audit --conf '{"model": "/models/sentiment/2026-11-26"}'
"""
from datetime import datetime, timedelta

from airflow import DAG
from airflow.operators.bash import BashOperator

LRP_AUDIT = "/opt/lrp-audit"
HISTORY = "/srv/lrp-audit/history"
DASHBOARD = "/srv/www/bias-dashboard"

with DAG(
    dag_id="lrp_audit",
    start_date=datetime(2026, 1, 1),
    schedule="@weekly",
    catchup=False,
    default_args={"retries": 0, "email_on_failure": True, "email": ["fairness-team@example.org"],
                  "execution_timeout": timedelta(hours=6)},
    tags=["fairness", "lrp-audit"],
) as dag:
    # One audit id per DAG run: a retry or manual re-run of the run replaces its record instead of adding one.
    audit = BashOperator(
        task_id="audit",
        bash_command=(
            "{% if dag_run.conf and dag_run.conf.get('model') %}export LRP_AUDIT_MODEL={{ dag_run.conf['model'] }}; "
            "{% endif %}"
            f"cd {LRP_AUDIT} && jobs/lrp-audit audit --conf conf/audit.conf "
            "--audit-id {{ run_id | replace(':', '-') | replace('+', '-') }}"
        ),
        env={"LRP_AUDIT_ROOT": "/srv/lrp-audit"},
        append_env=True,
    )
    dashboard = BashOperator(
        task_id="dashboard",
        bash_command=(
            f"cd {LRP_AUDIT} && jobs/lrp-audit dashboard --history {HISTORY} --output {DASHBOARD} "
            "--audit-id {{ run_id | replace(':', '-') | replace('+', '-') }}"
        ),
        trigger_rule="all_done",
    )
    audit >> dashboard
