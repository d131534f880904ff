"""The widget embedded in a host page on another origin, driven in headless Chromium."""

from __future__ import annotations

import json
from collections.abc import Callable

import httpx
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import WebDriverWait

from tests.browser.conftest import HOST_ACCENT, Sites, screenshot, viewport
from tests.browser.widget_page import WidgetPage
from tests.conftest import SPARK_DATA
from tests.ports import free_port

XSS_LOG = """\
26/11/26 12:47:02 INFO SparkContext: Running Spark version 3.5.1
<script>window.__pwned=1</script>
<img src=x onerror="window.__pwned=2">
26/11/26 12:47:05 ERROR TaskSetManager: Total size of serialized results of 3 tasks (1148.9 KiB) is bigger than spark.driver.maxResultSize (1024.0 KiB)
"""


def spark_case(case_id: str) -> dict[str, str]:
    for line in (SPARK_DATA / "cases.jsonl").read_text().splitlines():
        case: dict[str, str] = json.loads(line)
        if case["id"] == case_id:
            return case
    raise AssertionError(f"{case_id} not in cases.jsonl")


def diagnosed(chrome: webdriver.Chrome, url: str, text: str) -> WidgetPage:
    page = WidgetPage(chrome).open(url)
    page.paste(text)
    page.diagnose()
    assert not page.error()
    return page


def walk_to_fix(page: WidgetPage, shots: str | None = None) -> list[str]:
    """Click the first option of every open question until the fix page; returns the nodes."""
    nodes = []
    for i in range(15):
        question = page.question()
        if question is None:
            break
        nodes.append(str(question.get_attribute("data-node")))
        if shots and i == 0:
            screenshot(page.driver, shots, at=page.find(".step"), height=700)
        page.click_answer(question.find_element(By.CSS_SELECTOR, "button"))
    assert page.fix_page() is not None
    return nodes


def no_sideways_scroll(chrome: webdriver.Chrome) -> bool:
    return bool(
        chrome.execute_script(
            "const root = document.documentElement; return root.scrollWidth <= root.clientWidth;"
        )
    )


def test_diagnose_spark_log_in_host_page_shows_cause_evidence_and_fix(
    chrome: webdriver.Chrome, sites: Sites
) -> None:
    case = spark_case("spark-max-result-size")
    page = diagnosed(chrome, f"{sites.host}/host.html", case["text"])

    assert page.top_cause() == case["label"]
    assert "%" in page.find("ol.causes li .confidence").text
    assert "maxResultSize" in page.status()
    hits = page.find_all(".log .line.hit")
    assert any("maxResultSize" in hit.text for hit in hits)
    auto = page.find_all("ol.path li[data-how=auto]")
    assert auto and "answered from your log" in auto[0].text
    assert page.fix_page() is not None
    screenshot(chrome, "01-host-diagnosis")
    screenshot(chrome, "01b-auto-answers-and-fix", at=page.find(".step"))


def test_switch_snippet_form_and_copy_it(chrome: webdriver.Chrome, sites: Sites) -> None:
    page = diagnosed(chrome, f"{sites.host}/host.html", spark_case("spark-max-result-size")["text"])
    fix = page.find("details.fix:has(pre.snippet)")
    if fix.get_attribute("open") is None:
        fix.find_element(By.CSS_SELECTOR, "summary").click()
    snippet = fix.find_element(By.CSS_SELECTOR, "pre.snippet")
    assert snippet.text.startswith("spark-submit")

    page.find(".forms button[data-form=scala]").click()
    assert "SparkSession.builder()" in snippet.text
    assert page.find(".forms button[data-form=scala]").get_attribute("aria-pressed") == "true"
    page.find(".forms button[data-form=spark_defaults]").click()
    assert snippet.text.startswith("spark.")
    assert fix.find_element(By.CSS_SELECTOR, ".snippet-head").text == "spark-defaults.conf"

    copy = snippet.find_element(By.XPATH, "..").find_element(By.CSS_SELECTOR, "button.copy")
    copy.click()
    page.wait(lambda _: copy.get_attribute("data-copied") == "true", "copy did not finish")
    assert chrome.execute_script("return window.__copies;") == [snippet.text]
    clipboard = chrome.execute_async_script(
        "navigator.clipboard.readText().then(arguments[0], () => arguments[0](null));"
    )
    assert clipboard == snippet.text
    screenshot(chrome, "02-fix-spark-defaults-copied", at=fix)


