// End-to-end checks of the public pages in Debian's headless Chromium, driven by Playwright.
// Run by tests/browser.rs, which starts the app and the SMTP server and passes:
//   node e2e.mjs programme <base-url> <artefact-dir>   programme, zones, language, registration form
//   node e2e.mjs manage <management-url> <artefact-dir> the emailed link: look, then cancel
//   node e2e.mjs docs <base-url> <artefact-dir>         the API documentation, offline, no policy violation
// Every page must be valid HTML (html-validate, standard rules) and log no console error.
import { chromium } from "playwright-core";
import { HtmlValidate } from "html-validate";

const [phase, target, artefacts] = process.argv.slice(2);
const executablePath = process.env.CHROMIUM ?? "/usr/bin/chromium";
const validator = new HtmlValidate({ extends: ["html-validate:standard"] });
const problems = [];

function check(condition, message) {
  if (!condition) problems.push(message);
}

async function validate(page, label) {
  // The HTML exactly as the server sent it, not the browser's re-serialisation.
  const response = await page.request.get(page.url());
  const report = await validator.validateString(await response.text(), label);
  for (const result of report.results) {
    for (const m of result.messages) problems.push(`${label}: invalid HTML at ${m.line}:${m.column}: ${m.message} (${m.ruleId})`);
  }
}

const browser = await chromium.launch({
  executablePath,
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking", "--no-first-run"],
});
// A reader in Montréal whose browser speaks French.
const context = await browser.newContext({ timezoneId: "America/Toronto", locale: "fr-FR", viewport: { width: 1280, height: 900 } });
const page = await context.newPage();
page.on("console", (m) => {
  if (m.type() === "error") problems.push(`console error on ${page.url()}: ${m.text()}`);
});
page.on("pageerror", (e) => problems.push(`page error on ${page.url()}: ${e.message}`));

try {
  if (phase === "programme") {
    const base = target;
    // 1. No zone chosen yet: the script detects the browser's zone and reloads with it.
    await page.goto(`${base}/events/izmir-2021`);
    await page.waitForURL(/tz=America%2FToronto/);
    const first = page.locator("article.session").first();
    check((await first.locator("li.viewer").innerText()).includes("Toronto : 8h-9h30") ||
          (await first.locator("li.viewer").innerText()).includes("Toronto: 8h-9h30"),
      `detected zone not applied: ${await first.locator("li.viewer").innerText()}`);
    check((await page.locator("h1").innerText()).includes("Sommet"), "programme title");
    check(await page.locator('a[href^="webcal://"]').count() === 1, "webcal link to the event feed");
    check(await page.locator('article.session a[href$="calendar.ics"]').count() === 8, "one add-to-calendar link per session");
    await validate(page, "programme");

    // 2. Switch to Tokyo with the selector: the session is printed in Tokyo time.
    await page.selectOption("#tz", "Asia/Tokyo");
    await page.waitForURL(/tz=Asia%2FTokyo/);
    const tokyo = await page.locator("article.session").first().locator("li.viewer").innerText();
    check(tokyo.includes("Tokyo") && tokyo.includes("22h-23h30") && tokyo.includes("JST"), `Tokyo time: ${tokyo}`);
    await page.screenshot({ path: `${artefacts}/programme-desktop.png`, fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: `${artefacts}/programme-phone.png`, fullPage: true });
    await page.setViewportSize({ width: 1280, height: 900 });

    // 3. Switch language: headings and times in English, zone kept.
    await page.getByRole("link", { name: "English" }).click();
    await page.waitForURL(/lang=en/);
    check(await page.locator("html").getAttribute("lang") === "en", "html lang=en");
    check(await page.getByRole("heading", { name: "Welcome and opening" }).count() > 0, "English role headings");
    const english = await page.locator("article.session").first().locator("li.viewer").innerText();
    check(english.includes("10:00–11:30 PM"), `English Tokyo time: ${english}`);

    // 4. The choice is remembered: a bare URL shows Tokyo again, in English.
    await page.goto(`${base}/events/izmir-2021`);
    const remembered = await page.locator("article.session").first().locator("li.viewer").innerText();
    check(remembered.includes("Tokyo") && page.url().endsWith("/events/izmir-2021"), `remembered zone: ${remembered} at ${page.url()}`);

    // 5. Keyboard: the skip link is the first stop and leads to the content.
    await page.keyboard.press("Tab");
    check(await page.evaluate(() => document.activeElement?.getAttribute("href")) === "#main", "skip link first in tab order");

    // 6. Register on site through the form: first with mistakes, then properly.
    await page.goto(`${base}/events/izmir-2021/register?lang=fr`);
    await validate(page, "register");
    check(await page.getByLabel("Adresse e-mail").count() === 1, "the email field has its label");
    await page.getByLabel("Adresse e-mail").fill("not-an-address");
    await page.getByRole("button", { name: "Je m'inscris" }).click();
    check(await page.locator("#name-error").count() === 1, "inline error for the missing name");
    check(await page.locator("#email-error").count() === 1, "inline error for the bad email");
    check(await page.locator("#email").getAttribute("aria-invalid") === "true", "email marked invalid");
    check(await page.locator("#email").inputValue() === "not-an-address", "typed value kept");
    await page.locator("#name").fill("Ülaş Tester");
    await page.getByLabel("Adresse e-mail").fill("ulas@example.org");
    await page.locator("#city").fill("Izmir");
    await page.getByRole("radio", { name: "Sur place", exact: true }).check();
    await page.getByRole("button", { name: "Je m'inscris" }).click();
    await page.waitForURL(/\/r\//);
    check(await page.getByRole("heading", { name: "Votre inscription" }).count() === 1, "management page after registering");
    check((await page.locator("main").innerText()).includes("Ülaş Tester"), "registrant's name on the management page");
  } else if (phase === "manage") {
    await page.goto(target);
    await validate(page, "manage");
    const text = await page.locator("main").innerText();
    check(text.includes("Ülaş Tester") && text.includes("Sur place"), `management page content: ${text.slice(0, 200)}`);
    check(text.includes("Tokyo"), "sessions shown in the registrant's zone");
    await page.getByRole("button", { name: "Annuler mon inscription" }).click();
    await page.waitForURL(/done=cancelled_done/);
    check((await page.locator("main").innerText()).includes("annulée"), "cancellation confirmed on the page");
  } else if (phase === "docs") {
    // Everything the documentation page loads comes from Convene (this machine has no Internet,
    // and the page's policy would refuse anything else with a console error).
    page.on("request", (r) => {
      if (!r.url().startsWith(target) && !r.url().startsWith("data:")) problems.push(`docs loaded ${r.url()}`);
    });
    await page.goto(`${target}/api/docs`);
    await page.waitForSelector(".swagger-ui .info .title", { timeout: 15000 });
    check((await page.locator(".swagger-ui .info .title").innerText()).includes("Convene"), "documentation title");
    check(await page.locator(".opblock").count() > 40, "the operations are listed");
    await page.screenshot({ path: `${artefacts}/api-docs.png` });
  } else {
    problems.push(`unknown phase ${phase}`);
  }
} catch (error) {
  problems.push(`${phase}: ${error.stack ?? error}`);
} finally {
  await browser.close();
}

if (problems.length) {
  console.error(problems.join("\n"));
  process.exit(1);
}
console.log(`${phase}: all browser checks passed`);
