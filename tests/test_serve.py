"""`dd-pipeline serve` starts the Dagster UI with the project's definitions loaded."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_serve_starts_the_ui_with_the_deal_graph(project, dagster_home):
    port = free_port()
    env = {
        **os.environ,
        "DAGSTER_HOME": str(dagster_home),
        "DD_ASSETS": str(project.assets_dir),
        "DD_INPUTS": str(project.inputs_dir),
        "DD_OUTPUTS": str(project.outputs_dir),
        "DD_DAILY_RERUN": "off",
        "DD_SENSOR_SECONDS": "3600",
    }
    cli = Path(sys.executable).parent / "dd-pipeline"
    proc = subprocess.Popen(
        [str(cli), "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(f"{base}/server_info", timeout=2) as response:
                    assert json.load(response)["dagster_version"] == "1.13.27"
                break
            except OSError:
                assert time.monotonic() < deadline, "the UI did not start within 90 s"
                assert proc.poll() is None, proc.stdout.read().decode() if proc.stdout else ""
                time.sleep(1)
        query = (
            "{ assetNodes { assetKey { path } partitionDefinition { name } } "
            "workspaceOrError { ... on Workspace { locationEntries { locationOrLoadError { __typename } } } } }"
        )
        request = urllib.request.Request(
            f"{base}/graphql", data=json.dumps({"query": query}).encode(), headers={"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            data = json.load(response)["data"]
        [entry] = data["workspaceOrError"]["locationEntries"]
        assert entry["locationOrLoadError"]["__typename"] == "RepositoryLocation"
        nodes = {n["assetKey"]["path"][0]: n for n in data["assetNodes"]}
        assert {"deal_inputs", "gaps", "clauses", "launch_plan", "run_snapshot"} <= set(nodes)
        assert nodes["gaps"]["partitionDefinition"]["name"] == "deals"
    finally:
        os.killpg(proc.pid, signal.SIGINT)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def test_serve_refuses_a_port_in_use_and_starts_nothing(project, dagster_home):
    env = {
        **os.environ,
        "DAGSTER_HOME": str(dagster_home),
        "DD_ASSETS": str(project.assets_dir),
        "DD_INPUTS": str(project.inputs_dir),
        "DD_OUTPUTS": str(project.outputs_dir),
    }
    cli = Path(sys.executable).parent / "dd-pipeline"
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = subprocess.run(
            [str(cli), "serve", "--port", str(port)], env=env, capture_output=True, text=True, timeout=60
        )
    assert result.returncode == 2
    assert f"--port {port}: port {port} on 127.0.0.1 is already in use; nothing was started" in result.stderr
    assert f"dd-pipeline serve --port {port + 1}" in result.stderr
    assert "Traceback" not in result.stderr and "Dagster UI on" not in result.stderr
    assert not (dagster_home / "storage").exists() and not (dagster_home / "history").exists()
