"""Airflow DAG: a fairness audit for every model release, then the bias dashboard (Airflow 2.4+).

The audit task fails when a threshold is crossed (exit 1) or when the audit cannot run (exit 2), so Airflow's
alerting (email_on_failure, callbacks) fires; the dashboard task runs either way (trigger_rule all_done) unless the
audit left no record. Trigger it with the release's model folder:
    airflow dags trigger lrp_audit --conf '{"model": "/models/sentiment/2026-11-26"}'

Values from outside the DAG file (dag_run.conf, a run id given to `airflow dags trigger --run-id`) never become shell
text: Airflow renders them into the task's environment (`env` is a templated field), and the commands read them as
quoted variables. A model of "/m; touch /tmp/x" is a model path that does not exist, not a second command
(ScheduleCommandsTest runs these commands through bash with such values).
"""
import os
import shlex
from datetime import datetime, timedelta

from airflow import DAG
from airflow.operators.bash import BashOperator

LRP_AUDIT = os.environ.get("LRP_AUDIT_HOME", "/opt/lrp-audit")
HISTORY = "/srv/lrp-audit/history"
DASHBOARD = "/srv/www/bias-dashboard"

# One audit id per DAG run: a retry or manual re-run of the run replaces its record instead of adding one (and a
# second run of the id while the first still runs is refused by the audit's lock).
AUDIT_ID = "{{ run_id | replace(':', '-') | replace('+', '-') }}"
MODEL = "{{ (dag_run.conf or {}).get('model') or '' }}"


def audit_command(home=LRP_AUDIT):
    """The audit task's bash command: no template values in it, only quoted variables of its environment."""
    return (
        'if [ -n "$LRP_AUDIT_DAG_MODEL" ]; then export LRP_AUDIT_MODEL="$LRP_AUDIT_DAG_MODEL"; fi; '
        f"cd {shlex.quote(home)} && "
        'exec jobs/lrp-audit audit --conf conf/audit.conf --audit-id "$LRP_AUDIT_DAG_ID"'
    )


def dashboard_command(home=LRP_AUDIT, history=HISTORY, dashboard=DASHBOARD):
    """The dashboard task's bash command, likewise."""
    return (
        f"cd {shlex.quote(home)} && exec jobs/lrp-audit dashboard --history {shlex.quote(history)} "
        f'--output {shlex.quote(dashboard)} --audit-id "$LRP_AUDIT_DAG_ID"'
    )


with DAG(
    dag_id="lrp_audit",
    start_date=datetime(2026, 1, 1),
    schedule="@weekly",
    catchup=False,
    default_args={"retries": 0, "email_on_failure": True, "email": ["fairness-team@example.org"],
                  "execution_timeout": timedelta(hours=6)},
    tags=["fairness", "lrp-audit"],
) as dag:
    audit = BashOperator(
        task_id="audit",
        bash_command=audit_command(),
        env={"LRP_AUDIT_ROOT": "/srv/lrp-audit", "LRP_AUDIT_DAG_MODEL": MODEL, "LRP_AUDIT_DAG_ID": AUDIT_ID},
        append_env=True,
    )
    dashboard = BashOperator(
        task_id="dashboard",
        bash_command=dashboard_command(),
        env={"LRP_AUDIT_DAG_ID": AUDIT_ID},
        append_env=True,
        trigger_rule="all_done",
    )
    audit >> dashboard
