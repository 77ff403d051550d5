"""Check every translation catalogue against the words in the code.

Run it as ``python scripts/check_translations.py`` (``./scripts/test`` does).
It prints each problem, one per line with the file and the English words, and
exits 1 when there is any:

- the template ``app/translations/messages.pot`` is behind the code (a string
  was added or changed without running the extract command in the README);
- a language lacks a string of the template, or leaves it empty or fuzzy;
- a translation's placeholders, such as ``%(name)s``, differ from the English,
  so the page would show the wrong thing or fail to show at all;
- a plural has the wrong number of forms for its language;
- the catalogue cannot be read or compiled.
"""

from __future__ import annotations

import contextlib
import io
import re
import sys
from io import BytesIO
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "app" / "translations"
TEMPLATE = TRANSLATIONS / "messages.pot"
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None}

PLACEHOLDER = re.compile(r"%\((\w+)\)[-#0 +]*\d*(?:\.\d+)?[sdifr]|%%")


def placeholders(text: str) -> list[str]:
    """The named placeholders in ``text``, sorted, each as often as it appears."""
    return sorted(match.group(0) for match in PLACEHOLDER.finditer(text or ""))


def _ids(message) -> tuple[str, ...]:
    return message.id if isinstance(message.id, tuple) else (message.id,)


def _key(message) -> str:
    return _ids(message)[0]


#: Folders never searched for words (Babel's own default would skip templates/_macros).
SKIPPED = (".", "__pycache__", "node_modules", "instance")


def _searched(dirpath: str) -> bool:
    name = Path(dirpath).name
    return not any(name == skip or (skip == "." and name.startswith(".")) for skip in SKIPPED)


def extracted_ids() -> set[str]:
    """Every string marked for translation in the code and the templates, now."""
    with open(ROOT / "babel.cfg", encoding="utf-8") as config:
        method_map, options_map = parse_mapping_cfg(config)
    found = set()
    # Babel's notes about f-strings passed as values go to stderr; they are not problems.
    with contextlib.redirect_stderr(io.StringIO()):
        for _filename, _lineno, message, _comments, _context in extract_from_dir(
            str(ROOT), method_map, options_map, keywords=KEYWORDS, directory_filter=_searched
        ):
            found.add(message[0] if isinstance(message, tuple) else message)
    return found


def catalogue_problems(catalogue, template, where: str) -> list[str]:
    """What is missing or broken in one language's ``catalogue``."""
    problems = []
    forms = catalogue.num_plurals
    for wanted in template:
        if not wanted.id:
            continue
        message = catalogue.get(wanted.id)
        label = f"{where}: {_key(wanted)[:70]!r}"
        if message is None:
            problems.append(f"{label}: not in the catalogue (run the update command in the README)")
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy:
            problems.append(f"{label}: marked fuzzy; check the words and remove the fuzzy mark")
        if isinstance(wanted.id, tuple) and len(strings) != forms:
            problems.append(f"{label}: has {len(strings)} plural forms, the language needs {forms}")
        if not all(s and s.strip() for s in strings):
            problems.append(f"{label}: no translation")
            continue
        english = {tuple(placeholders(text)) for text in _ids(wanted)}
        for text in strings:
            if tuple(placeholders(text)) not in english:
                problems.append(
                    f"{label}: placeholders {placeholders(text)} differ from the English "
                    f"{sorted(english)[0]}"
                )
                break
    return problems


def languages() -> list[Path]:
    return sorted(TRANSLATIONS.glob("*/LC_MESSAGES/messages.po"))


def all_problems(check_extraction: bool = True) -> list[str]:
    problems = []
    with open(TEMPLATE, "rb") as handle:
        template = read_po(handle)
    if check_extraction:
        in_code = extracted_ids()
        in_template = {_key(message) for message in template if message.id}
        for text in sorted(in_code - in_template):
            problems.append(f"messages.pot: {text[:70]!r} is in the code but not the template")
        for text in sorted(in_template - in_code):
            problems.append(f"messages.pot: {text[:70]!r} is no longer in the code")
    for path in languages():
        where = str(path.relative_to(ROOT))
        try:
            with open(path, "rb") as handle:
                catalogue = read_po(handle, abort_invalid=True)
            write_mo(BytesIO(), catalogue)
        except Exception as error:  # a broken file is a problem to report, not a crash
            problems.append(f"{where}: cannot be read or compiled: {error}")
            continue
        problems.extend(catalogue_problems(catalogue, template, where))
    return problems


def main() -> int:
    problems = all_problems()
    for problem in problems:
        print(problem)
    count = len(languages())
    if problems:
        print(f"{len(problems)} translation problem(s) in {count} language(s).", file=sys.stderr)
        return 1
    print(f"Translations complete: {count} language(s), no problems.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
