"""The main journeys in a real browser, each page checked with axe-core for WCAG 2.2 A/AA."""

from __future__ import annotations

import csv

import pytest

from conftest import sign_in

pytestmark = pytest.mark.browser


def test_a_trust_searches_opens_a_product_authorises_it_and_exports_the_list(page, demo_register, user_with, check_accessibility):
    email = user_with("trust", "Riverside Trust")
    page.goto("/")
    check_accessibility(page, "register")
    page.get_by_label("Primary (", exact=False).check()
    page.get_by_label("Workflow (", exact=False).check()
    page.get_by_role("button", name="Apply filters").click()
    check_accessibility(page, "register-filtered")
    first = page.locator(".results-list h3 a").first
    name = first.inner_text()
    first.click()
    check_accessibility(page, "product")

    sign_in(page, email)
    page.goto(page.url if "/products/" in page.url else "/")
    page.goto("/")
    page.get_by_label("Primary (", exact=False).check()
    page.get_by_role("button", name="Apply filters").click()
    page.get_by_role("link", name=name, exact=True).click()
    page.get_by_label("Lesson planning").check()
    page.get_by_label("Authorised users (comma-separated)").fill("staff, Year 10")
    page.get_by_label("Your DPIA").select_option("in_progress")
    page.get_by_role("button", name="Authorise version", exact=False).click()
    assert page.get_by_role("heading", name="Riverside Trust: authorised AI tools").is_visible()
    assert page.get_by_text(name, exact=False).first.is_visible()
    check_accessibility(page, "trust-authorised-tools")
    with page.expect_download() as download:
        page.get_by_role("link", name="CSV").click()
    rows = list(csv.reader(download.value.path().read_text(encoding="utf-8").splitlines()))
    assert rows[0][:3] == ["Supplier/system", "Authorised purpose", "Authorised users"]
    assert name in rows[1][0] and rows[1][1] == "Lesson planning" and rows[1][2] == "staff, Year 10"


def test_a_supplier_corrects_an_error_and_submits_then_a_reviewer_publishes(page, app, user_with, check_accessibility):
    supplier = user_with("supplier", "Acme Learning")
    sign_in(page, supplier)
    page.goto("/supplier/products/new")
    check_accessibility(page, "supplier-form")
    page.get_by_label("Product name", exact=True).fill("Journey Planner")
    page.get_by_label("Website", exact=True).fill("not a website")
    page.get_by_label("Summary", exact=True).fill("Drafts lesson plans for teachers to edit.")
    page.get_by_label("Description", exact=True).fill("A planning assistant for primary teachers.")
    page.get_by_label("What the AI does, and for whom", exact=True).fill("Teachers type a topic; the AI drafts a lesson plan the teacher edits.")
    page.get_by_role("group", name="Who uses it").get_by_label("Teachers").check()
    page.get_by_role("group", name="How pupils use the AI").get_by_label("None").check()
    page.get_by_role("group", name="Phases").get_by_label("Primary").check()
    page.get_by_role("group", name="Key stages").get_by_label("Key stage 2 (ages 7–11)").check()
    page.get_by_label("Youngest (0–25)").fill("7")
    page.get_by_label("Oldest (0–25)").fill("11")
    page.get_by_role("group", name="Pricing").get_by_label("Subscription").check()
    page.get_by_role("button", name="Submit for review").click()
    assert page.get_by_text("There is a problem").is_visible()
    check_accessibility(page, "supplier-form-error")
    page.get_by_label("Website", exact=True).fill("https://journey-planner.example/")
    page.get_by_role("button", name="Submit for review").click()
    assert page.get_by_text("Submitted for review. A reviewer will publish it").is_visible()
    check_accessibility(page, "supplier-submitted")
    page.get_by_role("button", name="Sign out", exact=False).click()

    sign_in(page, user_with("reviewer"))
    page.goto("/review")
    check_accessibility(page, "review-queue")
    page.get_by_role("button", name="Publish version 1 of Journey Planner").click()
    assert page.get_by_text("Journey Planner version 1 published").is_visible()
    page.goto("/?q=journey")
    assert page.get_by_role("link", name="Journey Planner").is_visible()


@pytest.mark.parametrize(
    ("path", "name"),
    [("/evaluators", "evaluators"), ("/profiles/new", "profile-form"), ("/login", "sign-in"), ("/no-such-page", "not-found")],
)
def test_other_main_pages_are_accessible(page, demo_register, check_accessibility, path, name):
    page.goto(path)
    check_accessibility(page, name)


def test_the_comparison_page_is_accessible(page, demo_register, check_accessibility):
    page.goto("/")
    for checkbox in page.get_by_role("checkbox", name="Compare", exact=False).all()[:3]:
        checkbox.check()
    page.get_by_role("button", name="Compare selected (2 to 4)").click()
    assert page.get_by_role("heading", name="Compare products").is_visible()
    check_accessibility(page, "compare")


def test_the_dpia_starter_and_trust_pages_are_accessible(page, demo_register, user_with, check_accessibility):
    page.goto("/")
    page.locator(".results-list h3 a").first.click()
    page.get_by_role("link", name="DPIA starter").click()
    check_accessibility(page, "dpia-starter")
    sign_in(page, user_with("trust", "Riverside Trust"))
    page.goto("/trust")
    check_accessibility(page, "trust-dashboard-empty")
