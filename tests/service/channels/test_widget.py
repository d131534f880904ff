from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from kb import KnowledgeBase
from service.api.app import create_app
from service.channels.web.pages import inline_markdown
from service.config import Settings
from service.engine import Engine

ALLOWED = "https://helpdesk.example"
OTHER = "https://evil.example"


@pytest.fixture
def cors_client(settings: Settings, engine: Engine) -> Iterator[TestClient]:
    allowed = settings.model_copy(update={"cors_origins": [ALLOWED]})
    with TestClient(create_app(allowed, engine=engine)) as c:
        yield c


def test_read_index_embeds_widget_with_one_script_tag(client: TestClient) -> None:
    response = client.get("/")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert response.text.count('<script src="/widget.js">') == 1
    assert "<driver-doctor></driver-doctor>" in response.text


def test_read_widget_script_defines_custom_element(client: TestClient) -> None:
    response = client.get("/widget.js")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/javascript")
    assert 'customElements.define("driver-doctor"' in response.text
    assert client.get("/static/widget.js").text == response.text


def test_widget_script_never_sets_html_from_data(client: TestClient) -> None:
    script = client.get("/widget.js").text

    assert "innerHTML" not in script and "insertAdjacentHTML" not in script
    assert "outerHTML" not in script and "document.write" not in script


def test_read_kb_index_lists_every_cause(client: TestClient, kb: KnowledgeBase) -> None:
    page = client.get("/kb").text

    for cause in kb.causes.values():
        assert f'href="/kb/{cause.id}"' in page


def test_read_kb_cause_shows_sections_fixes_and_tree_svg(
    client: TestClient, kb: KnowledgeBase
) -> None:
    cause = kb.causes["max_result_size"]
    response = client.get("/kb/max_result_size")

    assert response.status_code == 200
    page = response.text
    for heading in ("Explanation", "Symptoms", "Diagnostics", "Fixes", "Decision trees"):
        assert f">{heading}</h2>" in page
    assert kb.fix(cause.fixes[0]).title in page
    assert page.count('<svg xmlns="http://www.w3.org/2000/svg" class="dd-tree"') >= 2
    assert "spark.driver.maxResultSize" in page


def test_read_kb_cause_unknown_is_404_page(client: TestClient) -> None:
    response = client.get("/kb/no_such_cause")

    assert response.status_code == 404
    assert "unknown cause" in response.text
    assert response.headers["content-type"].startswith("text/html")


def test_read_case_page_reopens_stored_case(client: TestClient) -> None:
    case_id = client.post("/v1/diagnose", json={"text": "driver OOM after collect()"}).json()[
        "case_id"
    ]

    page = client.get(f"/cases/{case_id}").text

    assert f'<driver-doctor case="{case_id}"></driver-doctor>' in page
    assert client.get("/cases/0000").status_code == 404


def test_read_case_page_escapes_case_id(client: TestClient) -> None:
    response = client.get("/cases/%3Cscript%3Ex%3C%2Fscript%3E")

    assert response.status_code == 404
    assert "<script>x</script>" not in response.text


def test_cors_allows_listed_origin_for_script_and_api(cors_client: TestClient) -> None:
    script = cors_client.get("/widget.js", headers={"Origin": ALLOWED})
    preflight = cors_client.options(
        "/v1/diagnose",
        headers={
            "Origin": ALLOWED,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    diagnose = cors_client.post(
        "/v1/diagnose", json={"text": "driver died"}, headers={"Origin": ALLOWED}
    )

    assert script.headers["access-control-allow-origin"] == ALLOWED
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == ALLOWED
    assert diagnose.headers["access-control-allow-origin"] == ALLOWED


def test_cors_refuses_other_origins(cors_client: TestClient) -> None:
    script = cors_client.get("/widget.js", headers={"Origin": OTHER})
    preflight = cors_client.options(
        "/v1/walk",
        headers={
            "Origin": OTHER,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    case = cors_client.get("/v1/cases/none", headers={"Origin": OTHER})

    assert "access-control-allow-origin" not in script.headers
    assert preflight.status_code == 400
    assert "access-control-allow-origin" not in preflight.headers
    assert "access-control-allow-origin" not in case.headers


def test_inline_markdown_escapes_then_marks_code() -> None:
    marked = inline_markdown("Set `spark.driver.memory` <b>before</b> & `x<y`")
    assert str(marked) == (
        "Set <code>spark.driver.memory</code> &lt;b&gt;before&lt;/b&gt; &amp; <code>x&lt;y</code>"
    )
    assert str(inline_markdown(None)) == ""


def test_kb_cause_page_renders_code_marks_and_loads_its_copy_script(
    client: TestClient, kb: KnowledgeBase
) -> None:
    # large_closure's fixes mark code with backticks in their checks and caveats.
    page = client.get("/kb/large_closure").text
    body = page.split("<main", 1)[1]
    assert "`" not in body, "raw backticks on a KB page"
    assert "<code>" in body.replace('<pre class="', "")
    assert '<script src="/static/site.js" defer></script>' in page
    assert 'class="copyable"' in page or 'copyable"' in page
    script = client.get("/static/site.js")
    assert script.status_code == 200 and "pre.copyable" in script.text
