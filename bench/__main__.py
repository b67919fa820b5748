"""python -m bench [--quick] [--deals N] [--respondents R] ...: see bench/runner.py."""

import sys

from bench.runner import main

sys.exit(main())
