"""Where a step writes a deal's files: the run's staging folder, published by run_snapshot (dd_pipeline.publish)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg

from dd_pipeline.errors import ProblemList
from dd_pipeline.publish import publish, stage

from .resources import ProjectResource

SNAPSHOT = dg.AssetKey("run_snapshot")


def deal_folder(context: dg.AssetExecutionContext, project: ProjectResource) -> Path:
    """The folder this step writes the deal's files into."""
    return stage(project.settings, context.partition_key, context.run_id)


def done_writing(context: dg.AssetExecutionContext, project: ProjectResource) -> None:
    """A run without run_snapshot (one asset materialized from the UI) publishes each step's files at once;
    otherwise run_snapshot publishes all of them after the history is recorded. (An empty selection, as
    in-process runs of a selection have, stands for the whole job.)"""
    selection = context.run.asset_selection
    if selection and SNAPSHOT not in selection:
        publish(project.settings, context.partition_key, context.run_id)


@contextmanager
def step(context: dg.AssetExecutionContext, what: str) -> Iterator[None]:
    """Any error of ours in a step becomes a failure naming the deal, the step and what it was doing."""
    try:
        yield
    except (dg.Failure, KeyboardInterrupt):
        raise
    except ProblemList as exc:
        raise dg.Failure(
            description=f"deal {context.partition_key}, step {context.op_def.name}: {what}: {exc}"
        ) from None
    except Exception as exc:
        if interruption(exc):  # DuckDB turns Ctrl-C or SIGTERM during a query into an error of its own
            raise
        raise _failure(context, what, exc) from exc


def _failure(context: dg.AssetExecutionContext, what: str, exc: Exception) -> dg.Failure:
    return dg.Failure(
        description=f"deal {context.partition_key}, step {context.op_def.name}: {what} failed: "
        f"{type(exc).__name__}: {exc}"
    )


INTERRUPTIONS = ("DagsterExecutionInterruptedError", "KeyboardInterrupt", "InterruptException")


def interruption(exc: BaseException | None) -> bool:
    """True when ``exc`` (or what caused it) is the process being told to stop."""
    seen = 0
    while exc is not None and seen < 10:
        if type(exc).__name__ in INTERRUPTIONS or str(exc).strip() == "Query interrupted":
            return True
        exc = exc.__cause__ or exc.__context__
        seen += 1
    return False
