"""A scored sample portfolio on disk, built with the functions the assets call (no Dagster): the warehouse,
each deal's dashboard and the portfolio page. One deal's partner name and one division carry markup, to
show that text from inputs is escaped everywhere."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml
from sample_project import accept_and_score, copy_sample_inputs

from dd_pipeline.playbook import Playbook
from dd_pipeline.reporting.dashboard import write_dashboard
from dd_pipeline.reporting.portfolio import write_portfolio
from dd_pipeline.settings import PROJECT_ROOT, Settings
from dd_pipeline.use_cases import draft_deal, match_deal, plan_deal
from dd_pipeline.warehouse.connection import connect

INJECTED_PARTNER = "<script>alert(1)</script> BrightPath & Co"
INJECTED_DIVISION = "<img src=x onerror=alert(2)>"
DEALS = ("northwind-codev", "brightpath-comarketing", "helix-jv")


def copy_sample(root: Path) -> Settings:
    shutil.copytree(PROJECT_ROOT / "assets", root / "assets")
    copy_sample_inputs(root / "inputs")
    (root / "outputs").mkdir()
    settings = Settings(root / "assets", root / "inputs", root / "outputs", root / "outputs" / "warehouse.duckdb")
    deal_yaml = settings.deal_dir("brightpath-comarketing") / "deal.yaml"
    deal = yaml.safe_load(deal_yaml.read_text(encoding="utf-8"))
    deal["partner"] = deal["partner_short_name"] = INJECTED_PARTNER
    deal_yaml.write_text(yaml.safe_dump(deal, sort_keys=False), encoding="utf-8")
    answers = settings.deal_dir("brightpath-comarketing") / "answers_partner.csv"
    answers.write_text(
        answers.read_text(encoding="utf-8").replace("Clinical Operations", INJECTED_DIVISION), encoding="utf-8"
    )
    return settings


def score_and_draft(settings: Settings, playbook: Playbook, deal_id: str) -> None:
    """What the scoring and drafting assets do for one deal."""
    with connect(settings.warehouse_path) as con:
        accept_and_score(con, settings, playbook, deal_id)
        match_deal(con, playbook, deal_id)
        draft_deal(con, playbook, deal_id)
        plan_deal(con, playbook, deal_id)


def publish(settings: Settings, playbook: Playbook, deals: tuple[str, ...] = DEALS) -> dict[str, Path]:
    """Each deal's dashboard and the portfolio page, from the warehouse."""
    names = {t.id: t.name for t in playbook.alliance_types}
    with connect(settings.warehouse_path) as con:
        pages = {d: write_dashboard(con, settings, d, playbook) for d in deals}
        pages["index"] = write_portfolio(con, settings, names)
    return pages


def build_sample_portfolio(root: Path, playbook: Playbook) -> tuple[Settings, dict[str, Path]]:
    settings = copy_sample(root)
    for deal_id in DEALS:
        score_and_draft(settings, playbook, deal_id)
    return settings, publish(settings, playbook)
