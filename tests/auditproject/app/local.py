"""Import-time work in the module itself."""

import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
TABLE = (HERE / "data" / "table.csv").read_text(encoding="utf-8")
LISTING = os.listdir(HERE / "data")
Path("var/logs").mkdir(parents=True, exist_ok=True)
PYTHON = subprocess.run([sys.executable, "-c", "pass"], check=True).returncode
