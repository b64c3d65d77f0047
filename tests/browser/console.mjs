// The organisers' console in Debian's headless Chromium, from an empty database to a published
// programme: the Sfax peer-learning event of the MC2CM project (25–26 June 2019, Africa/Tunis,
// a Brussels display zone, two rooms, 6 sessions over two days, 5 people in Brussels, Tunis,
// Beirut, Lisbon and Amman), in two phases run by tests/suite/browser.rs:
//   node console.mjs build <base-url> <setup-path> <artefact-dir>
//     first run, sign-in, the event, rooms, sessions, people, a conflict fixed by drag and drop,
//     a keyboard move, publishing, a speaker's availability, every speaker invited;
//   node console.mjs answers <base-url> <speak-path> <artefact-dir>
//     (meanwhile the test received the invitations by SMTP and sent a calendar decline)
//     a speaker confirms through the emailed link, the board shows both answers, public
//     registrations and a seat given by hand, the sent mail, a schedule file imported;
//   node console.mjs assistant <base-url> <email>:<password> <artefact-dir>
//     on the Izmir demo: the schedule assistant's rules, an impossible set explained, a proposal
//     beside the current plan, applied.
// Every console page is checked by axe-core (no serious or critical violation) and must be valid
// HTML and log no console error. Prints how many page visits and form submissions it took.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { chromium } from "playwright-core";
import { HtmlValidate } from "html-validate";

const [phase, base, pathArgument, artefacts] = process.argv.slice(2);
const setupPath = pathArgument;
const ORGANISER = { email: "amina@mc2cm.example", password: "sfax-peer-learning-2019" };
const executablePath = process.env.CHROMIUM ?? "/usr/bin/chromium";
const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
const validator = new HtmlValidate({ extends: ["html-validate:standard"] });
const problems = [];
const check = (condition, message) => { if (!condition) problems.push(message); };

const browser = await chromium.launch({
  executablePath,
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking", "--no-first-run"],
});
const context = await browser.newContext({ locale: "fr-FR", timezoneId: "Europe/Paris", viewport: { width: 1400, height: 1000 } });
const page = await context.newPage();
let visits = 0;
let submissions = 0;
page.on("request", (request) => {
  if (!request.isNavigationRequest() || request.frame() !== page.mainFrame()) return;
  if (request.method() === "POST") submissions += 1; else visits += 1;
  if (!request.url().startsWith(base)) problems.push(`request to another host: ${request.url()}`);
});
page.on("console", (m) => { if (m.type() === "error") problems.push(`console error on ${page.url()}: ${m.text()}`); });
page.on("pageerror", (e) => problems.push(`page error on ${page.url()}: ${e.message}`));

const audited = new Set();
/** axe-core and HTML validation, once per kind of page. */
async function audit(label) {
  if (audited.has(label)) return;
  audited.add(label);
  await page.evaluate(axeSource);
  const result = await page.evaluate(async () => await globalThis.axe.run(document, { resultTypes: ["violations"] }));
  for (const v of result.violations) {
    if (v.impact === "serious" || v.impact === "critical") {
      problems.push(`${label}: axe ${v.impact} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join(", ")})`);
    }
  }
  const html = await (await page.request.get(page.url())).text();
  const report = await validator.validateString(html, label);
  for (const r of report.results) for (const m of r.messages) problems.push(`${label}: invalid HTML at ${m.line}:${m.column}: ${m.message} (${m.ruleId})`);
}

async function submit(formSelector) {
  await Promise.all([page.waitForLoadState("load"), page.locator(`${formSelector} button[type=submit]`).last().click()]);
  await page.waitForLoadState("load");
}

async function shot(name) {
  await page.screenshot({ path: `${artefacts}/${name}-desktop.png`, fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: `${artefacts}/${name}-phone.png`, fullPage: true });
  await page.setViewportSize({ width: 1400, height: 1000 });
}

