"""asso.aws.ini against the reference: configparser.RawConfigParser() read the way botocore reads.

The reference is ``botocore.configloader.raw_config_parse`` spelled out with an explicit UTF-8
encoding (botocore reads with the locale's encoding, which is UTF-8 in the test environment; one
test checks the two agree). Every case runs through a real file, so configparser sees the same
universal-newline translation botocore does.
"""

from __future__ import annotations

import configparser
import locale
import shlex
from pathlib import Path
from typing import Any, Optional

import pytest
from botocore.configloader import _parse_nested, raw_config_parse
from botocore.exceptions import ConfigParseError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from asso.aws.ini import parse_ini, split_section_name
from asso.aws.parsecache import load_cached
from asso.errors import IniParseError


class ReferenceParseError(Exception):
    """configparser or botocore's nested-value parser rejected the text."""


def reference_parse(path: Path) -> dict[str, Any]:
    """botocore.configloader.raw_config_parse, with the encoding pinned to UTF-8."""
    parser = configparser.RawConfigParser()
    try:
        parser.read([str(path)], encoding="utf-8")
    except (configparser.Error, UnicodeDecodeError) as error:
        raise ReferenceParseError(str(error)) from error
    result: dict[str, Any] = {}
    for section in parser.sections():
        result[section] = {}
        for option in parser.options(section):
            value = parser.get(section, option)
            if value.startswith("\n"):
                try:
                    value = _parse_nested(value)
                except ValueError as error:
                    raise ReferenceParseError(str(error)) from error
            result[section][option] = value
    return result


def write_raw(path: Path, text: str) -> Path:
    # newline="" keeps "\r" and "\r\n" as written: the reader must translate them.
    with open(path, "w", encoding="utf-8", newline="") as handle:
        handle.write(text)
    return path


def outcomes(path: Path, text: str) -> tuple[Optional[dict[str, Any]], Optional[dict[str, Any]]]:
    """(reference result or None if it raised, asso result or None if it raised)."""
    try:
        expected: Optional[dict[str, Any]] = reference_parse(path)
    except ReferenceParseError:
        expected = None
    try:
        actual: Optional[dict[str, Any]] = dict(parse_ini(text))
    except IniParseError:
        actual = None
    return expected, actual


