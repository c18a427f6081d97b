"""The public reply corpus keeps its provenance, and no reserved evaluation source is in it."""

from __future__ import annotations

import re

import pytest

from tests.bench.replies_corpus import CORPUS, RESERVED, RESERVED_FILE_NAMES, load

ITEMS = load()


def test_the_corpus_has_many_items_from_several_projects() -> None:
    assert len(ITEMS) >= 80
    assert len({item.source["repository"] for item in ITEMS}) >= 4


@pytest.mark.parametrize("item", ITEMS, ids=[item.file for item in ITEMS])
def test_every_item_has_its_file_provenance_and_licence(item) -> None:
    assert (CORPUS / item.file).is_file()
    assert re.fullmatch(r"[\w.-]+/[\w.-]+", item.source["repository"])
    assert item.source["path"]
    assert re.fullmatch(r"[0-9a-f]{40}", item.source["commit"])
    assert item.licence.strip() and item.language and item.client
    assert item.format in ("eml", "html", "text")


@pytest.mark.parametrize("item", ITEMS, ids=[item.file for item in ITEMS])
def test_no_item_comes_from_a_reserved_source(item) -> None:
    where = f"{item.source['repository']}/{item.source['path']}".lower()
    assert not any(reserved in where for reserved in RESERVED)
    assert not RESERVED_FILE_NAMES.search(item.source["path"])


def test_every_file_in_the_corpus_folder_is_in_the_manifest() -> None:
    listed = {item.file for item in ITEMS}
    on_disk = {str(p.relative_to(CORPUS)) for p in CORPUS.rglob("*") if p.is_file() and p.name != "manifest.json"}
    assert on_disk == listed
