"""Further dd-pipeline commands.

Each module here adds its commands to ``dd_pipeline.commands.base.app``, which ``dd_pipeline.cli`` runs.
"""
