// Reads Convene's calendar samples with Mozilla's ical.js (the parser inside Thunderbird) and
// checks that it understands them as Convene meant: method, UID, SEQUENCE, status, start and end
// instants, ORGANIZER and ATTENDEE.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import ICAL from "ical.js";

const folder = process.argv[2];
const failures = [];
let checked = 0;
const utc = (time) => time.toJSDate().toISOString().replace(".000Z", "Z");

for (const sample of JSON.parse(readFileSync(join(folder, "expected.json"), "utf8"))) {
  const root = new ICAL.Component(ICAL.parse(readFileSync(join(folder, sample.file), "utf8")));
  const expected = sample.expected;
  const where = sample.file;
  if (root.getFirstPropertyValue("method") !== expected.method) {
    failures.push(`${where}: METHOD ${root.getFirstPropertyValue("method")} != ${expected.method}`);
  }
  const events = root.getAllSubcomponents("vevent").map((v) => new ICAL.Event(v));
  if (expected.event_count !== undefined && events.length !== expected.event_count) {
    failures.push(`${where}: ${events.length} events, expected ${expected.event_count}`);
  }
  for (const want of expected.events ?? []) {
    const found = events.filter((e) => e.uid === want.uid);
    if (found.length !== 1) {
      failures.push(`${where}: UID ${want.uid} found ${found.length} times`);
      continue;
    }
    const event = found[0];
    const checks = {
      sequence: event.sequence,
      start: utc(event.startDate),
      end: utc(event.endDate),
      status: event.component.getFirstPropertyValue("status"),
    };
    if (want.summary !== undefined) checks.summary = event.summary;
    if (want.organizer !== undefined) checks.organizer = String(event.organizer).toLowerCase();
    if (want.attendee !== undefined) checks.attendee = String(event.attendees[0]?.getFirstValue()).toLowerCase();
    if (want.attendee_cn !== undefined) checks.attendee_cn = event.attendees[0]?.getParameter("cn");
    if (want.partstat !== undefined) checks.partstat = event.attendees[0]?.getParameter("partstat");
    if (want.role !== undefined) checks.role = event.attendees[0]?.getParameter("role");
    for (const [key, value] of Object.entries(checks)) {
      if (value !== want[key]) failures.push(`${where}: ${key} ${JSON.stringify(value)} != ${JSON.stringify(want[key])}`);
    }
    checked += 1;
  }
}

if (failures.length > 0) {
  console.log(failures.join("\n"));
  process.exit(1);
}
console.log(`ical.js: ${checked} events read as intended`);
