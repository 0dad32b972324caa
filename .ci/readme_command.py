"""Print a quick-start command from README.md: `demo` (the first block) or `tests` (the second)."""

import re
import sys
from pathlib import Path

readme = Path(__file__).resolve().parent.parent / "README.md"
section = readme.read_text(encoding="utf-8").split("## Quick start", 1)[1].split("\n## ", 1)[0]
blocks = re.findall(r"```(?:sh|bash|console)?\n(.*?)```", section, flags=re.DOTALL)
if len(blocks) != 2:
    sys.exit(f"README.md's Quick start must hold exactly two code blocks; found {len(blocks)}.")
print(blocks[{"demo": 0, "tests": 1}[sys.argv[1]]].strip())
