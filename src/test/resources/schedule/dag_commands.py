"""Runs the commands of jobs/schedule/lrp_audit_dag.py the way Airflow would, without Airflow (ScheduleCommandsTest).

    python3 dag_commands.py DAG_FILE WORK_DIR CASES_JSON

Stubs the two Airflow classes the DAG imports (DAG, BashOperator: they record the tasks), imports the DAG file,
renders each task's templated fields (bash_command, env) with Jinja2 as Airflow 2 does (a sandboxed environment with
StrictUndefined; context dag_run and run_id), and runs the command through `bash -c` with the environment BashOperator
gives it (os.environ plus env when append_env). jobs/lrp-audit is a stub under WORK_DIR/home that logs its arguments
and LRP_AUDIT_MODEL. CASES_JSON is a list of {"model": ..., "run_id": ...}. Prints one JSON line per task run:
{"case", "task", "status", "args", "model"}.
"""
import importlib.util
import json
import os
import subprocess
import sys
import types

import jinja2
import jinja2.sandbox

dag_file, work, cases = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])

tasks = []


class DAG:
    def __init__(self, dag_id=None, **kwargs):
        self.dag_id = dag_id

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


class BashOperator:
    template_fields = ("bash_command", "env", "cwd")  # as Airflow 2.4+'s BashOperator

    def __init__(self, task_id, bash_command, env=None, append_env=False, cwd=None, **kwargs):
        self.task_id, self.bash_command, self.env, self.append_env, self.cwd = (task_id, bash_command, env,
                                                                               append_env, cwd)
        tasks.append(self)

    def __rshift__(self, other):
        return other


airflow = types.ModuleType("airflow")
airflow.DAG = DAG
operators = types.ModuleType("airflow.operators")
bash = types.ModuleType("airflow.operators.bash")
bash.BashOperator = BashOperator
sys.modules.update({"airflow": airflow, "airflow.operators": operators, "airflow.operators.bash": bash})

home = os.path.join(work, "home")
os.makedirs(os.path.join(home, "jobs"), exist_ok=True)
log = os.path.join(work, "calls.log")
stub = os.path.join(home, "jobs", "lrp-audit")
with open(stub, "w") as f:
    f.write("#!/usr/bin/env bash\n"
            "{ printf '%s\\0' \"${LRP_AUDIT_MODEL-<unset>}\" \"$@\"; printf '\\n'; } >> " + json.dumps(log) + "\n")
os.chmod(stub, 0o755)
os.environ["LRP_AUDIT_HOME"] = home

spec = importlib.util.spec_from_file_location("lrp_audit_dag", dag_file)
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)

templates = jinja2.sandbox.SandboxedEnvironment(undefined=jinja2.StrictUndefined, extensions=["jinja2.ext.do"])


def render(value, context):
    if isinstance(value, str):
        return templates.from_string(value).render(**context)
    if isinstance(value, dict):
        return {k: render(v, context) for k, v in value.items()}
    return value


class DagRun:
    def __init__(self, conf):
        self.conf = conf


for number, case in enumerate(cases):
    conf = {"model": case["model"]} if case.get("model") is not None else {}
    context = {"dag_run": DagRun(conf), "run_id": case["run_id"]}
    for task in tasks:
        command = render(task.bash_command, context)
        env = render(task.env, context)
        if env is None:
            env = dict(os.environ)
        elif task.append_env:
            env = {**os.environ, **env}
        if os.path.exists(log):
            os.remove(log)
        done = subprocess.run(["bash", "-c", command], env=env, cwd=work, capture_output=True, text=True)
        calls = []
        if os.path.exists(log):
            with open(log) as f:
                calls = [line.split("\0") for line in f.read().split("\0\n") if line]
        print(json.dumps({"case": number, "task": task.task_id, "status": done.returncode,
                          "stderr": done.stderr[-2000:], "calls": calls}), flush=True)
