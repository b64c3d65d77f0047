#!/usr/bin/env python3
"""Writes a frab schedule.json for a large summit: 300 sessions over 5 days in 6 rooms, each with
two speakers of its own (600 speakers). Used by benches/public_reads.sh; standard library only.

usage: generate_programme.py SLUG > schedule.json
"""
import json
import sys
import uuid

SLUG = sys.argv[1] if len(sys.argv) > 1 else "bench-300"
DAYS = ["2022-06-13", "2022-06-14", "2022-06-15", "2022-06-16", "2022-06-17"]
ROOMS = ["Plenary hall", "Room A", "Room B", "Room C", "Room D", "Room E"]
SLOTS_PER_DAY = 10  # 60-minute sessions from 08:00, 15 minutes apart
NAMESPACE = uuid.UUID("6f1c7a52-3f55-4d0e-9a43-1d5b0f2f7c11")
KINDS = ["panel", "workshop", "plenary", "dialogue"]
CITIES = ["Izmir", "Montréal", "Paris", "Sfax", "Dakar", "Lisbon", "Bogotá", "Tunis", "Oslo"]


def guid(*parts):
    return str(uuid.uuid5(NAMESPACE, "/".join(map(str, parts))))


days = []
number = 0
for index, date in enumerate(DAYS, start=1):
    rooms = {}
    for room in ROOMS:
        events = []
        for slot in range(SLOTS_PER_DAY):
            number += 1
            minutes = 8 * 60 + slot * 75
            start = f"{minutes // 60:02d}:{minutes % 60:02d}"
            persons = [
                {"guid": guid("person", number, k), "name": f"Speaker {number}-{k} of {CITIES[(number + k) % len(CITIES)]}",
                 "role": "panelist" if k else "moderator"}
                for k in range(2)
            ]
            events.append({
                "guid": guid("session", number),
                "id": number,
                "date": f"{date}T{start}:00+02:00",
                "start": start,
                "duration": "01:00",
                "room": room,
                "slug": f"{SLUG}-{number}",
                "title": f"Session {number}: cities, cohesion and shared public space ({room})",
                "subtitle": "",
                "track": KINDS[number % len(KINDS)],
                "type": KINDS[number % len(KINDS)],
                "language": "en",
                "abstract": "How cities welcome newcomers; what worked, what did not; questions for peers.",
                "description": "",
                "persons": persons,
                "links": [],
            })
        rooms[room] = events
    days.append({
        "index": index,
        "date": date,
        "day_start": f"{date}T08:00:00+02:00",
        "day_end": f"{date}T21:00:00+02:00",
        "rooms": rooms,
    })

json.dump({
    "schedule": {
        "version": "bench",
        "conference": {
            "acronym": SLUG.replace("-", "_"),
            "title": "Generated summit: 300 sessions, 600 speakers",
            "start": DAYS[0],
            "end": DAYS[-1],
            "daysCount": len(DAYS),
            "timeslot_duration": "00:15",
            "time_zone_name": "Europe/Paris",
            "rooms": [{"name": room, "guid": guid("room", room)} for room in ROOMS],
            "days": days,
        },
    }
}, sys.stdout, ensure_ascii=False)