def test_walk_questions_by_clicking_then_escalate(chrome: webdriver.Chrome, sites: Sites) -> None:
    page = diagnosed(chrome, f"{sites.host}/host.html", "the driver died, no idea why")
    assert page.question() is not None

    nodes = walk_to_fix(page, shots="03-question")
    assert nodes
    assert len(page.find_all("ol.path li[data-how=user]")) == len(nodes)
    page.find("button[data-outcome=not_helped]").click()
    summary = page.wait_for("pre.escalation")
    case_link = page.find(".feedback-result a.case-link").get_attribute("href")
    assert case_link and "/cases/" in case_link
    assert case_link in summary.text and "Path walked" in summary.text
    assert chrome.execute_script("return window.__feedback;")[0]["outcome"] == "not_helped"
    case_id = case_link.rsplit("/", 1)[1]
    stored = httpx.get(f"{sites.api}/v1/cases/{case_id}").json()
    assert stored["feedback"][0]["outcome"] == "not_helped"
    assert [step["node"] for step in stored["path"]][: len(nodes)] == nodes
    screenshot(chrome, "04-escalation", at=page.find(".feedback"), height=900)


def test_case_link_reopens_the_same_case(chrome: webdriver.Chrome, sites: Sites) -> None:
    case = spark_case("spark-max-result-size")
    page = diagnosed(chrome, f"{sites.host}/host.html", case["text"])
    case_id = page.find("a.case-link").text

    page = WidgetPage(chrome).open(f"{sites.api}/cases/{case_id}")
    page.wait_for(".fix-page")
    assert page.top_cause() == case["label"]
    assert page.find_all("ol.path li[data-how=auto]")
    assert page.find_all(".log .line.hit")
    assert case_id in page.status()
    screenshot(chrome, "05-reopened-case")


def test_send_feedback_fixed(chrome: webdriver.Chrome, sites: Sites) -> None:
    page = diagnosed(chrome, f"{sites.host}/host.html", spark_case("spark-max-result-size")["text"])
    page.find("textarea[id$=-comment]").send_keys("lowered the result size")
    page.find("button[data-outcome=fixed]").click()
    page.wait(lambda _: "Thanks" in page.find(".feedback-result").text, "no thanks")
    case_id = page.find("a.case-link").text
    stored = httpx.get(f"{sites.api}/v1/cases/{case_id}").json()
    assert stored["feedback"][0]["outcome"] == "fixed"
    assert stored["feedback"][0]["comment"] == "lowered the result size"


def test_script_in_pasted_log_is_shown_as_text_not_run(
    chrome: webdriver.Chrome, sites: Sites
) -> None:
    page = diagnosed(chrome, f"{sites.host}/host.html", XSS_LOG)

    assert chrome.execute_script("return window.__pwned;") is None
    lines = [line.text for line in page.find_all(".log .line .tx")]
    assert "<script>window.__pwned=1</script>" in lines
    assert '<img src=x onerror="window.__pwned=2">' in lines
    assert not page.find_all("img") and not page.find_all(".log script")
    screenshot(chrome, "06-script-shown-as-text", height=900)


def is_button(label: str) -> Callable[[WebElement], bool]:
    def matches(element: WebElement) -> bool:
        return element.tag_name == "button" and label in element.text

    return matches


