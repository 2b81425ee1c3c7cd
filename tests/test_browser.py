"""The explorer in a real browser: Voilà serves notebooks/explore.ipynb, Debian's chromium clicks.

Voilà servers on free localhost ports, each with its own annotation store:

* the user path on PandaLM: pick the dataset and a judge, click a bar of the plotly
  chart, open an item from the queue, save an annotation, and find the row in the
  SQLite store;
* an injection check on a synthetic table (``WORKBENCH_EXPLORER_DATA``) whose prompt,
  responses, explanation, task category and model names carry ``<script>``,
  ``<img onerror>`` and ``javascript:`` links: they must show as text, and
  ``window.__pwned`` (what each payload would set) must stay undefined, also after
  switching to the rendered-markdown view and clicking its links.
* the annotation edit flow on a small table: save, reload (the annotator id and the
  annotation come back), edit (one ``edit`` event), withdraw (the ✓ goes), with the
  store checked after each step.

Screenshots go to ``test-output/browser/`` (git-ignored; CI keeps it as an artifact).
Never downloads a browser: it drives ``/usr/bin/chromium``.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pandas as pd
import pytest

from workbench import annotations, schema
from workbench.widgets import SAME_FOOTING_LABEL

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parent.parent
NOTEBOOK = REPO / "notebooks" / "explore.ipynb"
OUTPUT = REPO / "test-output" / "browser"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
VOILA = Path(sys.executable).with_name("voila")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
PAYLOAD = (
    "<script>window.__pwned=1</script>"
    '<img src=x onerror="window.__pwned=1">'
    '<a href="javascript:window.__pwned=1">js link</a> '
    "[md link](javascript:window.__pwned=1)"
)

if not Path(CHROMIUM).is_file():
    pytest.skip(
        f"chromium not installed at {CHROMIUM} (apt-get install chromium); browser downloads "
        "are not used",
        allow_module_level=True,
    )
sync_api = pytest.importorskip("playwright.sync_api")
sync_playwright, expect = sync_api.sync_playwright, sync_api.expect


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def voila(tmp_path: Path, **env: str) -> Iterator[str]:
    """Serve the explore notebook with Voilà; yield its URL; stop it."""
    port = _free_port()
    environ = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]),
        **env,
    }
    log = open(tmp_path / f"voila-{port}.log", "w")  # noqa: SIM115 - closed below
    proc = subprocess.Popen(
        [str(VOILA), str(NOTEBOOK), "--no-browser", f"--port={port}", "--Voila.ip=127.0.0.1"],
        cwd=REPO,
        env=environ,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:  # any HTTP answer means the server is up (and no kernel is started yet)
                urllib.request.urlopen(url + "api", timeout=2)
                break
            except urllib.error.HTTPError:
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    log.flush()
                    raise RuntimeError(
                        f"voila did not start: {Path(log.name).read_text()}"
                    ) from None
                time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


def open_page(browser, url: str):
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    page.on("dialog", lambda d: (setattr(page, "dialog_seen", True), d.dismiss()))
    page.goto(url, timeout=120_000)
    page.wait_for_selector(".js-plotly-plot .point path", timeout=120_000)
    return page


def control(page, label: str):
    """The form control of the ipywidget described by ``label`` (labels are <label for=...>)."""
    return page.get_by_label(label, exact=True)


def click_bar(page, index: int = 0) -> None:
    """Hover, then click a plotly bar (hover first, as a mouse does: plotly reports both)."""
    bar = page.locator(".js-plotly-plot .point path").nth(index)
    for _ in range(20):  # a redraw replaces the chart: wait until a bar is laid out
        bar.wait_for(state="visible", timeout=30_000)
        box = bar.bounding_box()
        if box is not None:
            break
        page.wait_for_timeout(250)
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] * 0.6
    page.mouse.move(x, y)
    page.wait_for_timeout(400)
    page.mouse.click(x, y)


def queue(page):
    return page.locator(".widget-select:not(.widget-select-multiple) select").first


def test_explorer_user_path_writes_the_store(browser, tmp_path):
    store = tmp_path / "annotations.sqlite"
    OUTPUT.mkdir(parents=True, exist_ok=True)
    with voila(tmp_path, WORKBENCH_ANNOTATIONS=str(store)) as url:
        page = open_page(browser, url)
        control(page, "Dataset").select_option("pandalm")
        # the default reference is the ceiling's footing (the <select> shows option labels);
        # the queue and the stored annotation use the per-item majority for it
        expect(control(page, "Human reference")).to_have_value(SAME_FOOTING_LABEL, timeout=60_000)
        page.wait_for_selector(".js-plotly-plot .legendtext:text-is('human ceiling')")
        control(page, "Judges").select_option(["pandalm-7b"])
        page.wait_for_selector(".js-plotly-plot .legendtext:text-is('pandalm-7b')", timeout=60_000)
        click_bar(page, 0)  # the judge's bar (trace 0); the ceiling is trace 1
        page.wait_for_selector("text=pandalm-7b ≠ human:majority", timeout=30_000)
        entry = queue(page).locator("option").nth(1).inner_text()  # "surprise · item · ..."
        item_id = entry.replace("\xa0", " ").split(" · ")[1]  # the widget uses nbsp
        queue(page).select_option(index=1)
        page.locator(".wb-h", has_text=f"pandalm · item {item_id}").wait_for(timeout=30_000)
        page.locator(".widget-radio-box label", has_text="label_noise").click()
        page.locator(".widget-textarea textarea").fill("browser test: both answers wrong")
        annotator = control(page, "Annotator")
        annotator.fill("browser-test")
        annotator.press("Tab")
        page.locator("button", has_text="Save annotation").click()
        page.wait_for_selector("text=saved.", timeout=30_000)
        page.mouse.move(640, 400)
        page.mouse.wheel(0, -5000)
        page.wait_for_timeout(500)
        page.screenshot(path=OUTPUT / "explorer.png")
        page.mouse.wheel(0, 650)
        page.wait_for_timeout(500)
        page.screenshot(path=OUTPUT / "explorer-item.png")
        page.close()
    rows = annotations.load(store)
    assert rows[["dataset", "item_id", "judge", "reference", "cause", "annotator"]].to_dict(
        "records"
    ) == [
        {
            "dataset": "pandalm",
            "item_id": item_id,
            "judge": "pandalm-7b",
            "reference": "human:majority",
            "cause": "label_noise",
            "annotator": "browser-test",
        }
    ]
    assert rows["note"].tolist() == ["browser test: both answers wrong"]
    assert annotations.AnnotationStore(store).integrity_check() == ["ok"]


def chart_title(page) -> str:
    return page.locator(".js-plotly-plot .gtitle").first.text_content() or ""


def test_explorer_dataset_switch_never_shows_a_stale_chart(browser, tmp_path):
    """llmbar -> llmfao -> mt_bench -> pandalm: each chart (or its absence) belongs to its dataset.

    mt_bench's files are not in the shared mirror: the page must then show an empty
    chart titled ``mt_bench: no chart ...`` and the reason, not LLMFAO's bars. No
    "Error setting state" in the console on any switch. Every chart fills its box.
    """
    OUTPUT.mkdir(parents=True, exist_ok=True)
    errors: list[str] = []
    with voila(tmp_path, WORKBENCH_ANNOTATIONS=str(tmp_path / "a.sqlite")) as url:
        page = open_page(browser, url)
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.wait_for_function(
            "document.querySelector('.js-plotly-plot .gtitle')?.textContent"
            ".startsWith('llmbar: agreement with gold')",
            timeout=60_000,
        )
        for name, legend in (
            ("llmfao", ["gpt-3.5-turbo-instruct", "human ceiling"]),
            ("mt_bench", None),
            ("pandalm", ["gpt-3.5-turbo", "human ceiling"]),
        ):
            control(page, "Dataset").select_option(name)
            page.wait_for_function(  # the switch first draws an empty "loading" chart
                f"(t => t?.startsWith('{name}: ') && !t.endsWith('loading…'))"
                "(document.querySelector('.js-plotly-plot .gtitle')?.textContent)",
                timeout=120_000,
            )
            page.wait_for_timeout(300)
            status = page.locator(".widget-html", has_text=f"{name}").first.inner_text()
            page.screenshot(path=OUTPUT / f"switch-{name}.png")
            # every new chart fills its box (plotly alone stayed 700 px wide until the
            # window was resized: explorer.fit)
            page.wait_for_function(
                "(() => { const box = document.querySelector('.wb-chart');"
                " const svg = box?.querySelector('.main-svg');"
                " return svg && Math.abs(svg.getBoundingClientRect().width - box.clientWidth) <= 2"
                " && box.clientWidth > 760; })()",
                timeout=10_000,
            )
            if chart_title(page).startswith(f"{name}: no chart"):  # files not staged
                assert page.locator(".js-plotly-plot .point path").count() == 0
                assert page.locator(".js-plotly-plot .legendtext").count() == 0
                assert "cannot be loaded" in status, status
                assert control(page, "Judges").locator("option").count() == 0
                continue
            assert "agreement with others' majority" in chart_title(page)
            if legend is not None:
                names = page.locator(".js-plotly-plot .legendtext").all_text_contents()
                assert names == legend
            assert page.locator(".js-plotly-plot .point path").count() == 2
            assert (
                expect(control(page, "Human reference")).to_have_value(SAME_FOOTING_LABEL) is None
            )
        page.close()
    # options and index of a select used to reach the page in two messages
    assert [e for e in errors if "Error setting state" in e] == []


def _injection_table(payload: str = PAYLOAD, dataset: str = "injection") -> pd.DataFrame:
    rows = []
    for i, (human, ab, ba) in enumerate([("A", "B", "B"), ("B", "A", "B"), ("A", "A", "A")]):
        item = dict(
            dataset=dataset,
            subset=f"cat {i % 2} {payload}",
            item_id=str(i),
            protocol="pairwise",
            criterion="overall",
            prompt=f"Prompt {i} {payload}",
            response_a=f"**Response A** {payload}",
            response_b=f"Response B {payload}",
            model_a=f"model <img src=x onerror=window.__pwned=1> {i}",
            model_b="model b",
        )
        rows.append({**item, "rater": "human", "rater_kind": "human", "label": human})
        for order, label in (("AB", ab), ("BA", ba)):
            rows.append(
                {
                    **item,
                    "rater": "judge<script>window.__pwned=1</script>",
                    "rater_kind": "llm",
                    "order": order,
                    "label": label,
                    "explanation": f"Because {payload}",
                }
            )
    return schema.validate(schema.conform(pd.DataFrame(rows)))


def test_explorer_shows_injected_markup_as_text(browser, tmp_path):
    data = tmp_path / "injection.parquet"
    _injection_table().to_parquet(data)
    OUTPUT.mkdir(parents=True, exist_ok=True)
    env = dict(WORKBENCH_ANNOTATIONS=str(tmp_path / "a.sqlite"), WORKBENCH_EXPLORER_DATA=str(data))
    with voila(tmp_path, **env) as url:
        page = open_page(browser, url)
        control(page, "Slice by").select_option("task category")  # payload in tick labels
        page.wait_for_selector(".js-plotly-plot .xtick", timeout=30_000)
        page.wait_for_timeout(500)
        page.screenshot(path=OUTPUT / "injection-chart.png")
        click_bar(page, 0)
        page.wait_for_selector(".wb-h:has-text('injection · item')", timeout=30_000)
        viewer = page.locator(".wb-box").first
        assert "<script>window.__pwned=1</script>" in viewer.inner_text()  # shown as text
        page.locator("button", has_text="rendered (sanitized)").click()
        page.wait_for_selector(".wb-box strong:text-is('Response A')", timeout=30_000)
        for link in page.locator(".wb-box a").all():
            link.click()
        page.wait_for_timeout(500)
        page.screenshot(path=OUTPUT / "injection.png")
        assert page.evaluate("typeof window.__pwned") == "undefined"
        assert page.locator(".wb-box script, .wb-box img, .wb-box [onerror]").count() == 0
        assert not getattr(page, "dialog_seen", False)
        page.close()


def test_explorer_edit_reload_edit_withdraw(browser, tmp_path):
    """Save, reload (the annotator and the annotation come back), edit, withdraw; store after each.

    The reload must prefill the form with the saved annotation under the same
    annotator id, so Save is an edit (one ``edit`` event) and Withdraw is enabled.
    """
    data = tmp_path / "small.parquet"
    _injection_table(payload="", dataset="small").to_parquet(data)
    store_path = tmp_path / "a.sqlite"
    env = dict(WORKBENCH_ANNOTATIONS=str(store_path), WORKBENCH_EXPLORER_DATA=str(data))
    env["WORKBENCH_ANNOTATOR"] = ""  # no explicit id: the page must remember it per store
    OUTPUT.mkdir(parents=True, exist_ok=True)

    def store_state():
        store = annotations.AnnotationStore(store_path, read_only=True)
        try:
            cur = store.current()[["item_id", "cause", "note", "annotator"]]
            return [e["action"] for e in store.events()], cur.to_dict("records")
        finally:
            store.close()

    def open_first_item(page) -> str:
        click_bar(page, 0)
        page.wait_for_selector(".wb-h:has-text('small · item')", timeout=30_000)
        header = page.locator(".wb-h", has_text="small · item").first.inner_text()
        return header.split("item ")[1].split()[0]

    def radio(cause: str):
        return page.locator(".widget-radio-box label", has_text=cause).locator("input")

    with voila(tmp_path, **env) as url:
        page = open_page(browser, url)
        item_id = open_first_item(page)
        page.locator(".widget-radio-box label", has_text="judge_wrong").click()
        page.locator(".widget-textarea textarea").fill("A is right")
        annotator = control(page, "Annotator")
        annotator.fill("alice")
        annotator.press("Tab")
        page.locator("button", has_text="Save annotation").click()
        page.wait_for_selector("text=saved.", timeout=30_000)
        assert store_state() == (
            ["create"],
            [
                {
                    "item_id": item_id,
                    "cause": "judge_wrong",
                    "note": "A is right",
                    "annotator": "alice",
                }
            ],
        )

        page.close()  # reload: a new page, a new kernel
        page = open_page(browser, url)
        expect(control(page, "Annotator")).to_have_value("alice", timeout=30_000)
        assert open_first_item(page) == item_id
        expect(radio("judge_wrong")).to_be_checked(timeout=30_000)
        expect(page.locator(".widget-textarea textarea")).to_have_value("A is right")
        # the mark is drawn with the queue: wait for it instead of reading it at once
        expect(queue(page).locator("option").first).to_have_text(re.compile("^✓"), timeout=30_000)
        page.locator(".widget-radio-box label", has_text="ambiguous_item").click()
        page.locator("button", has_text="Save annotation").click()
        page.wait_for_selector("text=updated.", timeout=30_000)
        assert store_state() == (
            ["create", "edit"],
            [
                {
                    "item_id": item_id,
                    "cause": "ambiguous_item",
                    "note": "A is right",
                    "annotator": "alice",
                }
            ],
        )

        page.locator("button", has_text="Withdraw").click()
        page.wait_for_selector("text=withdrawn.", timeout=30_000)
        assert store_state() == (["create", "edit", "withdraw"], [])
        expect(radio("ambiguous_item")).not_to_be_checked()
        expect(queue(page).locator("option").first).not_to_have_text(
            re.compile("^✓"), timeout=30_000
        )
        page.screenshot(path=OUTPUT / "annotate-withdrawn.png")
        page.close()


def test_explorer_every_dataset_and_a_rating_queue(browser, tmp_path):
    """Every listed dataset in turn: a chart titled with its name, or its reason and no bars.

    Then ICE-Score (ratings): one bar per criterion, a click lists the items by the
    judge-people gap and draws the judge's items as points; the page at 1280x800 has
    no horizontal overflow (nothing clipped).
    """
    OUTPUT.mkdir(parents=True, exist_ok=True)
    errors: list[str] = []
    with voila(tmp_path, WORKBENCH_ANNOTATIONS=str(tmp_path / "a.sqlite")) as url:
        page = open_page(browser, url)
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        names = control(page, "Dataset").locator("option").all_text_contents()
        assert {"llmbar", "pandalm", "hanna", "ice_score"} <= set(names)
        for name in [n for n in names if n != "llmbar"] + ["llmbar"]:
            control(page, "Dataset").select_option(name)
            page.wait_for_function(
                f"(t => t?.startsWith('{name}: ') && !t.endsWith('loading…'))"
                "(document.querySelector('.js-plotly-plot .gtitle')?.textContent)",
                timeout=180_000,
            )
            page.wait_for_timeout(300)
            bars = page.locator(".js-plotly-plot .point path").count()
            if chart_title(page).startswith(f"{name}: no chart"):
                assert bars == 0, name
                status = page.locator(".widget-html", has_text=name).first.inner_text()
                assert "cannot be loaded" in status or "no chart" in status, status
            else:
                assert bars >= 1, name
        control(page, "Dataset").select_option("ice_score")
        page.wait_for_function(
            "(t => t?.startsWith('ice_score: agreement with others\\' mean'))"
            "(document.querySelector('.js-plotly-plot .gtitle')?.textContent)",
            timeout=180_000,
        )
        click_bar(page, 0)
        page.locator("button", has_text="Bland–Altman").wait_for(timeout=60_000)
        page.wait_for_selector("text=Why surprising", timeout=60_000)
        assert page.locator(".js-plotly-plot").count() >= 2  # bars + the points figure
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        page.mouse.move(640, 400)
        page.mouse.wheel(0, -5000)
        page.wait_for_timeout(500)
        page.screenshot(path=OUTPUT / "rating-ice_score.png", full_page=True)
        page.close()
    assert overflow <= 0, f"page wider than the 1280 px window by {overflow} px"
    assert [e for e in errors if "Error setting state" in e] == []
