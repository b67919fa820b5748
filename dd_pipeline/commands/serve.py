"""`dd-pipeline serve`: the Dagster UI and daemon, so the sensor and the daily schedule run."""

from __future__ import annotations

import errno
import os
import shutil
import socket
import sys
from pathlib import Path
from typing import Annotated

import typer

from dd_pipeline.commands.base import EXIT_INPUT, app, err
from dd_pipeline.settings import PROJECT_ROOT


@app.command()
def serve(
    host: Annotated[
        str, typer.Option(help="Address to listen on; the default keeps the UI on this machine.")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port of the web UI.")] = 3000,
) -> None:
    """Start the Dagster UI with its daemon (sensor on inputs/deals/, daily rerun schedule)."""
    from dd_pipeline.defs.liveness import free_dead_runs
    from dd_pipeline.defs.runner import ensure_dagster_home, open_instance

    taken = port_taken(host, port)
    if taken:
        err.print(
            f"[red]x[/] --port {port}: {taken}; nothing was started. If dd-pipeline serve already runs, "
            f"open http://{host}:{port}; otherwise stop the program that uses the port or choose another "
            f"one: dd-pipeline serve --port {port + 1}"
        )
        raise typer.Exit(EXIT_INPUT)
    home = ensure_dagster_home(PROJECT_ROOT / ".dagster_home")
    for run in free_dead_runs(open_instance(home)):  # runs killed with an earlier serve or run
        err.print(
            f"freed the warehouse slot of run {run.run_id[:8]}"
            + (f" (deal {run.deal})" if run.deal else "")
            + ": its process had ended"
        )
    dagster = shutil.which("dagster", path=str(Path(sys.executable).parent)) or shutil.which("dagster")
    if dagster is None:
        err.print("[red]x[/] the dagster command is not installed in this environment (run make dev)")
        raise typer.Exit(1)
    workspace = PROJECT_ROOT / "workspace.yaml"
    env = {**os.environ, "DAGSTER_HOME": str(home), "DAGSTER_DISABLE_TELEMETRY": "1"}
    args = [dagster, "dev", "-w", str(workspace), "-h", host, "-p", str(port)]
    err.print(f"Dagster UI on http://{host}:{port} (state in {home}); stop with Ctrl-C")
    os.execvpe(dagster, args, env)


def port_taken(host: str, port: int) -> str | None:
    """Why the UI cannot listen on ``host``:``port``, or None when it can (checked by binding it briefly)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        return f"the address {host!r} cannot be used ({exc.strerror})"
    family, kind, proto, _name, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                return f"port {port} on {host} is already in use"
            return f"cannot listen on {host}:{port} ({exc.strerror})"
    return None
