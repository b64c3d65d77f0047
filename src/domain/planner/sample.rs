//! Generated summit-like problems of any size, the same for the same seed: for the benchmarks
//! (`cargo bench --bench planner`) and the solver's own tests.

use super::{
    DayAttendance, Ordering, Part, Placement, PlanDay, PlanPerson, PlanRoom, PlanSession, Problem,
    SchedulingRules, Shared, local_instant,
};
use crate::domain::availability::Window;
use crate::domain::vocab::{AttendanceMode, Contribution};
use crate::domain::zone::Zone;
use chrono::{Duration, NaiveDate, NaiveTime};
use chrono_tz::Tz;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// A summit of `sessions` sessions in Paris with speakers in Montréal, Paris, Beirut and Amman:
/// up to five days (virtual, then hybrid, then on site), up to ten rooms, two or three speakers a
/// session, some with availability windows, a few ordering rules and pairs of sessions sharing
/// registrants. Every session starts on the first day at 09:00, so the plan starts from scratch.
pub fn generated(sessions: usize, seed: u64) -> Problem {
    let mut rng = StdRng::seed_from_u64(seed);
    let zone = |tz: Tz| Zone::from(tz);
    let home = zone(chrono_tz::Europe::Paris);
    let zones = [
        chrono_tz::America::Toronto,
        chrono_tz::Europe::Paris,
        chrono_tz::Asia::Beirut,
        chrono_tz::Asia::Amman,
    ];
    let first: NaiveDate = NaiveDate::from_ymd_opt(2026, 3, 9).unwrap_or_default();
    let day_count = (sessions / 12).clamp(3, 5);
    let kinds: &[DayAttendance] = if day_count == 3 {
        &[
            DayAttendance::Virtual,
            DayAttendance::Hybrid,
            DayAttendance::OnSite,
        ]
    } else {
        &[
            DayAttendance::Virtual,
            DayAttendance::Virtual,
            DayAttendance::Hybrid,
            DayAttendance::OnSite,
            DayAttendance::OnSite,
        ]
    };
    let days: Vec<PlanDay> = (0..day_count)
        .map(|d| PlanDay {
            date: first + Duration::days(d as i64),
            attendance: kinds[d],
        })
        .collect();
    let room_count = (sessions / 6).clamp(2, 10);
    let rooms = (0..room_count)
        .map(|r| PlanRoom {
            id: r as i64 + 1,
            name: format!("Room {}", r + 1),
            seats: Some(if r == 0 { 400 } else { 40 + 20 * r as u32 }),
            available: Vec::new(),
        })
        .collect();
    let people_count = (sessions * 3 / 2).max(4);
    let at = |d: usize, h: u32| {
        local_instant(
            home.tz(),
            first + Duration::days(d as i64),
            NaiveTime::from_hms_opt(h, 0, 0).unwrap_or_default(),
        )
        .unwrap_or_default()
    };
    let people = (0..people_count)
        .map(|p| {
            let tz = zones[p % zones.len()];
            // One speaker in five is only free from 10:00 to 23:00 (Paris) each day.
            let available = if rng.random_range(0..5) == 0 {
                (0..day_count)
                    .map(|d| Window {
                        starts_at: at(d, 10),
                        ends_at: at(d, 23),
                    })
                    .collect()
            } else {
                Vec::new()
            };
            PlanPerson {
                name: format!("Speaker {p}"),
                zone: zone(tz),
                available,
            }
        })
        .collect();
    let start = Placement {
        starts_at: at(0, 9),
        room_id: None,
    };
    let plan_sessions = (0..sessions)
        .map(|i| {
            let attendance = match rng.random_range(0..10) {
                0..=3 => AttendanceMode::Virtual,
                4..=5 => AttendanceMode::Hybrid,
                _ => AttendanceMode::OnSite,
            };
            let parts = (0..rng.random_range(2..=3))
                .map(|k| Part {
                    person: rng.random_range(0..people_count),
                    contribution: if k == 2 {
                        Contribution::PreRecorded
                    } else {
                        Contribution::Live
                    },
                })
                .collect();
            PlanSession {
                id: i as i64 + 1,
                title: format!("Session {}", i + 1),
                minutes: [45, 60, 75, 90][rng.random_range(0..4)],
                attendance,
                seats_needed: (attendance != AttendanceMode::Virtual)
                    .then(|| rng.random_range(20..120)),
                current: start,
                published: None,
                notified: 0,
                parts,
            }
        })
        .collect();
    let shared = (0..sessions / 2)
        .map(|_| Shared {
            a: rng.random_range(0..sessions),
            b: rng.random_range(0..sessions),
            attendees: rng.random_range(1..30),
        })
        .filter(|s| s.a != s.b)
        .collect();
    let id = |i: usize| i as i64 + 1;
    Problem {
        zone: home,
        days,
        display_zones: vec![
            home,
            zone(chrono_tz::America::Toronto),
            zone(chrono_tz::Asia::Beirut),
        ],
        rooms,
        people,
        sessions: plan_sessions,
        shared,
        rules: SchedulingRules {
            fixed_sessions: Vec::new(),
            ordering: vec![
                Ordering {
                    before: id(1),
                    after: id(2),
                },
                Ordering {
                    before: id(3),
                    after: id(4),
                },
            ],
            first_of_day: vec![id(0)],
            last_of_event: Some(id(sessions - 1)),
            buffer_minutes: 15,
        },
    }
}
