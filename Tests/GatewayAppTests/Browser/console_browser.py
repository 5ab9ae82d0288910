#!/usr/bin/env python3
"""The operator console in a real browser (Chromium from the distribution,
driven by Playwright), against a real `complaint-gateway serve`.

Run by ConsoleBrowserTests with: BASE_URL, ADMIN_TOKEN, CONFIG (the
channels.conf the server reads), CHROMIUM (the browser), and optionally
SCREENSHOT_DIR (where the README's screenshots are written).

Every wait is on something the page shows, with a generous deadline; the
whole run is bounded by an alarm so a hung browser cannot hang the suite.
"""
import json, os, re, signal, sys, threading, urllib.request, urllib.parse

from playwright.sync_api import sync_playwright, expect

BASE = os.environ["BASE_URL"]
TOKEN = os.environ["ADMIN_TOKEN"]
CONFIG = os.environ["CONFIG"]
SHOTS = os.environ.get("SCREENSHOT_DIR")
DEADLINE_MS = 60_000

signal.signal(signal.SIGALRM, lambda *_: (print("console_browser: gave up after 420 s", file=sys.stderr), os._exit(3)))
signal.alarm(420)


def post_form(fields):
    data = urllib.parse.urlencode(fields).encode()
    with urllib.request.urlopen(urllib.request.Request(BASE + "/v1/forms/web", data=data), timeout=30) as response:
        assert response.status == 202, response.status


def step(text):
    print("step:", text, flush=True)