try {
 if (phase === "build") {
  // 1. The first-run link creates the administrator.
  await page.goto(`${base}${setupPath}?lang=en`);
  await audit("setup");
  await page.fill("#f-name", "Amina Ben Salah");
  await page.fill("#f-email", "amina@mc2cm.example");
  await page.fill("#f-password", "short");
  await submit("main form");
  check((await page.locator("#f-password-error").innerText()).includes("8"), "a short password is refused beside its field");
  await page.fill("#f-password", "sfax-peer-learning-2019");
  await submit("main form");
  check(page.url().includes("/admin/login"), `after setup: ${page.url()}`);
  check((await page.locator("#f-email").inputValue()) === "amina@mc2cm.example", "the login form knows the new email");
  const again = await page.request.get(`${base}${setupPath}`, { headers: { Accept: "text/html" } });
  check(again.status() === 410, `the setup link works once: ${again.status()}`);

  // 2. Sign in.
  await audit("login");
  await page.fill("#f-password", "sfax-peer-learning-2019");
  await submit("main form");
  check(new URL(page.url()).pathname === "/admin", `after sign-in: ${page.url()}`);
  await audit("events");

  // 3. The event, with a zone typo first: the console suggests the right name.
  await page.click("a[href='/admin/events/new']");
  await page.waitForLoadState("load");
  await audit("event form");
  await page.fill("#f-slug", "sfax-2019");
  await page.fill("#f-title", "Building trust through strengthened cooperation");
  await page.fill("#f-description", "MC2CM peer learning event: the role of civil society in the urban governance of migration.");
  await page.selectOption("#f-kind", "peer_learning");
  await page.selectOption("#f-attendance", "on_site");
  await page.selectOption("#f-default_language", "en");
  await page.fill("#f-starts_on", "2019-06-25");
  await page.fill("#f-ends_on", "2019-06-26");
  await page.fill("#f-timezone", "Africa/Tunus");
  await page.fill("#f-venue", "Sfax");
  const zoneLabels = page.locator("input[name=zone_label]");
  const zoneNames = page.locator("input[name=zone_timezone]");
  await zoneLabels.nth(0).fill("Sfax");
  await zoneNames.nth(0).fill("Africa/Tunis");
  await zoneLabels.nth(1).fill("Brussels");
  await zoneNames.nth(1).fill("Europe/Brussels");
  await page.locator("select[name=zone_print]").nth(1).selectOption("every_session");
  await page.fill("#f-questions", "How can municipalities build trust with civil society organisations?\nWhich cooperation formats worked in your city?");
  await page.locator("input[name=document_title]").nth(0).fill("Background paper: building trust through strengthened cooperation");
  await page.locator("input[name=document_url]").nth(0).fill("https://www.icmpd.org/mc2cm/sfax-2019-background.pdf");
  await submit("form.event-form");
  const zoneError = await page.locator("#f-timezone-error").innerText();
  check(zoneError.includes("Africa/Tunis"), `did-you-mean beside the zone field: ${zoneError}`);
  await page.fill("#f-timezone", "Africa/Tunis");
  await submit("form.event-form");
  check(page.url().endsWith("/admin/events/sfax-2019?done=event_created"), `after creating: ${page.url()}`);
  await audit("hub");

  // 4. Two rooms.
  await page.click("nav.event-nav a[href$='/rooms']");
  await page.waitForLoadState("load");
  for (const [name, seats] of [["Salle A", "80"], ["Salle B", "40"]]) {
    await page.fill("#f-name", name);
    await page.fill("#f-capacity", seats);
    await submit("main form");
  }
  check((await page.locator("table tbody tr").count()) === 2, "two rooms listed");
  await audit("rooms");

  // 5. Six sessions, and their people.
  const sessions = [
    { title: "Opening and welcome", kind: "plenary", day: "2019-06-25", starts: "09:00", ends: "09:45", room: "Salle A",
      people: [{ new: { name: "Mohamed Wajdi Aloulou", email: "mayor@sfax.example", zone: "Africa/Tunis" }, role: "opening" },
               { new: { name: "Hélène Dubois", email: "helene@brussels.example", zone: "Europe/Brussels" }, role: "opening" }] },
    { title: "Panel: cities and civil society", kind: "panel", day: "2019-06-25", starts: "10:00", ends: "11:30", room: "Salle A",
      people: [{ new: { name: "Rita Fernandes", email: "rita@lisboa.example", zone: "Europe/Lisbon" }, role: "moderator" },
               { new: { name: "Nadim Haddad", email: "nadim@beirut.example", zone: "Asia/Beirut" }, role: "panelist", talk: "Beirut's neighbourhood committees" },
               { new: { name: "Lina Khoury", email: "lina@amman.example", zone: "Asia/Amman" }, role: "panelist", talk: "Amman's migrant help desks" }] },
    { title: "Workshop: trust in practice", kind: "workshop", day: "2019-06-25", starts: "10:30", ends: "12:00", room: "Salle B",
      people: [{ existing: "Nadim Haddad", role: "moderator" }] },
    { title: "Study visit: Sfax municipal services", kind: "study_visit", day: "2019-06-26", starts: "09:00", ends: "11:00", room: "Salle A",
      people: [{ existing: "Mohamed Wajdi Aloulou", role: "presenter" }] },
    { title: "Workshop: next steps", kind: "workshop", day: "2019-06-26", starts: "11:30", ends: "12:30", room: "Salle B",
      people: [{ existing: "Lina Khoury", role: "moderator" }] },
    { title: "Conclusions", kind: "plenary", day: "2019-06-26", starts: "14:00", ends: "14:45", room: "Salle A",
      people: [{ existing: "Hélène Dubois", role: "conclusion" }] },
  ];
  const ids = {};
  for (const s of sessions) {
    await page.goto(`${base}/admin/events/sfax-2019/programme?day=${s.day}`);
    await audit("programme");
    const form = "aside form";
    await page.fill(`${form} #f-title`, s.title);
    await page.selectOption(`${form} #f-kind`, s.kind);
    await page.selectOption(`${form} #f-day`, s.day);
    await page.fill(`${form} #f-starts_at`, s.starts);
    await page.fill(`${form} #f-ends_at`, s.ends);
    await page.selectOption(`${form} #f-attendance`, "on_site");
    await page.selectOption(`${form} #f-room_id`, { label: s.room });
    await submit(form);
    const match = page.url().match(/sessions\/(\d+)/);
    check(match, `after creating ${s.title}: ${page.url()}`);
    ids[s.title] = match && match[1];
    await audit("session");
    for (const p of s.people) {
      if (p.existing) {
        const value = await page.locator("#f-speaker_id option", { hasText: p.existing }).getAttribute("value");
        await page.selectOption("#f-speaker_id", value);
      } else {
        await page.fill("#f-person_name", p.new.name);
        await page.fill("#f-person_email", p.new.email);
        await page.fill("#f-person_timezone", p.new.zone);
      }
      await page.selectOption("form.add-participant #f-role", p.role);
      if (p.talk) await page.fill("form.add-participant #f-talk_title", p.talk);
      await submit("form.add-participant");
      check(page.url().includes("done=participant_added"), `adding ${p.existing ?? p.new.name} to ${s.title}: ${page.url()} ${await page.locator(".problems, .notice.problem").allInnerTexts()}`);
    }
    check((await page.locator("table.participants tbody tr").count()) === s.people.length, `${s.title}: ${s.people.length} participants listed`);
  }

  // 6. Nadim is in two rooms at once: the console says so on both blocks, in English.
  await page.goto(`${base}/admin/events/sfax-2019/programme?day=2019-06-25`);
  const panel = page.locator(`li.block[data-session="${ids["Panel: cities and civil society"]}"]`);
  const workshop = page.locator(`li.block[data-session="${ids["Workshop: trust in practice"]}"]`);
  check(await panel.evaluate((b) => b.classList.contains("has-conflict")), "the panel's block shows the conflict");
  check(await workshop.evaluate((b) => b.classList.contains("has-conflict")), "the workshop's block shows the conflict");
  const conflictText = await workshop.locator("ul.conflicts").innerText();
  check(conflictText.includes("Nadim Haddad"), `the conflict names the person: ${conflictText}`);
  check((await panel.locator(".elsewhere").innerText()).includes("Brussels 11:00–12:30"), `Brussels time beside the block: ${await panel.locator(".elsewhere").innerText()}`);
  await shot("console-programme-conflict");

  // 7. Fix it by dragging the workshop to 13:30 in the same room.
  const roomB = page.locator("ol.slots[data-room]").nth(1);
  const geometry = await roomB.evaluate((column) => {
    const table = column.closest(".timetable");
    return { height: column.getBoundingClientRect().height, rows: Number(table.dataset.rows), firstHour: Number(table.dataset.firstHour) };
  });
  const rowHeight = geometry.height / geometry.rows;
  const targetRow = (13.5 - geometry.firstHour) * 4;
  await workshop.dragTo(roomB, { sourcePosition: { x: 20, y: 4 }, targetPosition: { x: 40, y: targetRow * rowHeight + 4 } });
  await page.waitForURL(/done=session_moved/);
  const moved = page.locator(`li.block[data-session="${ids["Workshop: trust in practice"]}"]`);
  check((await moved.locator(".when").innerText()).startsWith("13:30–15:00"), `after the drop: ${await moved.locator(".when").innerText()}`);
  check(!(await moved.evaluate((b) => b.classList.contains("has-conflict"))), "the conflict is gone after the move");
  check(!(await page.locator(`li.block[data-session="${ids["Panel: cities and civil society"]}"]`).evaluate((b) => b.classList.contains("has-conflict"))), "the panel's conflict is gone too");

  // 8. The keyboard way: move the closing session half an hour later from its page's move form.
  await page.goto(`${base}/admin/events/sfax-2019/sessions/${ids["Conclusions"]}`);
  await page.focus("#f-starts");
  await page.keyboard.press("Control+A");
  await page.keyboard.type("1430");
  await page.keyboard.press("Enter");
  await page.waitForURL(/done=session_moved/);
  check((await page.locator("p.lead").innerText()).includes("14:30–15:15"), `moved by keyboard: ${await page.locator("p.lead").innerText()}`);

  // 9. Publishing: the preview, then publish; the version is listed.
  await page.click("nav.event-nav a[href$='/publish']");
  await page.waitForLoadState("load");
  await audit("publish");
  const figures = await page.locator("ul.figures").innerText();
  check(figures.includes("6"), `the preview counts 6 new sessions: ${figures}`);
  await shot("console-publish-preview");
  await submit("form.publish");
  check(page.url().includes("done=published_done"), `after publishing: ${page.url()} ${await page.locator(".problems, .notice.problem").allInnerTexts()}`);
  check((await page.locator("ol.versions > li").count()) === 1, "version 1 is listed");

  // 10. A speaker's availability in their own zone; every speaker invited at once.
  await page.goto(`${base}/admin/events/sfax-2019/speakers`);
  await audit("speakers");
  await page.click("table.board a:has-text('Nadim Haddad')");
  await page.waitForLoadState("load");
  await audit("speaker");
  check((await page.locator("p.hint").first().innerText()).includes("Asia/Beirut"), "availability is typed in the speaker's zone");
  await page.locator("input[name=window_from]").nth(0).fill("2019-06-25T09:00");
  await page.locator("input[name=window_until]").nth(0).fill("2019-06-25T18:00");
  await submit("main form");
  check(page.url().includes("done=availability_saved"), `availability saved: ${page.url()}`);
  await page.goto(`${base}/admin/events/sfax-2019/speakers`);
  await submit("div.actions form:has(input[value=invite])");
  const round = await page.locator("div.notice[role=status]").innerText();
  check(round.includes("Nadim Haddad") && round.includes("Lina Khoury"), `invitations sent: ${round}`);
  await shot("console-speakers");
  await page.goto(`${base}/admin/events/sfax-2019/outbox`);
  await audit("outbox");
 } else if (phase === "answers") {
  // 11. Back the next day: sign in again.
  await page.goto(`${base}/admin`);
  check(page.url().includes("/admin/login"), "a new browser signs in first");
  await page.fill("#f-email", ORGANISER.email);
  await page.fill("#f-password", ORGANISER.password);
  await submit("main form");

  // 12. Rita confirms through the link in her email (the speaker's own page).
  await page.goto(`${base}${pathArgument}`);
  await page.check("input[name=decision][value=confirm]");
  await page.fill("textarea[name=note]", "Glad to moderate the panel.");
  await submit("main form");
  check(/confirm/i.test(await page.locator("main").innerText()), "the speaker's answer is recorded");

  // 13. The board shows her confirmation by link and Lina's decline from her calendar.
  await page.goto(`${base}/admin/events/sfax-2019/speakers?lang=en`);
  const rita = await page.locator("table.board tr", { hasText: "Rita Fernandes" }).innerText();
  check(rita.includes("confirmed") && rita.includes("by their link") && rita.includes("Glad to moderate"), `Rita on the board: ${rita}`);
  const lina = await page.locator("table.board tr", { hasText: "Lina Khoury" }).innerText();
  check(lina.includes("declined") && lina.includes("from their calendar"), `Lina on the board: ${lina}`);
  await shot("console-speakers-answers");

  // 14. The study visit takes one person on site; two register through the public form.
  await page.goto(`${base}/admin/events/sfax-2019/programme?day=2019-06-26`);
  await page.click("li.block a:has-text('Study visit')");
  await page.waitForLoadState("load");
  await page.fill("#f-capacity", "1");
  await submit("form[aria-labelledby=edit-heading]");
  await page.goto(`${base}/admin/events/sfax-2019/publish`);
  await submit("form.publish");
  for (const [name, email] of [["Salma Trabelsi", "salma@sfax.example"], ["Youssef Ben Ali", "youssef@tunis.example"]]) {
    await page.goto(`${base}/events/sfax-2019/register?lang=en`);
    await page.fill("#name", name);
    await page.fill("#email", email);
    await page.fill("#city", "Sfax");
    await page.check("input[name=attendance][value=on_site]");
    await page.locator("fieldset#session_ids label", { hasText: "Study visit" }).locator("input").check();
    await submit("main form");
    check(page.url().includes("/r/"), `registered ${name}: ${page.url()}`);
  }

  // 15. The registrations page shows them; Youssef waits; the organiser gives him the seat.
  await page.goto(`${base}/admin/events/sfax-2019/registrations?lang=en`);
  await audit("registrations");
  const waiting = page.locator("table ol li a", { hasText: "Youssef Ben Ali" });
  check(await waiting.count() === 1, "Youssef is on the study visit's waitlist");
  await waiting.click();
  await page.waitForLoadState("load");
  await audit("registration");
  await page.locator("button[value=confirm]").click();
  await page.waitForURL(/done=seat_decided/);
  check((await page.locator("table tbody tr", { hasText: "Study visit" }).innerText()).includes("confirmed"), "the seat is given by hand");
  await shot("console-registration");

  // 16. The mail page shows the emails sent, and what one said.
  await page.goto(`${base}/admin/events/sfax-2019/outbox?status=sent&lang=en`);
  check((await page.locator("table tbody tr").count()) >= 5, "sent emails are listed");
  await page.locator("table tbody tr a").first().click();
  await page.waitForLoadState("load");
  await audit("email");
  check((await page.locator("pre.email-text").innerText()).length > 50, "an email's text is shown");
  await shot("console-outbox-email");

  // 17. A real schedule file (pretalx, rC3 2020), imported into a new event through its dry run.
  await page.goto(`${base}/admin/events/new`);
  await page.fill("#f-slug", "rc3-channels");
  await page.fill("#f-title", "rC3 Channels (imported from pretalx)");
  await page.fill("#f-starts_on", "2020-12-27");
  await page.fill("#f-ends_on", "2020-12-30");
  await page.fill("#f-timezone", "Europe/Berlin");
  await submit("form.event-form");
  await page.goto(`${base}/admin/events/rc3-channels/files`);
  await audit("files");
  // The same bytes as ../shared/schedules/pretalx-rc3.json (tests/fixtures/schedules/README.md).
  await page.setInputFiles("#f-schedule", new URL("../fixtures/schedules/pretalx-rc3.json", import.meta.url).pathname);
  await submit("form.upload");
  const dry = await page.locator("section.conflict-box").innerText();
  check(/Dry run|Essai/.test(dry), `the dry run is shown: ${dry.slice(0, 200)}`);
  await shot("console-files-dry-run");
  await submit("form.import");
  check(/Imported|Importé/.test(await page.locator("main").innerText()), "the file is imported");
  await page.goto(`${base}/admin/events/rc3-channels/programme`);
  check((await page.locator("aside .side-list li").count()) > 0, "the imported sessions are drafts of the new event");

  // 18. The public programme shows the sessions; the dashboard and password pages pass axe too.
  await page.goto(`${base}/events/sfax-2019?lang=en`);
  const titles = await page.locator("article.session h3").allInnerTexts();
  check(titles.length === 6, `6 public sessions: ${titles.join(" | ")}`);
  await page.goto(`${base}/admin/events/sfax-2019`);
  await shot("console-hub");
  await page.goto(`${base}/admin/password`);
  await audit("password");
  await page.goto(`${base}/admin/events/sfax-2019/programme?day=2019-06-26&lang=fr`);
  check((await page.locator("h1").innerText()) === "Programme" && (await page.locator("nav.days").innerText()).includes("juin"), "the console speaks French when asked");
  await shot("console-programme-fr");

  // 19. Sign out: the console is closed again.
  await submit("form[action='/admin/logout']");
  check(page.url().includes("/admin/login"), `after sign-out: ${page.url()}`);
  await page.goto(`${base}/admin/events/sfax-2019/programme`);
  check(page.url().includes("/admin/login"), "signed out: the console sends to the sign-in page");
 } else if (phase === "assistant") {
  // The schedule assistant on the Izmir demo: rules set in the console, an impossible set of
  // rules explained, then a proposal beside the current plan, applied as staged changes.
  const event = "/admin/events/izmir-2021";
  const [email, password] = [pathArgument.slice(0, pathArgument.indexOf(":")), pathArgument.slice(pathArgument.indexOf(":") + 1)];
  await page.goto(`${base}/admin/login`);
  await page.fill("#f-email", email);
  await page.fill("#f-password", password);
  await submit("main form");
  await page.goto(`${base}${event}/programme`);
  await page.click(`a[href='${event}/assistant']`);
  await page.waitForLoadState("load");
  check(new URL(page.url()).pathname === `${event}/assistant`, `the programme links to the assistant: ${page.url()}`);
  await audit("assistant");
  const days = await page.locator("select[name=day_attendance]").evaluateAll((s) => s.map((x) => x.value));
  check(days.join(",") === "virtual,virtual,none,on_site", `the demo's day plan: ${days}`);
  const rows = page.locator("table.rules tbody tr");
  // The recital made last of the event, while it must come before the plenary: impossible.
  await rows.filter({ hasText: "Récital" }).locator("input[name=last_of_event]").check();
  await submit("form[action$='/assistant/rules']");
  check((await page.locator(".notice.done").innerText()).includes("règles sont enregistrés"), "the rules are saved");
  await submit(`form[action='${event}/assistant']`);
  const impossible = await page.locator("#impossible li").allInnerTexts();
  check(impossible.some((m) => m.includes("clôt l'événement")) && impossible.some((m) => m.includes("se termine avant")), `the conflicting rules are named: ${impossible.join(" | ")}`);
  await shot("console-assistant-impossible");
  // The closing panel closes the event again; published sessions may move.
  await rows.filter({ hasText: "Cérémonie de clôture" }).locator("input[name=last_of_event]").check();
  await submit("form[action$='/assistant/rules']");
  await page.locator("input[name=pin_published]").uncheck();
  await submit(`form[action='${event}/assistant']`);
  const proposed = page.locator("table.side-by-side tbody tr");
  check((await proposed.count()) === 8, `every session is in the proposal: ${await proposed.count()}`);
  const moved = await page.locator("table.side-by-side tr.moved th").allInnerTexts();
  check(moved.length >= 1, "the proposal marks what would move");
  check((await page.locator("section.proposal [role=status]").innerText()).includes("prouvé"), "the proposal is proven best");
  const outside = await page.locator("table.scores tbody tr").first().locator("td").allInnerTexts();
  check(outside[0] === "0", `no minute outside the display zones' hours: ${outside}`);
  await audit("assistant proposal");
  await shot("console-assistant-proposal");
  await submit("form.apply");
  check(new URL(page.url()).pathname === `${event}/programme`, `after applying: ${page.url()}`);
  check((await page.locator(".notice.done").innerText()).includes("proposition est appliquée"), "the proposal is applied");
  let pending = 0;
  for (const day of ["2021-12-07", "2021-12-08", "2021-12-10"]) {
    await page.goto(`${base}${event}/programme?day=${day}`);
    pending += await page.locator("text=modifications non publiées").count();
  }
  check(pending >= 1, "the moved published sessions wait for the next publication");
  console.log(`moved: ${moved.join(" | ")}`);
 }
} catch (error) {
  problems.push(`scenario stopped: ${error.stack ?? error}`);
  await page.screenshot({ path: `${artefacts}/console-failure.png`, fullPage: true }).catch(() => {});
}
await browser.close();
console.log(`page visits: ${visits}, form submissions: ${submissions}`);
if (problems.length) {
  console.log(problems.join("\n"));
  process.exit(1);
}
console.log("all browser checks passed");
