"""A long plan's PDF is laid out in parts by worker processes and joined: nothing may be lost,
repeated or misnumbered on the way."""

from __future__ import annotations

import io
import re

import pikepdf
import pytest

from standby.plans.exports import pdf as plan_pdf
from standby.plans.exports.render import SPLIT_ABOVE, render_plan_pdf_parts, split_points
from standby.plans.exports.sample import synthetic_content
from standby.plans.tests.test_export_render import pdf_text

STEPS = 90  # long enough to be split in two parts, short enough for a quick test


@pytest.fixture(scope="module")
def content():
    return synthetic_content(steps=STEPS, contacts=30)


@pytest.fixture(scope="module")
def joined(content):
    """The plan's PDF made from parts rendered in this process and joined."""
    parts = render_plan_pdf_parts(content, parts=3)
    return plan_pdf.join_parts([plan_pdf.render_part(p) for p in parts], title="Joined")


@pytest.mark.parametrize(
    ("weights", "parts", "cuts"),
    [
        ([1, 1, 1, 1], 2, [2]),
        ([1, 1, 1, 1, 1, 1], 3, [2, 4]),
        ([10, 1, 1, 1], 2, [1]),  # a heavy head is a part of its own
        ([1, 1, 1, 10], 2, [3]),
        ([5], 4, []),
        ([1, 1], 5, [1]),  # never more parts than units
    ],
)
def test_split_points_cut_into_runs_of_about_equal_weight(weights, parts, cuts):
    assert split_points(weights, parts) == cuts


def _step_numbers(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'<h3 data-label="Step (\d+)\.', html)]


def test_each_step_is_in_exactly_one_part_in_order(content):
    parts = render_plan_pdf_parts(content, parts=3)
    assert len(parts) == 3
    numbers = [n for part in parts for n in _step_numbers(part)]
    assert numbers == list(range(1, STEPS + 1))
    assert all(_step_numbers(part) for part in parts[1:-1])


def test_front_matter_is_only_in_the_first_part_and_appendices_only_in_the_last(content):
    parts = render_plan_pdf_parts(content, parts=3)
    assert [('id="purpose"' in p) for p in parts] == [True, False, False]
    assert [("5. Recovery sequence" in p) for p in parts].count(True) == 1
    assert [('id="contacts"' in p) for p in parts] == [False, False, True]
    for part in parts:  # every part is a whole document with the version stamp
        assert part.lstrip().startswith("<!doctype html>")
        assert "version 1 · approved 2025-03-02 10:30 UTC" in part


def test_a_short_plan_is_one_document():
    short = synthetic_content(steps=3, contacts=2)
    assert len(render_plan_pdf_parts(short, parts=4)) == 1
    assert SPLIT_ABOVE > 0


def test_the_joined_pdf_numbers_every_page_of_the_whole(joined, tmp_path):
    total = len(pikepdf.Pdf.open(io.BytesIO(joined)).pages)
    assert total >= 6
    for number in range(1, total + 1):
        page = " ".join(pdf_text(joined, tmp_path, number).split())
        assert f"Page {number} of {total}" in page, f"page {number}"
        assert "version 1" in page, f"page {number}"
        assert "review by 2026-03-01" in page, f"page {number}"


def test_the_joined_pdf_keeps_every_step_and_contact_in_order(content, joined, tmp_path):
    text = " ".join(pdf_text(joined, tmp_path).split())
    positions = [text.index(f"Step {n}. {s['title']}") for n, s in enumerate(content["steps"], 1)]
    assert positions == sorted(positions)
    for person in content["appendices"]["contacts"]:
        assert person["name"] in text
        assert person["out_of_hours_phone"] in text


def _outline(pdf: pikepdf.Pdf) -> list[tuple[int, str, int]]:
    """(depth, title, page index) of every bookmark, in document order."""
    pages = {page.objgen: n for n, page in enumerate(pdf.pages)}
    rows: list[tuple[int, str, int]] = []

    def walk(items, depth):
        for item in items:
            rows.append((depth, item.title, pages[item.destination[0].objgen]))
            walk(item.children, depth + 1)

    with pdf.open_outline() as outline:
        walk(outline.root, 0)
    return rows


def test_the_bookmarks_nest_steps_of_every_part_under_the_sequence(joined):
    pdf = pikepdf.Pdf.open(io.BytesIO(joined))
    rows = _outline(pdf)
    titles = [title for _depth, title, _page in rows]
    depth_of = {title: depth for depth, title, _page in rows}
    assert titles[0] == "IT recovery plan"
    steps = [t for t in titles if t.startswith("Step ")]
    assert steps == [f"Step {n}. Restore component {n:03d}" for n in range(1, STEPS + 1)]
    assert {depth_of[t] for t in steps} == {depth_of["5. Recovery sequence"] + 1}
    assert titles.index(steps[0]) == titles.index("5. Recovery sequence") + 1
    assert depth_of["Appendix A: contacts"] == depth_of["5. Recovery sequence"]
    pages = [page for _depth, _title, page in rows]
    assert pages == sorted(pages)  # each bookmark is on or after the page of the one before
    assert pages[-1] < len(pdf.pages)


def test_worker_processes_make_the_same_document(content, joined, tmp_path, monkeypatch):
    monkeypatch.setenv(plan_pdf.WORKERS_VARIABLE, "2")
    assert len(render_plan_pdf_parts(content, parts=2)) == 2
    pdf = plan_pdf.render_plan_pdf(content)
    pages = len(pikepdf.Pdf.open(io.BytesIO(pdf)).pages)
    text = " ".join(pdf_text(pdf, tmp_path).split())
    for step in content["steps"]:
        assert step["title"] in text
    assert f"Page {pages} of {pages}" in text
    # Three parts end three partly filled pages, two parts two: at most a page apart.
    assert abs(pages - len(pikepdf.Pdf.open(io.BytesIO(joined)).pages)) <= 1


def test_one_worker_means_no_worker_processes(content, monkeypatch):
    monkeypatch.setenv(plan_pdf.WORKERS_VARIABLE, "1")
    assert plan_pdf.pdf_workers() == 1
    monkeypatch.setattr(plan_pdf, "_worker_pool", _no_pool)
    assert plan_pdf.render_plan_pdf(synthetic_content(steps=40, contacts=5)).startswith(b"%PDF")


def _no_pool(workers: int):
    raise AssertionError("no worker pool may be started with one worker")


def test_a_bad_worker_count_says_which_variable(monkeypatch):
    monkeypatch.setenv(plan_pdf.WORKERS_VARIABLE, "two")
    with pytest.raises(ValueError, match="STANDBY_PDF_WORKERS"):
        plan_pdf.pdf_workers()


class _BrokenPool:
    def map_async(self, *args, **kwargs):
        raise OSError("worker processes cannot start")


def test_when_the_workers_fail_the_parts_are_laid_out_here(content, tmp_path, monkeypatch):
    monkeypatch.setenv(plan_pdf.WORKERS_VARIABLE, "2")
    monkeypatch.setattr(plan_pdf, "_worker_pool", lambda workers: _BrokenPool())
    pdf = plan_pdf.render_plan_pdf(content)
    text = " ".join(pdf_text(pdf, tmp_path).split())
    assert all(step["title"] in text for step in content["steps"])
