from __future__ import annotations

import sys
from pathlib import Path

# tests/ holds shared test modules (hostile.py, livesrv.py) imported by name.
sys.path.insert(0, str(Path(__file__).resolve().parent))
