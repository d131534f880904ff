"""A page object for the <driver-doctor> element: finds things inside its shadow DOM."""

from __future__ import annotations

from collections.abc import Callable

from selenium import webdriver
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.shadowroot import ShadowRoot
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import WebDriverWait

TIMEOUT = 60  # a diagnosis embeds the text with the real model

DEEP_ACTIVE = """
let el = document.activeElement;
while (el && el.shadowRoot && el.shadowRoot.activeElement) el = el.shadowRoot.activeElement;
return el;
"""


class WidgetPage:
    def __init__(self, driver: webdriver.Chrome, selector: str = "driver-doctor") -> None:
        self.driver = driver
        self.selector = selector

    def open(self, url: str) -> WidgetPage:
        self.driver.get(url)
        self.wait(
            lambda _: self.driver.execute_script(
                "const el = document.querySelector(arguments[0]);"
                "return !!(el && el.shadowRoot && el.shadowRoot.querySelector('textarea'));",
                self.selector,
            ),
            "the widget did not render",
        )
        return self

    @property
    def host(self) -> WebElement:
        return self.driver.find_element(By.CSS_SELECTOR, self.selector)

    @property
    def root(self) -> ShadowRoot:
        return self.host.shadow_root

    def find(self, css: str) -> WebElement:
        return self.root.find_element(By.CSS_SELECTOR, css)

    def find_all(self, css: str) -> list[WebElement]:
        return self.root.find_elements(By.CSS_SELECTOR, css)

    def wait(self, condition: Callable[[webdriver.Chrome], object], message: str = "") -> None:
        WebDriverWait(self.driver, TIMEOUT).until(condition, message)

    def wait_for(self, css: str) -> WebElement:
        self.wait(lambda _: any(e.is_displayed() for e in self.find_all(css)), f"no {css}")
        return next(e for e in self.find_all(css) if e.is_displayed())

    def paste(self, text: str) -> None:
        """What a paste does: the whole text lands in the box at once."""
        self.driver.execute_script(
            "const box = arguments[0]; box.value = arguments[1];"
            "box.dispatchEvent(new Event('input', {bubbles: true}));",
            self.find("textarea[name=text]"),
            text,
        )

    def diagnose(self) -> None:
        self.find("form button[type=submit]").click()
        self.wait(
            lambda _: self.find_all(".results:not([hidden]) .verdict") or self.error(),
            "no diagnosis",
        )

    def error(self) -> str:
        return str(self.find(".error").text)

    def status(self) -> str:
        return str(self.find("[role=status]").text)

    def top_cause(self) -> str:
        return str(self.find("ol.causes li").get_attribute("data-cause"))

    def question(self) -> WebElement | None:
        found = self.find_all("fieldset.question")
        return found[0] if found else None

    def fix_page(self) -> WebElement | None:
        found = self.find_all(".fix-page")
        return found[0] if found else None

    def click_answer(self, option: WebElement) -> None:
        node = self.question()
        option.click()
        self.wait_step_after(node)

    def wait_step_after(self, node: WebElement | None) -> None:
        """Wait until ``node`` (the question just answered) gave way to a new step."""
        self.wait(lambda _: self.question() != node or self.fix_page(), "no next step")

    def active(self) -> WebElement:
        return self.driver.execute_script(DEEP_ACTIVE)  # type: ignore[no-any-return]

    def press(self, *keys: str) -> None:
        """Keys to whatever has focus, as a keyboard sends them (not a file-input upload)."""
        ActionChains(self.driver).send_keys(*keys).perform()

    def tab_to(self, matches: Callable[[WebElement], bool], limit: int = 80) -> WebElement:
        """Press Tab until the focused element matches; fails after ``limit`` presses."""
        for _ in range(limit):
            self.press(Keys.TAB)
            element = self.active()
            if matches(element):
                return element
        raise AssertionError("Tab never reached the element")
