"""Hostile and malformed input to the loader."""

from __future__ import annotations

import time
import tracemalloc

import pytest

from standby.modelfile.errors import ModelFileError
from standby.modelfile.loader import load_bytes

BILLION_LAUGHS = b"""\
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""


def _problems(data: bytes, filename: str = "m.yaml", **limits) -> list[str]:
    with pytest.raises(ModelFileError) as info:
        load_bytes(data, filename=filename, **limits)
    return [str(p) for p in info.value.problems]


def test_billion_laughs_is_rejected_quickly_with_bounded_memory():
    tracemalloc.start()
    started = time.perf_counter()
    problems = _problems(BILLION_LAUGHS)
    elapsed = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert problems == ["a: anchors (&) are not allowed (line 1, column 4)"]
    assert elapsed < 1.0
    assert peak < 5_000_000


def test_an_alias_without_an_anchor_is_rejected():
    # Not even a parse error comes first: the alias itself is refused.
    assert _problems(b"a: *nowhere\n")[0].startswith("a: ")


def test_python_object_tag_is_rejected_and_not_executed(tmp_path):
    marker = tmp_path / "pwned"
    payload = f'!!python/object/apply:os.system ["touch {marker}"]\n'.encode()
    assert _problems(payload) == [
        "tags such as 'tag:yaml.org,2002:python/object/apply:os.system' are not allowed "
        "(line 1, column 1)"
    ]
    nested = f'standby: 1\nx: !!python/object/apply:os.system ["touch {marker}"]\n'.encode()
    assert _problems(nested)[0].startswith("x: tags such as")
    assert not marker.exists()


@pytest.mark.parametrize("text", [b"a: !!str 1\n", b"a: !custom 1\n", b"a: !!map {}\n"])
def test_any_tag_is_rejected(text):
    assert "are not allowed" in _problems(text)[0]


def test_bom_is_accepted_and_stripped():
    assert load_bytes(b"\xef\xbb\xbfstandby: 1\n", filename="m.yaml") == {"standby": 1}
    assert load_bytes(b'\xef\xbb\xbf{"standby": 1}', filename="m.json") == {"standby": 1}
    assert load_bytes(b'\xef\xbb\xbf {"standby": 1}', filename="upload") == {"standby": 1}


def test_latin1_is_rejected_with_its_offset():
    data = "standby: 1\npeople:\n- id: jose\n  name: José\n".encode("latin-1")
    offset = data.index(b"\xe9")
    assert _problems(data) == [
        f"not UTF-8: invalid byte 0xe9 at offset {offset} (line 4); save the file as UTF-8"
    ]


def test_latin1_offset_counts_the_bom():
    data = b"\xef\xbb\xbfa: \xe9\n"
    assert _problems(data) == [
        "not UTF-8: invalid byte 0xe9 at offset 6 (line 1); save the file as UTF-8"
    ]


def test_nul_bytes_are_rejected():
    assert _problems(b"standby: 1\nx: a\x00b\n") == [
        "NUL byte at offset 15 (line 2): a model file must be UTF-8 text"
    ]
    assert "NUL byte at offset 1" in _problems("s".encode("utf-16-le"))[0]


def test_oversize_file_is_rejected_before_parsing(monkeypatch):
    from standby.modelfile import loader

    def boom(*args, **kwargs):
        raise AssertionError("parsed an oversize file")

    monkeypatch.setattr(loader, "_decode", boom)
    monkeypatch.setattr(loader, "StrictLoader", boom)
    assert _problems(b"a: " + b"x" * 2000, max_bytes=1000) == [
        "the file is 2,003 bytes, over the limit of 1,000 bytes"
    ]


def test_default_size_limit_is_50_mb():
    big = b"#" * (50 * 1024 * 1024 + 1)
    assert _problems(big)[0].startswith("the file is 52,428,801 bytes")


@pytest.mark.parametrize("filename", ["m.yaml", "m.json"])
def test_deep_nesting_is_rejected(filename):
    deep = b"[" * 50 + b"]" * 50
    assert "nested deeper than the limit of 32" in _problems(deep, filename)[0]
    very_deep = b"[" * 100_000 + b"]" * 100_000
    # libyaml may refuse first (its own limit is 1000 levels): either way, refused.
    assert "nest" in _problems(very_deep, filename)[0]
    block = "".join(" " * i + "- \n" for i in range(0, 200, 2)).encode()
    assert "nested deeper than the limit of 32" in _problems(block, "m.yaml")[0]


def test_nesting_within_the_limit_is_fine():
    assert load_bytes(b"[" * 5 + b"]" * 5, filename="m.yaml") == [[[[[]]]]]


@pytest.mark.parametrize("filename", ["m.yaml", "m.json"])
def test_long_strings_are_rejected(filename):
    text = b'{"name": "' + b"x" * 10_001 + b'"}'
    assert _problems(text, filename) == [
        "name: a string of 10001 characters is longer than the limit of 10000"
        + (" (line 1, column 10)" if filename == "m.yaml" else "")
    ]
    assert load_bytes(b'{"name": "' + b"x" * 10_000 + b'"}', filename=filename)


def test_duplicate_keys_are_rejected():
    yaml_text = b"standby: 1\npeople:\n- id: a\n  name: A\n  id: b\n"
    assert _problems(yaml_text) == ["people[0].id: duplicate key 'id' (line 5, column 3)"]
    json_text = b'{"standby": 1, "people": [{"id": "a", "id": "b"}]}'
    assert _problems(json_text, "m.json") == ["people[0]: duplicate key 'id'"]


def test_several_documents_are_rejected():
    assert _problems(b"a: 1\n---\nb: 2\n") == [
        "only one YAML document is allowed, found another (line 2, column 1)"
    ]


def test_complex_keys_are_rejected():
    assert "a mapping key must be a plain value" in _problems(b"? [a]\n: 1\n")[0]


def test_syntax_errors_have_a_position():
    assert _problems(b"a: [1, 2\n") == [
        "not valid YAML: did not find expected ',' or ']' (line 2, column 1)"
    ]
    assert _problems(b'{"a": }', "m.json") == ["not valid JSON: Expecting value (line 1, column 7)"]


def test_json_nan_is_rejected():
    assert _problems(b'{"a": NaN}', "m.json") == [
        "not valid JSON: NaN is not a number a model file may hold"
    ]


def test_yaml_scalars_resolve_as_expected():
    data = load_bytes(b"a: [1, 1.5, true, ~, '1', 2025-01-02, 1:30, x, '']\n", filename="m.yaml")
    import datetime as dt

    assert data == {"a": [1, 1.5, True, None, "1", dt.date(2025, 1, 2), "1:30", "x", ""]}


def test_empty_file_is_none():
    assert load_bytes(b"", filename="m.yaml") is None