def test_keyboard_only_walk_to_fix_and_copy(chrome: webdriver.Chrome, sites: Sites) -> None:
    page = WidgetPage(chrome).open(f"{sites.host}/plain.html")
    page.tab_to(lambda e: e.get_attribute("name") == "text")
    page.press("the driver died, no idea why")
    page.tab_to(is_button("Diagnose"))
    page.press(Keys.ENTER)
    page.wait(lambda _: page.find_all(".results:not([hidden]) .verdict"), "no diagnosis")
    assert page.active().text == "Diagnosis"  # focus moved to the results

    for key in [Keys.ENTER, Keys.SPACE] * 8:
        if page.question() is None:
            break
        node = page.question()
        option = page.tab_to(lambda e: e.get_attribute("data-option") not in (None, "unknown"))
        assert (
            page.driver.execute_script(
                "return getComputedStyle(arguments[0]).outlineStyle;", option
            )
            != "none"
        ), "focus is not visible"
        page.press(key)
        page.wait_step_after(node)
    assert page.fix_page() is not None

    copy = page.tab_to(lambda e: "copy" in (e.get_attribute("class") or ""))
    page.press(Keys.ENTER)
    page.wait(lambda _: copy.get_attribute("data-copied") == "true", "keyboard copy failed")
    page.tab_to(lambda e: e.get_attribute("data-outcome") == "fixed")
    page.press(Keys.SPACE)
    page.wait(lambda _: "Thanks" in page.find(".feedback-result").text, "no thanks")
    screenshot(chrome, "07-keyboard-walk", at=page.find(".step"))


def test_narrow_side_panel_has_no_sideways_scroll(chrome: webdriver.Chrome, sites: Sites) -> None:
    chrome.set_window_size(900, 900)
    page = diagnosed(
        chrome, f"{sites.host}/panel.html", spark_case("spark-max-result-size")["text"]
    )

    width = page.host.size["width"]
    assert width <= 360
    overflow = chrome.execute_script(
        "const p = arguments[0].shadowRoot.querySelector('.panel');"
        "return p.scrollWidth - p.clientWidth;",
        page.host,
    )
    assert overflow <= 0
    assert no_sideways_scroll(chrome)
    screenshot(chrome, "08-side-panel-360", height=1400)
    screenshot(chrome, "08b-side-panel-360-fix", at=page.find(".fix-page"), height=1400)


def test_host_page_themes_widget_with_custom_properties(
    chrome: webdriver.Chrome, sites: Sites
) -> None:
    page = WidgetPage(chrome).open(f"{sites.host}/host.html")
    color = chrome.execute_script(
        "return getComputedStyle(arguments[0]).backgroundColor;", page.find("button.primary")
    )
    red, green, blue = (int(HOST_ACCENT[i : i + 2], 16) for i in (1, 3, 5))
    assert color == f"rgb({red}, {green}, {blue})"


def test_file_drop_reads_log_as_text(chrome: webdriver.Chrome, sites: Sites) -> None:
    page = WidgetPage(chrome).open(f"{sites.host}/host.html")
    log = SPARK_DATA / "logs" / "max_result_size.log"
    page.find("input[type=file]").send_keys(str(log))
    page.wait(lambda _: "Loaded max_result_size.log" in page.status(), "file not read")
    assert page.find("textarea[name=text]").get_attribute("value") == log.read_text()
    page.diagnose()
    assert page.top_cause() == "max_result_size"


def test_widget_refused_from_origin_not_allowed(chrome: webdriver.Chrome, sites: Sites) -> None:
    page = WidgetPage(chrome).open(f"{sites.foreign}/plain.html")
    page.paste("the driver died")
    page.diagnose()
    refused = page.error()
    assert "not allowed" in refused and sites.foreign in refused
    assert "DOCTOR_CORS_ORIGINS" in refused

    chrome.get(f"{sites.foreign}/host.html")  # crossorigin script: CORS applies to it too
    defined = chrome.execute_async_script(
        "setTimeout(() => arguments[0](!!customElements.get('driver-doctor')), 1000);"
    )
    assert defined is False
    # The host page's fallback inside the element shows instead of an empty box.
    fallback = chrome.find_element(By.CSS_SELECTOR, "driver-doctor .dd-fallback")
    assert fallback.is_displayed() and "could not load" in fallback.text
    WidgetPage(chrome).open(f"{sites.host}/host.html")  # waits for the widget to render
    assert not chrome.find_element(By.CSS_SELECTOR, "driver-doctor .dd-fallback").is_displayed()