# (id, text, expected result or None for "both must raise")
CORPUS: list[tuple[str, str, Optional[dict[str, Any]]]] = [
    ("empty", "", {}),
    ("only-comments", "# a\n; b\n\n", {}),
    ("simple", "[default]\nregion = us-east-1\n", {"default": {"region": "us-east-1"}}),
    (
        "full-line-comments",
        "[a]\n# c = 1\n  ; d = 2\nk = v\n",
        {"a": {"k": "v"}},
    ),
    (
        "inline-hash-kept",
        "[a]\nregion = us-east-1 # prod\nother = x ; y\n",
        {"a": {"region": "us-east-1 # prod", "other": "x ; y"}},
    ),
    ("colon-delimiter", "[a]\nk: v\nj : w = x\n", {"a": {"k": "v", "j": "w = x"}}),
    ("first-delimiter-wins", "[a]\nk:v=w\nj=v:w\n", {"a": {"k": "v=w", "j": "v:w"}}),
    ("keys-lowercased", "[A]\nRegion = X\n", {"A": {"region": "X"}}),
    ("key-inner-space", "[a]\nmy key = v\n", {"a": {"my key": "v"}}),
    ("empty-value", "[a]\nk =\n", {"a": {"k": ""}}),
    (
        "continuation",
        "[a]\nk = one\n  two\n\tthree\nj = x\n",
        {"a": {"k": "one\ntwo\nthree", "j": "x"}},
    ),
    (
        "blank-lines-in-value",
        "[a]\nk = one\n\n  two\n\n\nj = x\n",
        {"a": {"k": "one\n\ntwo", "j": "x"}},
    ),
    (
        "comment-inside-continuation",
        "[a]\nk = one\n  # not a line\n  two\n",
        {"a": {"k": "one\ntwo"}},
    ),
    (
        "nested",
        "[profile p]\ns3 =\n  max_concurrent_requests = 10\n  addressing_style=path\nregion = r\n",
        {
            "profile p": {
                "s3": {"max_concurrent_requests": "10", "addressing_style": "path"},
                "region": "r",
            }
        },
    ),
    ("nested-without-equals", "[a]\ns3 =\n  novalue\n", None),
    ("nested-colon-only", "[a]\ns3 =\n  k: v\n", None),
    (
        "default-section-inherited",
        "[DEFAULT]\nregion = d\nout = json\n[a]\nregion = a\n[b]\n",
        {"a": {"region": "a", "out": "json"}, "b": {"region": "d", "out": "json"}},
    ),
    ("default-section-alone", "[DEFAULT]\nk = v\n", {}),
    (
        "default-section-nested",
        "[DEFAULT]\ns3 =\n  a = b\n[x]\n",
        {"x": {"s3": {"a": "b"}}},
    ),
    ("default-lowercase-is-ordinary", "[default]\nk = v\n", {"default": {"k": "v"}}),
    ("duplicate-section", "[a]\nk = 1\n[a]\nj = 2\n", None),
    ("duplicate-key", "[a]\nk = 1\nK = 2\n", None),
    ("duplicate-key-across-delimiters", "[a]\nk = 1\nk: 2\n", None),
    ("duplicate-default-key", "[DEFAULT]\nk = 1\n[DEFAULT]\nk = 2\n", None),
    (
        "default-twice-different-keys",
        "[DEFAULT]\nk = 1\n[DEFAULT]\nj = 2\n[a]\n",
        {"a": {"k": "1", "j": "2"}},
    ),
    ("key-without-delimiter", "[a]\njunk\n", None),
    ("empty-key", "[a]\n= v\n", None),
    ("no-section-header", "k = v\n[a]\n", None),
    ("no-header-comment-first", "# c\n\nk = v\n", None),
    ("crlf", "[a]\r\nk = v\r\n  w\r\n", {"a": {"k": "v\nw"}}),
    ("lone-cr", "[a]\rk = v\r  w\rj = x", {"a": {"k": "v\nw", "j": "x"}}),
    ("mixed-newlines", "[a]\r\nk = 1\r[b]\nj = 2", {"a": {"k": "1"}, "b": {"j": "2"}}),
    ("tabs", "[a]\n\tk\t=\tv\t\n", {"a": {"k": "v"}}),
    ("nbsp-around", "[a]\nk\u00a0=\u00a0v\u00a0\n", {"a": {"k": "v"}}),
    ("unicode-indent-continues", "[a]\nk = v\n\u2003w\n", {"a": {"k": "v\nw"}}),
    ("vertical-tab-indent", "[a]\nk = v\n\x0bw\n", {"a": {"k": "v\nw"}}),
    ("form-feed-line", "[a]\nk = v\n\x0c\nj = x\n", {"a": {"k": "v", "j": "x"}}),
    ("bom", "\ufeff[default]\nk = v\n", None),
    ("bom-inside-value", "[a]\nk = \ufeffv\n", {"a": {"k": "\ufeffv"}}),
    ("bracket-in-header", "[a]b]\nk = v\n", {"a]b": {"k": "v"}}),
    ("header-trailing-text", "[a] trailing\nk = v\n", {"a": {"k": "v"}}),
    ("header-with-equals", "[a = b]\nk = v\n", {"a = b": {"k": "v"}}),
    ("empty-brackets", "[]\n", None),
    ("indented-header-is-header", "  [a]\nk = v\n", {"a": {"k": "v"}}),
    (
        "indented-header-after-option-is-continuation",
        "[a]\nk = v\n  [b]\n",
        {"a": {"k": "v\n[b]"}},
    ),
    (
        "quoted-profile-name",
        '[profile "my profile"]\nk = v\n',
        {'profile "my profile"': {"k": "v"}},
    ),
    ("unicode-key-lower", "[a]\nÄRGER = 1\n", {"a": {"ärger": "1"}}),
    ("value-with-brackets", "[a]\nk = [x]\n", {"a": {"k": "[x]"}}),
    ("no-final-newline", "[a]\nk = v", {"a": {"k": "v"}}),
    ("whitespace-only-file", " \n\t\n", {}),
]


@pytest.mark.parametrize(("text", "expected"), [c[1:] for c in CORPUS], ids=[c[0] for c in CORPUS])
def test_corpus_matches_configparser(
    tmp_path: Path, text: str, expected: Optional[dict[str, Any]]
) -> None:
    path = write_raw(tmp_path / "config", text)
    reference, actual = outcomes(path, text)
    assert reference == expected, "the corpus entry itself is wrong"
    assert actual == reference
    if expected is None:
        with pytest.raises(IniParseError):
            parse_ini(text)


@pytest.mark.skipif(
    locale.getpreferredencoding(False).lower().replace("-", "") != "utf8",
    reason="botocore reads with the locale's encoding",
)
@pytest.mark.parametrize(("text", "expected"), [c[1:] for c in CORPUS], ids=[c[0] for c in CORPUS])
def test_reference_is_botocore(
    tmp_path: Path, text: str, expected: Optional[dict[str, Any]]
) -> None:
    path = write_raw(tmp_path / "config", text)
    if expected is None:
        with pytest.raises(ConfigParseError):
            raw_config_parse(str(path))
    else:
        assert raw_config_parse(str(path)) == expected
        # The way asso reads a file (universal newlines, locale encoding) gives the same.
        assert load_cached(str(path), parse_ini) == expected


