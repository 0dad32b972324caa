"""A trust uses the register in a real browser: search, two facets, a minimum score, a profile, a CSV export."""

from __future__ import annotations

import csv
import io

import pytest

pytestmark = pytest.mark.browser


def test_a_trust_filters_the_register_applies_a_profile_and_exports(page, demo_register, screenshot):
    page.goto("/")
    page.get_by_label("Search products").fill("reading")
    page.keyboard.press("Enter")  # the search box works from the keyboard
    page.wait_for_url("**/?q=reading**")
    found = int(page.locator("#results-heading").inner_text().split()[0])
    assert found > 0

    page.get_by_label("Primary (", exact=False).check()
    page.get_by_label("Teaching & learning (", exact=False).check()
    page.get_by_label("Overall (0–100)").fill("40")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url("**min_overall=40**")
    assert "phase=primary" in page.url and "category=teaching_learning" in page.url
    narrowed = int(page.locator("#results-heading").inner_text().split()[0])
    assert 0 < narrowed <= found
    for score in page.locator(".score-line").all_inner_texts():
        assert int(score.split("Overall:")[1].split("/")[0]) >= 40
    assert page.get_by_role("link", name="Remove filter: Phase — Primary").is_visible()
    screenshot(page, "register-filtered")

    # A trust describes its schools once and applies that profile.
    page.get_by_role("link", name="Describe your schools").click()
    page.get_by_label("Profile name").fill("Riverside Primary Trust")
    page.get_by_role("group", name="Phases your schools serve").get_by_label("Primary").check()
    page.get_by_label("No red lines").check()
    page.get_by_role("button", name="Save profile").click()
    assert page.get_by_role("heading", name="Riverside Primary Trust").is_visible()
    screenshot(page, "trust-profile")
    page.get_by_role("link", name="Show the AI tools that fit this profile").click()
    assert page.get_by_text("Applying the trust profile").is_visible()
    assert page.locator(".red-line-text").count() == 0  # no product with a red line is listed
    assert page.locator(".findings .met").count() > 0
    screenshot(page, "register-with-profile")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="CSV").click()
    rows = list(csv.reader(io.StringIO(download_info.value.path().read_text(encoding="utf-8"))))
    assert rows[0][0].startswith("# AI EdTech Quality Register export")
    assert "profile" in rows[1][0]
    header, body = rows[2], rows[3:]
    assert header[0] == "Product" and body
    assert all(row[header.index("Meets every requirement")] == "yes" for row in body)