def test_kb_pages_list_causes_and_draw_trees_without_sideways_scroll(
    chrome: webdriver.Chrome, sites: Sites
) -> None:
    chrome.get(f"{sites.api}/kb")
    links = chrome.find_elements(By.CSS_SELECTOR, "ul.causes h2 a")
    assert len(links) >= 10
    screenshot(chrome, "09-kb-index")
    chrome.find_element(By.CSS_SELECTOR, "a[href='/kb/max_result_size']").click()
    svg = chrome.find_element(By.CSS_SELECTOR, "figure.tree svg")
    assert svg.size["width"] <= chrome.execute_script("return window.innerWidth;")
    assert no_sideways_scroll(chrome)
    screenshot(chrome, "10-cause-page")
    screenshot(chrome, "10b-cause-tree", at=svg, height=1400)
    viewport(chrome, 360)
    chrome.refresh()
    assert no_sideways_scroll(chrome)
    screenshot(chrome, "11-cause-page-360")
    screenshot(chrome, "11b-cause-tree-360", at=chrome.find_element(By.CSS_SELECTOR, "figure.tree"))


def test_file_drop_of_compressed_event_log_uploads_and_diagnoses(
    chrome: webdriver.Chrome, sites: Sites
) -> None:
    page = WidgetPage(chrome).open(f"{sites.host}/host.html")
    event_log = SPARK_DATA / "eventlogs" / "collect_oom_fatal.gz"
    page.find("input[type=file]").send_keys(str(event_log))
    page.wait(lambda _: "Diagnosis ready" in page.status(), "event log not diagnosed")
    assert page.top_cause() == "collect_to_driver"
    assert "driver_died = yes" in page.find(".log").text
    screenshot(chrome, "13-event-log-upload")


def test_ways_out_none_of_these_and_does_not_match(chrome: webdriver.Chrome, sites: Sites) -> None:
    page = diagnosed(chrome, f"{sites.host}/host.html", "the driver died after df.collect()")
    question = page.question()
    assert question is not None
    first_tree = page.find(".step-title").text
    page.click_answer(question.find_element(By.CSS_SELECTOR, "button[data-option=none_of_these]"))
    left = page.find_all("ol.path li[data-how=way_out]")
    assert left, "the way out is not in the path walked"
    walk_to_fix(page)
    fix = page.fix_page()
    assert fix is not None
    rejected = fix.find_element(By.CSS_SELECTOR, "h3").text
    page.find("button.reject").click()
    page.wait(
        lambda _: page.find_all(".ruled-out") or page.find_all(".none-left"),
        "rejecting the fix page did not move on",
    )
    ruled = page.find(".ruled-out").text
    assert rejected.removeprefix("Fix: ") in ruled
    shown = page.fix_page()
    assert shown is None or shown.find_element(By.CSS_SELECTOR, "h3").text != rejected
    assert page.find(".step-title").text != first_tree or page.question() is not None
    screenshot(chrome, "12-ways-out", at=page.find(".step"), height=900)


def test_feedback_is_recorded_against_the_fix_it_sits_next_to(
    chrome: webdriver.Chrome, sites: Sites
) -> None:
    page = diagnosed(chrome, f"{sites.host}/host.html", spark_case("spark-max-result-size")["text"])
    walk_to_fix(page)
    rows = page.find_all(".fix-feedback")
    assert len(rows) >= 2, "every fix has its own feedback buttons"
    second = rows[1]
    fix_id = second.get_attribute("data-fix")
    second.find_element(By.CSS_SELECTOR, "button[data-fix-outcome=not_helped]").click()
    page.wait(lambda _: "Recorded" in second.text, "no confirmation next to the fix")
    case_id = page.find("a.case-link").text
    stored = httpx.get(f"{sites.api}/v1/cases/{case_id}").json()
    assert [(f["outcome"], f["fix_id"]) for f in stored["feedback"]] == [("not_helped", fix_id)]
    assert all(b.get_attribute("disabled") for b in second.find_elements(By.CSS_SELECTOR, "button"))


