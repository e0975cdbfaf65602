"""Carry a project's recorded answers forward when a release renames a question or a choice.

Run by copier `_migrations` (stage "before") in the project being updated, on its answers file,
before copier reads the answers again: `migrate_answers.py FILE --value QUESTION OLD NEW` renames
a choice, `--question OLD NEW` renames a question. Stdlib only; the answers file is copier's own
flat `key: value` YAML, edited line by line so comments and order survive.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path


def migrate(text: str, values: list[list[str]], questions: list[list[str]]) -> str:
    for question, old, new in values:
        pattern = re.compile(rf"^({re.escape(question)}:\s*)(['\"]?){re.escape(old)}\2\s*$", re.M)
        text = pattern.sub(lambda m: f"{m.group(1)}{new}", text)
    for old, new in questions:
        text = re.sub(rf"^{re.escape(old)}:", f"{new}:", text, flags=re.M)
    return text


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("answers_file", type=Path)
    parser.add_argument("--value", nargs=3, action="append", default=[], metavar=("QUESTION", "OLD", "NEW"))
    parser.add_argument("--question", nargs=2, action="append", default=[], metavar=("OLD", "NEW"))
    args = parser.parse_args(argv)
    before = args.answers_file.read_text()
    after = migrate(before, args.value, args.question)
    if after != before:
        args.answers_file.write_text(after)
        print(f"api-crossroads: migrated answers in {args.answers_file}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