def test_error_carries_line_number() -> None:
    with pytest.raises(IniParseError) as info:
        parse_ini("[a]\nk = 1\n[a]\n")
    assert info.value.line == 3
    with pytest.raises(IniParseError) as info:
        parse_ini("\n\nk = v\n")
    assert info.value.line == 3


def test_without_subsections_keeps_raw_value() -> None:
    text = "[a]\ns3 =\n  x = 1\n"
    assert parse_ini(text, parse_subsections=False) == {"a": {"s3": "\nx = 1"}}


# ---------------------------------------------------------------------------------------------
# Property: texts built from the pieces above parse identically, or fail in both.

_WS = [" ", "\t", "\u00a0", "\u2003", "\u3000", "\x0b", "\x0c", "\x1c", "\x85", "\u2028"]
_ws = st.text(alphabet=st.sampled_from(_WS), max_size=3)
_indent = st.text(alphabet=st.sampled_from(_WS), min_size=1, max_size=4)
_section_names = st.sampled_from(
    [
        "default",
        "DEFAULT",
        "Default",
        "profile a",
        'profile "a b"',
        "a]b",
        "x",
        "sso-session s",
        " p ",
    ]
)
_keys = st.sampled_from(["a", "A", "b", "s3", "k", "", "k k", "x#", "İ", "ß"])
_values = st.sampled_from(["", "v", "v # c", "a=b", "a:b", "x ; y", "  ", "\u00a0z", "[q]", "é"])
_delimiters = st.sampled_from(["=", ":", " = ", "\t:", "==", ": "])

_header = st.builds(
    lambda w, n, t: f"{w}[{n}]{t}",
    _ws,
    _section_names,
    st.sampled_from(["", " ", "]", " x", " # c"]),
)
_option = st.builds(lambda w, k, d, v: f"{w}{k}{d}{v}", _ws, _keys, _delimiters, _values)
_comment = st.builds(lambda w, c, t: f"{w}{c}{t}", _ws, st.sampled_from(["#", ";"]), _values)
_continuation = st.builds(
    lambda w, t: f"{w}{t}", _indent, st.sampled_from(["x = 1", "y=2", "noeq", "[n]", "# c", "z: 3"])
)
_odd = st.sampled_from(["junk", "=v", ":v", "\ufeff[default]", "\ufeffk=v", "[]"])
_line = st.one_of(_header, _option, _comment, _ws, _continuation, _odd)
_newline = st.sampled_from(["\n", "\r\n", "\r"])


@st.composite
def ini_texts(draw: st.DrawFn) -> str:
    lines = draw(st.lists(st.tuples(_line, _newline), max_size=12))
    text = "".join(line + newline for line, newline in lines)
    if lines and draw(st.booleans()):
        text = text[: -len(lines[-1][1])]  # no final newline
    return text


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=ini_texts())
def test_property_matches_configparser(tmp_path_factory: pytest.TempPathFactory, text: str) -> None:
    path = write_raw(tmp_path_factory.mktemp("ini") / "config", text)
    reference, actual = outcomes(path, text)
    assert actual == reference, repr(text)


# ---------------------------------------------------------------------------------------------
# split_section_name is shlex.split, or None where shlex raises.


def _shlex_or_none(name: str) -> Optional[list[str]]:
    try:
        return shlex.split(name)
    except ValueError:
        return None


@pytest.mark.parametrize(
    "name",
    [
        "profile a",
        'profile "my profile"',
        "profile 'it''s'",
        "profile two words",
        "profile  a\t",
        "profilefoo",
        "profilefoo bar",
        'profile "unterminated',
        "profile a\\ b",
        "profile trailing\\",
        "profile a\x0bb",
        "profile a\u00a0b",
        "",
        "   ",
    ],
)
def test_split_section_name_examples(name: str) -> None:
    assert split_section_name(name) == _shlex_or_none(name)


_name_chars = st.sampled_from(
    [*" \t\r\n\x0b\x0c\u00a0\u2003\x1c'\"\\#;ab", "profile", "sso-session", "é"]
)


@settings(max_examples=500, deadline=None)
@given(st.lists(_name_chars, max_size=12).map("".join))
def test_split_section_name_property(name: str) -> None:
    assert split_section_name(name) == _shlex_or_none(name)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=20))
def test_split_section_name_any_text(name: str) -> None:
    assert split_section_name(name) == _shlex_or_none(name)