def test_evidence_shows_each_line_once_with_its_reason(
    chrome: webdriver.Chrome, sites: Sites
) -> None:
    page = diagnosed(chrome, f"{sites.host}/host.html", spark_case("spark-max-result-size")["text"])
    items = page.find_all("ol.causes li[data-cause] ul.evidence > li")
    assert items
    for item in items:
        assert item.find_element(By.CSS_SELECTOR, ".reason").text.strip()
    first = page.find("ol.causes li[data-cause]")
    lines = [
        e.text
        for e in first.find_elements(By.CSS_SELECTOR, "ul.evidence > li > div")
        if e.text.startswith("line ")
    ]
    assert len(lines) == len(set(lines)), "an input line is shown twice"


def test_diagnose_button_is_disabled_while_a_request_runs(
    chrome: webdriver.Chrome, sites: Sites
) -> None:
    before = httpx.get(f"{sites.api}/v1/report").json()["cases"]
    page = WidgetPage(chrome).open(f"{sites.host}/host.html")
    page.paste("java.lang.OutOfMemoryError: Java heap space after df.collect()")
    button = page.find("button.primary")
    chrome.execute_script(
        "const b = arguments[0]; b.click(); b.click(); window.__busy = b.disabled;", button
    )
    assert chrome.execute_script("return window.__busy;") is True
    page.wait(
        lambda _: page.find_all(".results:not([hidden]) .verdict") or page.error(),
        "no diagnosis",
    )
    assert not page.error()
    assert not button.get_attribute("disabled")
    cases = httpx.get(f"{sites.api}/v1/report").json()["cases"]
    assert cases == before + 1, "a double click stored two cases"


def test_report_page_fits_a_phone(chrome: webdriver.Chrome, sites: Sites) -> None:
    # Cases with feedback, so the report's tables have rows with long fix ids and inputs.
    for text in (spark_case("spark-max-result-size")["text"], "driver dies after toPandas"):
        body = httpx.post(f"{sites.api}/v1/diagnose", json={"text": text}).json()
        httpx.post(
            f"{sites.api}/v1/cases/{body['case_id']}/feedback", json={"outcome": "not_helped"}
        )
    viewport(chrome, 390)
    chrome.get(f"{sites.api}/report")
    assert chrome.find_elements(By.CSS_SELECTOR, "table")
    assert no_sideways_scroll(chrome)
    screenshot(chrome, "14-report-390")


def test_a_case_left_at_a_question_reopens_at_that_question_with_its_feedback(
    chrome: webdriver.Chrome, sites: Sites
) -> None:
    page = diagnosed(chrome, f"{sites.host}/host.html", "the driver died, no idea why")
    question = page.question()
    assert question is not None
    node = question.get_attribute("data-node")
    case_id = page.find("a.case-link").text
    httpx.post(f"{sites.api}/v1/cases/{case_id}/feedback", json={"outcome": "not_helped"})

    page = WidgetPage(chrome).open(f"{sites.api}/cases/{case_id}")
    page.wait_for("fieldset.question")
    reopened = page.question()
    assert reopened is not None and reopened.get_attribute("data-node") == node
    assert "did not help" in page.find(".earlier-feedback").text
    page.click_answer(reopened.find_element(By.CSS_SELECTOR, "button"))
    assert page.question() is not None or page.fix_page() is not None


def test_code_changes_follow_the_chosen_language(chrome: webdriver.Chrome, sites: Sites) -> None:
    # A maxResultSize abort: its fix page has fixes with both Python and Scala code.
    page = diagnosed(chrome, f"{sites.host}/host.html", spark_case("spark-max-result-size")["text"])
    walk_to_fix(page)
    changes = page.find_all(".code-change")
    assert {"python", "scala"} <= {c.get_attribute("data-language") for c in changes}
    page.find(".forms button[data-form=pyspark]").click()
    shown = {c.get_attribute("data-language") for c in changes if c.is_displayed()}
    assert "python" in shown and "scala" not in shown
    page.find(".forms button[data-form=scala]").click()
    shown = {c.get_attribute("data-language") for c in changes if c.is_displayed()}
    assert "scala" in shown and "python" not in shown


