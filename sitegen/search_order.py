"""Pagefind's index files in one order, so that the same pages give the same bytes.

Pagefind 1.5 writes four lists in the order of a hash map, which is seeded anew in
every process: the languages of a bundle's `pagefind-entry.json`, the filters and
the sort keys of a language's metadata (`pagefind.<id>.pf_meta`) and the values of
each filter (`filter/<id>.pf_filter`). A site in one language without filters and
with at most one sort key (the default theme's has none) has none of these to put
in order, and its files stay as Pagefind wrote them.

A filter's values are sorted, and the file is written again; so is the metadata
that names it (its filters and sort keys sorted too), and the entry that names the
metadata. Each file written again is named by a digest of its new bytes, in
Pagefind's form (`<language>_<hex>`), and is uncompressed: Pagefind's signature
(`pagefind_dcd`) then its CBOR, which pagefind.js reads as it is (it gunzips only a
file that does not start with the signature), so that no compressor's version can
change the bytes. Anything not as expected (another Pagefind's layout) leaves the
files as they are.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import zlib
from collections.abc import Mapping
from typing import Any

ENTRY_FILE = "pagefind-entry.json"
SIGNATURE = b"pagefind_dcd"
FILTERS = 3  # where a language's metadata lists its filters: [[name, file id], ...]
SORTS = 4  # and its sort keys: [[name, [page numbers in that order]], ...]


class Unexpected(ValueError):
    """A file that is not as this module knows Pagefind 1.5 writes it."""


def in_order(files: Mapping[str, bytes]) -> dict[str, bytes]:
    """A bundle's files (by path, its entry's among them) with every list in order."""
    ordered = dict(files)
    entry_names = [name for name in files if name.split("/")[-1] == ENTRY_FILE]
    if len(entry_names) != 1:
        return ordered
    prefix = entry_names[0].removesuffix(ENTRY_FILE)
    entry = json.loads(files[entry_names[0]])
    languages = entry.get("languages") if isinstance(entry, dict) else None
    if not isinstance(languages, dict):
        return ordered
    try:
        changed = _metadata_in_order(ordered, prefix, languages)
    except (ValueError, KeyError, TypeError, OSError, EOFError, zlib.error):
        return dict(files)  # not Pagefind 1.5's layout: its bytes, in its order
    if not changed and len(languages) < 2:
        return ordered  # nothing in hash order: Pagefind's own bytes
    entry["languages"] = dict(sorted(languages.items()))
    text = json.dumps(entry, ensure_ascii=False, separators=(",", ":"))
    ordered[entry_names[0]] = text.encode("utf-8")
    return ordered


def _metadata_in_order(files: dict[str, bytes], prefix: str, languages: dict[str, Any]) -> bool:
    """Sort each language's filters, their values and its sort keys in `files`, renaming
    what changed and noting a metadata's new id in `languages`; whether any file was
    written again."""
    changed = False
    for code, language in sorted(languages.items()):
        meta_name = f"{prefix}pagefind.{language['hash']}.pf_meta"
        meta = _decoded(files[meta_name])
        if not isinstance(meta, list) or len(meta) <= SORTS:
            raise Unexpected(f"metadata of another layout: {meta_name}")
        if not meta[FILTERS] and len(meta[SORTS]) < 2:
            continue  # nothing in hash order
        filters = []
        for name, file_id in meta[FILTERS]:
            old = f"{prefix}filter/{file_id}.pf_filter"
            data = _decoded(files.pop(old))
            if not (isinstance(data, list) and len(data) == 2 and isinstance(data[1], list)):
                raise Unexpected(f"a filter that is not [name, values]: {old}")
            data[1].sort(key=lambda value: (str(value[0]), json.dumps(value[1:])))
            new_id = _store(files, f"{prefix}filter/", code, ".pf_filter", data, 7)
            filters.append([name, new_id])
        meta[FILTERS] = sorted(filters)
        # Each sort key's pages are in its own order already; only the keys are not.
        meta[SORTS] = sorted(meta[SORTS], key=lambda sort: str(sort[0]))
        del files[meta_name]
        language["hash"] = _store(files, f"{prefix}pagefind.", code, ".pf_meta", meta, 10)
        changed = True
    return changed


def _store(
    files: dict[str, bytes], before: str, code: str, after: str, value: Any, hex_digits: int
) -> str:
    """Write `value` as a Pagefind file named by its digest; its id."""
    data = SIGNATURE + encode(value)
    file_id = f"{code}_{hashlib.sha256(data).hexdigest()[:hex_digits]}"
    files[f"{before}{file_id}{after}"] = data
    return file_id


def _decoded(data: bytes) -> Any:
    """A Pagefind file's CBOR, gzipped or not, checked to encode back to its own bytes."""
    raw = data if data.startswith(SIGNATURE) else gzip.decompress(data)
    if not raw.startswith(SIGNATURE):
        raise Unexpected("no Pagefind signature")
    value, end = decode(raw, len(SIGNATURE))
    if end != len(raw) or SIGNATURE + encode(value) != raw:
        raise Unexpected("CBOR this module does not write back as it was")
    return value


# -- CBOR (RFC 8949): integers, strings, arrays and maps, the kinds Pagefind writes -------


def decode(data: bytes, at: int) -> tuple[Any, int]:
    """The CBOR value at `at`, and where it ends."""
    if at >= len(data):
        raise Unexpected("CBOR cut short")
    major, info = data[at] >> 5, data[at] & 31
    at += 1
    if info < 24:
        argument = info
    elif info <= 27:
        size = 1 << (info - 24)
        if at + size > len(data):
            raise Unexpected("CBOR cut short")
        argument, at = int.from_bytes(data[at : at + size], "big"), at + size
    else:
        raise Unexpected(f"CBOR of indefinite length or reserved: {info}")
    if major == 0:
        return argument, at
    if major == 1:
        return -1 - argument, at
    if major in (2, 3):
        if at + argument > len(data):
            raise Unexpected("CBOR cut short")
        content = data[at : at + argument]
        return (bytes(content) if major == 2 else content.decode("utf-8")), at + argument
    if major == 4:
        items = []
        for _ in range(argument):
            item, at = decode(data, at)
            items.append(item)
        return items, at
    if major == 5:
        pairs = []
        for _ in range(argument):
            key, at = decode(data, at)
            value, at = decode(data, at)
            pairs.append((key, value))
        return _Map(pairs), at
    raise Unexpected(f"CBOR of major type {major}")


class _Map(list[tuple[Any, Any]]):
    """A CBOR map as its pairs in order, so that it encodes back as it was."""


def encode(value: Any) -> bytes:
    if isinstance(value, bool) or value is None:
        raise Unexpected(f"CBOR of {value!r}")
    if isinstance(value, int):
        return _head(0, value) if value >= 0 else _head(1, -1 - value)
    if isinstance(value, bytes):
        return _head(2, len(value)) + value
    if isinstance(value, str):
        data = value.encode("utf-8")
        return _head(3, len(data)) + data
    if isinstance(value, _Map):
        return _head(5, len(value)) + b"".join(encode(k) + encode(v) for k, v in value)
    if isinstance(value, list):
        return _head(4, len(value)) + b"".join(encode(item) for item in value)
    raise Unexpected(f"CBOR of {type(value).__name__}")


def _head(major: int, argument: int) -> bytes:
    """The shortest head, as Pagefind's encoder writes it."""
    if argument < 24:
        return bytes([major << 5 | argument])
    for info, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if argument < 1 << (8 * size):
            return bytes([major << 5 | info]) + argument.to_bytes(size, "big")
    raise Unexpected(f"CBOR integer too large: {argument}")
