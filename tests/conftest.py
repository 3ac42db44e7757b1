from __future__ import annotations

import sys
from pathlib import Path

# tests/ holds shared test modules (hostile.py, livesrv.py) imported by name.
sys.path.insert(0, str(Path(__file__).resolve().parent))

import django

# Django >= 6.0 (Python >= 3.12) only: its built-in CSP. The matrix's
# Django 6 leg runs these (noxfile.py checks that it really did).
DJANGO6_ONLY = ["browser/test_django6_csp.py"]
collect_ignore = DJANGO6_ONLY if django.VERSION < (6, 0) else []