def test_a_service_that_cannot_be_reached_is_told_apart_from_a_refusal(
    chrome: webdriver.Chrome, sites: Sites
) -> None:
    page = WidgetPage(chrome).open(f"{sites.host}/host.html")
    dead = f"http://127.0.0.1:{free_port()}"
    chrome.execute_script("arguments[0].setAttribute('api', arguments[1]);", page.host, dead)
    page.paste("the driver died")
    page.diagnose()
    assert "cannot be reached" in page.error()
    assert "not allowed" not in page.error()


def test_copied_label_resets(chrome: webdriver.Chrome, sites: Sites) -> None:
    page = diagnosed(chrome, f"{sites.host}/host.html", spark_case("spark-max-result-size")["text"])
    copy = page.find("button.copy")
    copy.click()
    page.wait(lambda _: copy.text in ("Copied", "Select and copy"), "no copy feedback")
    page.wait(lambda _: copy.text == "Copy", "the Copied label stays")


def test_fix_page_renders_code_marks_and_keeps_notes_one_click_away(
    chrome: webdriver.Chrome, sites: Sites
) -> None:
    # A large closure: its fixes' checks and caveats mark code with backticks in the KB.
    page = diagnosed(chrome, f"{sites.host}/host.html", spark_case("spark-large-closure")["text"])
    walk_to_fix(page)
    fix_page = page.fix_page()
    assert fix_page is not None
    text = chrome.execute_script("return arguments[0].textContent;", fix_page)
    assert "`" not in text, "raw backticks on the fix page"
    marked = fix_page.find_elements(By.CSS_SELECTOR, "details.fix li > code, details.fix p > code")
    assert marked, "no code marks rendered"
    folded = fix_page.find_elements(By.CSS_SELECTOR, "details.confirm, details.note")
    assert folded and all(d.get_attribute("open") is None for d in folded)


def test_kb_page_code_has_copy_buttons_and_the_tree_has_arrowheads(
    chrome: webdriver.Chrome, sites: Sites
) -> None:
    chrome.execute_cdp_cmd(
        "Browser.grantPermissions",
        {"origin": sites.api, "permissions": ["clipboardReadWrite", "clipboardSanitizedWrite"]},
    )
    chrome.get(f"{sites.api}/kb/large_closure")
    text = chrome.execute_script("return document.querySelector('main').textContent;")
    assert "`" not in text, "raw backticks on the KB page"
    assert chrome.find_elements(By.CSS_SELECTOR, "main li > code, main p > code, main dd > code")
    blocks = chrome.find_elements(By.CSS_SELECTOR, "pre.copyable")
    buttons = chrome.find_elements(By.CSS_SELECTOR, "button.copy")
    assert blocks and len(buttons) == len(blocks)
    visible = next(b for b in buttons if b.is_displayed())
    visible.click()
    WebDriverWait(chrome, 5).until(lambda _: visible.text in ("Copied", "Copy failed"))
    WebDriverWait(chrome, 5).until(lambda _: visible.text == "Copy")
    svg = chrome.find_element(By.CSS_SELECTOR, "figure.tree .tree-wide svg")
    lines = svg.find_elements(By.CSS_SELECTOR, "polyline.edge")
    assert lines and all(line.get_attribute("marker-end") for line in lines)
    screenshot(chrome, "15-kb-page-copy-and-tree", at=svg, height=1400)


def test_the_widget_says_which_secrets_were_removed_and_nothing_when_none(
    chrome: webdriver.Chrome, sites: Sites
) -> None:
    paste = (
        "spark-submit --conf spark.hadoop.fs.s3a.secret.key=Zq8v1LmN0pQr7StUv2WxYz \\\n"
        "  --driver-memory 2g job.py\n"
        'Exception in thread "main" java.lang.OutOfMemoryError: Java heap space\n'
        "\tat org.apache.spark.sql.Dataset.collect(Dataset.scala:3575)\n"
    )
    page = diagnosed(chrome, f"{sites.host}/host.html", paste)
    note = page.find("p.redacted")
    assert "removed before your input was stored" in note.text and "[REDACTED:" in note.text
    screenshot(chrome, "16-redaction-note")
    clean = diagnosed(
        chrome, f"{sites.host}/host.html", spark_case("spark-max-result-size")["text"]
    )
    assert not clean.find_all("p.redacted")
