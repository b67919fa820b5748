"""Moved to dd_pipeline.use_cases; kept so existing imports keep working."""

from dd_pipeline.use_cases.drafting import Drafted, Matched, Planned, draft_deal, match_deal, plan_deal

__all__ = ["Drafted", "Matched", "Planned", "draft_deal", "match_deal", "plan_deal"]