with sync_playwright() as p:
    browser = p.chromium.launch(executable_path=os.environ["CHROMIUM"], args=["--no-sandbox", "--disable-dev-shm-usage"])
    page = browser.new_page(viewport={"width": 1280, "height": 820}, locale="en-GB")
    page.set_default_timeout(DEADLINE_MS)
    expect.set_options(timeout=DEADLINE_MS)
    script_errors = []
    page.on("pageerror", lambda error: script_errors.append(str(error)))

    step("the console asks for a token; a token without admin is refused")
    response = page.goto(BASE + "/console")
    assert response.status == 401, response.status
    expect(page.locator("#token")).to_be_visible()

    step("sign in with the admin token")
    page.fill("#token", TOKEN)
    page.click("#sign-in")
    page.wait_for_url(BASE + "/console")
    web_hour = page.locator('#channels tr[data-channel="web"] td[data-field="hour"]')
    expect(web_hour).to_have_text("0")

    step("a form posted elsewhere shows in the channel's count")
    post_form({"email": "first@example.cn", "topic": "billing", "message": "charged twice for October"})
    expect(web_hour).to_have_text("1")  # the list refreshes itself

    step("a post that fills the honeypot is quarantined; its dry run shows it still fails")
    post_form({"email": "real.person@example.cn", "topic": "service", "message": "autofill filled the hidden field", "website": "x"})
    page.click('header nav a[href="#quarantine"]')
    row = page.locator("#quarantine tbody tr").first
    expect(row.locator(".reason")).to_contain_text("honeypot")
    expect(row.locator(".excerpt")).not_to_contain_text("real.person@")  # masked: the admin token has no pii
    # The raw input holds personal data as sent: no download offered without pii.
    expect(row.locator(".no-download")).to_be_visible()
    assert row.locator("a.download").count() == 0
    row.locator("button.dry-run").click()
    expect(row.locator(".dry-run-result")).to_contain_text("1 input (1 record): ")
    expect(row.locator(".dry-run-result")).to_contain_text("still failing 1")

    step("the honeypot rule is removed and the configuration reloaded from the console")
    with open(CONFIG) as f:
        text = f.read()
    with open(CONFIG, "w") as f:
        f.write(text.replace('honeypot = "website"\n', ""))
    page.click('header nav a[href="#channels"]')
    page.click("#reload")
    expect(page.locator("#reload-result")).to_contain_text("Configuration reloaded")

    step("the dry run now shows the complaint it would store; replaying stores it")
    page.click('header nav a[href="#quarantine"]')
    row = page.locator("#quarantine tbody tr").first
    row.locator("button.dry-run").click()
    expect(row.locator(".dry-run-result")).to_contain_text("new 1")
    expect(row.locator(".dry-run-result")).to_contain_text("still failing 0")
    row.locator("button.confirm-replay").click()
    expect(row.locator(".replayed")).to_contain_text("new 1")
    page.click('header nav a[href="#channels"]')
    page.click('header nav a[href="#quarantine"]')
    expect(page.locator("main")).to_contain_text("Quarantine is empty")

    step("many customers complain about one outage: the incident reaches yellow on the page")
    page.click('header nav a[href="#incidents"]')
    expect(page.locator("main")).to_contain_text("No open incidents")
    outage = "幸福小区3号楼从今天下午两点开始停电，到现在还没有恢复，也没有任何通知，请尽快处理"
    def complain():
        for i in range(12):
            post_form({"email": f"resident{i}@example.cn", "name": f"住户{i}", "topic": "outage", "message": outage})
    poster = threading.Thread(target=complain)
    poster.start()
    expect(page.locator('#incidents [data-level="yellow"]')).to_be_visible()
    poster.join()

    step("the incident's page: chart with its legend, channels, complaints")
    page.locator("#incidents a").first.click()
    expect(page.locator("svg.chart")).to_be_visible()
    expect(page.locator("svg.chart text.legend-complaints")).to_have_text("Complaints")
    expect(page.locator("svg.chart text.legend-customers")).to_have_text("New customers")
    expect(page.locator("#incident-complaints tbody tr")).not_to_have_count(0)
    expect(page.locator("main")).to_contain_text("web")

    step("a complaint's detail: its verdict and revisions")
    page.locator("#incident-complaints a").first.click()
    expect(page.locator("#verdict")).to_contain_text("Dedup verdict")
    expect(page.locator(".revision")).not_to_have_count(0)

    step("the complaint's person, what linked it, and the person's page")
    expect(page.locator("#person-evidence tbody tr")).to_have_count(1)
    expect(page.locator("#person-evidence")).to_contain_text("customer.email")
    page.locator("#person a").click()
    expect(page.locator("#customer-identities tbody tr")).to_have_count(1)
    expect(page.locator("#customer-complaints tbody tr")).to_have_count(1)
    page.go_back()

    step("Chinese labels, and the data's words too: level names, verdicts, quarantine reasons, replay summaries")
    page.click("#language")
    expect(page.locator('header nav a[href="#channels"]')).to_have_text("渠道")
    page.click('header nav a[href="#incidents"]')
    expect(page.locator('#incidents [data-level="yellow"]')).to_have_text("黄色")
    page.locator("#incidents a").first.click()
    expect(page.locator("svg.chart text.legend-customers")).to_have_text("新增客户")
    expect(page.locator("#incident-complaints tbody tr td a").first).to_have_text(re.compile("^(唯一|重复|近似重复)$"))
    with open(CONFIG) as f:
        text = f.read()
    with open(CONFIG, "w") as f:
        f.write(text.replace('[[channel]]\nname = "web"', '[[channel]]\nname = "web"\nhoneypot = "website"', 1))
    page.click('header nav a[href="#channels"]')
    page.click("#reload")
    expect(page.locator("#reload-result")).to_contain_text("配置已重新加载")
    post_form({"email": "bot2@example.cn", "topic": "service", "message": "filled by a bot", "website": "x"})
    page.click('header nav a[href="#quarantine"]')
    row = page.locator("#quarantine tbody tr").first
    expect(row.locator(".reason")).to_contain_text("蜜罐")
    row.locator("button.dry-run").click()
    expect(row.locator(".dry-run-result")).to_contain_text("1 个输入（共 1 条记录）")
    expect(row.locator(".dry-run-result")).to_contain_text("仍失败 1")
    page.click('header nav a[href="#incidents"]')
    expect(page.locator('#incidents [data-level="yellow"]')).to_be_visible()
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, "console-incidents-zh.png"))
    page.click("#language")
    page.click('header nav a[href="#channels"]')
    expect(web_hour).not_to_have_text("0")
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, "console-channels.png"))
        page.click('header nav a[href="#incidents"]')
        page.locator("#incidents a").first.click()
        expect(page.locator("svg.chart")).to_be_visible()
        page.screenshot(path=os.path.join(SHOTS, "console-incident.png"), full_page=True)

    step("sign out: the console asks for a token again")
    page.click("header form button")
    page.wait_for_url(BASE + "/console/login")
    assert page.goto(BASE + "/console").status == 401

    assert not script_errors, f"script errors on the page: {script_errors}"
    browser.close()
    print("console_browser: ok")
