"""Read AWS INI files exactly as botocore's ``raw_config_parse`` does, but fast.

botocore uses ``configparser.RawConfigParser()`` with its defaults. Building that object costs
about 30 ms per 1,000 profiles, so this module re-implements the same line rules (full-line
``#``/``;`` comments only, ``=`` and ``:`` delimiters, lower-cased keys, indented continuation
lines, blank lines kept inside values, a ``[DEFAULT]`` section inherited by all, duplicate
sections or keys rejected) and botocore's nested-value parsing. Differential tests against
configparser and botocore keep the two in step.
"""

from __future__ import annotations

import re

from asso.errors import IniParseError

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs ~10 ms to import; annotations only need it for mypy
    from typing import Union

    NestedValue = dict[str, str]
    Value = Union[str, NestedValue]
    Section = dict[str, Value]

_SECTION_HEADER = re.compile(r"\[(?P<header>.+)\]")
# configparser's option pattern is "(?P<option>.*?)\s*(?P<vi>=|:)\s*(?P<value>.*)$": the key
# ends at the first delimiter, which is what searching for it gives, several times faster.
_DELIMITER = re.compile(r"[=:]")
_DEFAULT_SECTION = "DEFAULT"
_SHLEX_WHITESPACE = re.compile("[ \t\r\n]+")  # shlex's whitespace, not str.split()'s


def parse_ini(text: str, *, parse_subsections: bool = True) -> dict[str, Section]:
    """Return ``{section: {key: value}}`` as ``botocore.configloader.raw_config_parse`` would."""
    sections: dict[str, dict[str, list[str]]] = {}
    defaults: dict[str, list[str]] = {}
    seen_options: set[tuple[str, str]] = set()
    current: dict[str, list[str]] | None = None
    section_name = ""
    option: str | None = None
    indent_level = 0
    first_error: IniParseError | None = None

    # configparser reads in universal-newline mode and iterates on "\n" only.
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    for lineno, line in enumerate(text.split("\n"), start=1):
        value = line.strip()
        if not value:
            if current is not None and option:
                current[option].append("")
            continue
        if value[0] in "#;":
            continue  # full-line comment: not part of a value, does not end one
        cur_indent = len(line) - len(line.lstrip())
        if current is not None and option and cur_indent > indent_level:
            current[option].append(value)
            continue
        indent_level = cur_indent
        header = _SECTION_HEADER.match(value)
        if header:
            section_name = header.group("header")
            if section_name == _DEFAULT_SECTION:
                current = defaults
            elif section_name in sections:
                raise IniParseError(f"section {section_name!r} already exists", lineno)
            else:
                current = sections[section_name] = {}
            option = None
            continue
        if current is None:
            raise IniParseError("file contains no section headers", lineno)
        delimiter = _DELIMITER.search(value)
        if delimiter is None or delimiter.start() == 0:
            # configparser keeps reading and raises at the end; the outcome is the same.
            first_error = first_error or IniParseError(f"cannot parse {value!r}", lineno)
            if delimiter is None:
                continue
        at = delimiter.start()
        option = value[:at].rstrip().lower()
        if (section_name, option) in seen_options:
            raise IniParseError(
                f"option {option!r} in section {section_name!r} already exists", lineno
            )
        seen_options.add((section_name, option))
        current[option] = [value[at + 1 :].strip()]
    if first_error is not None:
        raise first_error
    return _finish(sections, defaults, parse_subsections)


def _finish(
    sections: dict[str, dict[str, list[str]]],
    defaults: dict[str, list[str]],
    parse_subsections: bool,
) -> dict[str, Section]:
    joined_defaults = {key: "\n".join(lines).rstrip() for key, lines in defaults.items()}
    result: dict[str, Section] = {}
    for name, options in sections.items():
        section: Section = {}
        merged = {key: "\n".join(lines).rstrip() for key, lines in options.items()}
        for key, default_value in joined_defaults.items():
            merged.setdefault(key, default_value)
        for key, raw in merged.items():
            section[key] = _parse_nested(raw) if parse_subsections and raw[:1] == "\n" else raw
        result[name] = section
    return result


def _parse_nested(raw: str) -> NestedValue:
    nested: NestedValue = {}
    for line in raw.splitlines():
        line = line.strip()
        if not line:
            continue
        if "=" not in line:
            raise IniParseError(f"nested value {line!r} has no '='")
        key, value = line.split("=", 1)
        nested[key.strip()] = value.strip()
    return nested


def split_section_name(name: str) -> list[str] | None:
    """``shlex.split(name)``, with a fast path for names that need no shell-style parsing."""
    if "'" not in name and '"' not in name and "\\" not in name:
        return [part for part in _SHLEX_WHITESPACE.split(name) if part]
    import shlex

    try:
        return shlex.split(name)
    except ValueError:
        return None
