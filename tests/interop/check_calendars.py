"""Reads Convene's calendar samples with Python's `icalendar` (the parser many Python calendar
tools use) and checks that it understands them as Convene meant: method, UID, SEQUENCE, status,
start and end instants, ORGANIZER and ATTENDEE with its PARTSTAT and ROLE."""

import json
import sys
from datetime import timezone
from pathlib import Path

import icalendar

folder = Path(sys.argv[1])
failures = []
checked = 0


def instant(prop):
    value = prop.dt
    return value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


for sample in json.loads((folder / "expected.json").read_text()):
    calendar = icalendar.Calendar.from_ical((folder / sample["file"]).read_bytes())
    expected = sample["expected"]
    events = [c for c in calendar.walk("VEVENT")]
    where = sample["file"]
    if str(calendar.get("METHOD")) != expected["method"]:
        failures.append(f"{where}: METHOD {calendar.get('METHOD')} != {expected['method']}")
    if "event_count" in expected and len(events) != expected["event_count"]:
        failures.append(f"{where}: {len(events)} events, expected {expected['event_count']}")
    for want in expected.get("events", []):
        found = [e for e in events if str(e.get("UID")) == want["uid"]]
        if len(found) != 1:
            failures.append(f"{where}: UID {want['uid']} found {len(found)} times")
            continue
        event = found[0]
        checks = {
            "sequence": int(event.get("SEQUENCE", -1)),
            "start": instant(event.get("DTSTART")),
            "end": instant(event.get("DTEND")),
            "status": str(event.get("STATUS")),
        }
        if "summary" in want:
            checks["summary"] = str(event.get("SUMMARY"))
        if "organizer" in want:
            checks["organizer"] = str(event.get("ORGANIZER")).lower()
        if "attendee" in want:
            checks["attendee"] = str(event.get("ATTENDEE")).lower()
        if "attendee_cn" in want:
            checks["attendee_cn"] = str(event.get("ATTENDEE").params.get("CN"))
        if "partstat" in want:
            checks["partstat"] = str(event.get("ATTENDEE").params.get("PARTSTAT"))
        if "role" in want:
            checks["role"] = str(event.get("ATTENDEE").params.get("ROLE"))
        for key, value in checks.items():
            if value != want[key]:
                failures.append(f"{where}: {key} {value!r} != {want[key]!r}")
        checked += 1

if failures:
    print("\n".join(failures))
    sys.exit(1)
print(f"python icalendar {icalendar.__version__}: {checked} events read as intended")
