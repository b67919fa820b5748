"""`dd-pipeline serve`: the Dagster UI and daemon, so the sensor and the daily schedule run."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path
from typing import Annotated

import typer

from dd_pipeline.cli import app, err
from dd_pipeline.settings import PROJECT_ROOT


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on; the default keeps the UI on this machine.")]
    = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port of the web UI.")] = 3000,
) -> None:
    """Start the Dagster UI with its daemon (sensor on inputs/deals/, daily rerun schedule)."""
    from dd_pipeline.defs.liveness import free_dead_runs
    from dd_pipeline.defs.runner import ensure_dagster_home, open_instance

    home = ensure_dagster_home(PROJECT_ROOT / ".dagster_home")
    for run in free_dead_runs(open_instance(home)):  # runs killed with an earlier serve or run
        err.print(f"freed the warehouse slot of run {run.run_id[:8]}"
                  + (f" (deal {run.deal})" if run.deal else "") + ": its process had ended")
    dagster = shutil.which("dagster", path=str(Path(sys.executable).parent)) or shutil.which("dagster")
    if dagster is None:
        err.print("[red]x[/] the dagster command is not installed in this environment (run make dev)")
        raise typer.Exit(1)
    workspace = PROJECT_ROOT / "workspace.yaml"
    env = {**os.environ, "DAGSTER_HOME": str(home), "DAGSTER_DISABLE_TELEMETRY": "1"}
    args = [dagster, "dev", "-w", str(workspace), "-h", host, "-p", str(port)]
    err.print(f"Dagster UI on http://{host}:{port} (state in {home}); stop with Ctrl-C")
    os.execvpe(dagster, args, env)
