"""Further dd-pipeline commands. Each module here adds its commands to ``dd_pipeline.cli.app``."""
