use super::*;
use crate::domain::availability::Window;

fn at(raw: &str) -> DateTime<Utc> {
    raw.parse().expect("an RFC 3339 instant")
}

fn zone(name: &str) -> Zone {
    name.parse().expect("a zone")
}

fn day(raw: &str, attendance: DayAttendance) -> PlanDay {
    PlanDay {
        date: raw.parse().expect("a date"),
        attendance,
    }
}

fn session(
    id: i64,
    title: &str,
    minutes: u32,
    attendance: AttendanceMode,
    start: &str,
) -> PlanSession {
    PlanSession {
        id,
        title: title.into(),
        minutes,
        attendance,
        seats_needed: None,
        current: Placement {
            starts_at: at(start),
            room_id: (attendance != AttendanceMode::Virtual).then_some(1),
        },
        published: None,
        notified: 0,
        parts: Vec::new(),
    }
}

fn person(name: &str, zone_name: &str) -> PlanPerson {
    PlanPerson {
        name: name.into(),
        zone: zone(zone_name),
        available: Vec::new(),
    }
}

fn live(person: usize) -> Part {
    Part {
        person,
        contribution: Contribution::Live,
    }
}

/// The Izmir summit as the demo has it (times in UTC; Izmir is UTC+3).
fn izmir() -> Problem {
    use AttendanceMode::{OnSite, Virtual};
    let mut sessions = vec![
        session(
            1,
            "Dialogue des maires",
            90,
            Virtual,
            "2021-12-07T13:00:00Z",
        ),
        session(
            2,
            "Dialogue interactif",
            75,
            Virtual,
            "2021-12-07T14:45:00Z",
        ),
        session(3, "Atelier 1", 90, Virtual, "2021-12-08T13:00:00Z"),
        session(4, "Atelier 2", 75, Virtual, "2021-12-08T14:45:00Z"),
        session(5, "Atelier 3", 75, Virtual, "2021-12-08T16:15:00Z"),
        session(6, "Récital", 30, OnSite, "2021-12-10T11:30:00Z"),
        session(
            7,
            "Plénière droits humains",
            60,
            OnSite,
            "2021-12-10T12:00:00Z",
        ),
        session(8, "Panel de clôture", 60, OnSite, "2021-12-10T13:15:00Z"),
    ];
    // The mayor of Izmir opens the summit and speaks at the plenary; Montréal's mayor opens it too.
    sessions[0].parts = vec![live(0), live(1)];
    sessions[1].parts = vec![live(2)];
    sessions[2].parts = vec![live(2), live(3)];
    sessions[6].parts = vec![live(0)];
    sessions[7].parts = vec![
        live(0),
        Part {
            person: 4,
            contribution: Contribution::PreRecorded,
        },
    ];
    Problem {
        zone: zone("Europe/Istanbul"),
        days: vec![
            day("2021-12-07", DayAttendance::Virtual),
            day("2021-12-08", DayAttendance::Virtual),
            day("2021-12-09", DayAttendance::None),
            day("2021-12-10", DayAttendance::OnSite),
        ],
        display_zones: vec![
            zone("Europe/Istanbul"),
            zone("Europe/Paris"),
            zone("America/Toronto"),
        ],
        rooms: vec![PlanRoom {
            id: 1,
            name: "Salle plénière".into(),
            seats: Some(300),
            available: Vec::new(),
        }],
        people: vec![
            person("Tunç Soyer", "Europe/Istanbul"),
            person("Valérie Plante", "America/Toronto"),
            person("Lamontagne", "America/Toronto"),
            person("Wahba", "Asia/Beirut"),
            person("Secer", "Europe/Istanbul"),
        ],
        sessions,
        shared: Vec::new(),
        rules: SchedulingRules {
            ordering: vec![Ordering {
                before: 6,
                after: 7,
            }],
            last_of_event: Some(8),
            buffer_minutes: 15,
            ..SchedulingRules::default()
        },
    }
}

fn montreal_and_paris() -> ProposalOptions {
    let hours = |name: &str| ZoneHours {
        timezone: zone(name),
        from: NaiveTime::from_hms_opt(8, 0, 0).expect("a time"),
        to: NaiveTime::from_hms_opt(20, 0, 0).expect("a time"),
    };
    ProposalOptions {
        zone_hours: Some(vec![hours("America/Toronto"), hours("Europe/Paris")]),
        time_limit_seconds: 5,
        ..ProposalOptions::default()
    }
}

fn plan_of(outcome: Outcome) -> (Vec<Placement>, Vec<i64>, SolveStats) {
    match outcome {
        Outcome::Plan {
            placements,
            released,
            stats,
        } => (placements, released, stats),
        Outcome::Infeasible { rules, .. } => panic!("no plan: {rules:?}"),
        Outcome::Unknown { .. } => panic!("no plan within the time limit"),
    }
}

fn local_date(problem: &Problem, p: Placement) -> NaiveDate {
    p.starts_at.with_timezone(&problem.zone.tz()).date_naive()
}

#[test]
fn izmir_from_scratch_keeps_every_rule_inside_montreal_and_paris_hours() {
    let mut problem = izmir();
    // From scratch: every session starts where nothing could stay (the rest day, 03:00).
    for s in &mut problem.sessions {
        s.current.starts_at = at("2021-12-09T00:00:00Z");
    }
    let options = montreal_and_paris();
    let (plan, _, stats) = plan_of(propose(&problem, &options));
    let (violations, score) = evaluate(&problem, &options, &plan);
    assert_eq!(violations, vec![]);
    assert_eq!(score.display_zone_minutes_outside, 0);
    assert_eq!(stats.status, SearchStatus::Optimal);
    for placement in &plan[..5] {
        let date = local_date(&problem, *placement).to_string();
        assert!(
            ["2021-12-07", "2021-12-08"].contains(&date.as_str()),
            "{date}"
        );
        // 08:00 in Montréal is 13:00 UTC; 20:00 in Paris is 19:00 UTC.
        assert!(placement.starts_at >= at(&format!("{date}T13:00:00Z")));
    }
    for placement in &plan[5..] {
        assert_eq!(local_date(&problem, *placement).to_string(), "2021-12-10");
        assert_eq!(placement.room_id, Some(1));
    }
    let end =
        |i: usize| plan[i].starts_at + Duration::minutes(i64::from(problem.sessions[i].minutes));
    assert!(
        end(5) <= plan[6].starts_at,
        "the recital comes before the plenary"
    );
    for i in 0..7 {
        assert!(end(i) <= plan[7].starts_at, "the closing panel is last");
    }
    // Tunç Soyer has 15 minutes between the plenary and the closing panel.
    assert!(
        end(6) + Duration::minutes(15) <= plan[7].starts_at
            || end(7) + Duration::minutes(15) <= plan[6].starts_at
    );
}

#[test]
fn a_published_programme_moves_only_what_must() {
    let mut problem = izmir();
    for s in &mut problem.sessions {
        s.published = Some(s.current);
        s.notified = 40;
    }
    // Wahba can now only do the afternoon of 8 December (UTC), after Atelier 1's published slot.
    problem.people[3].available = vec![Window {
        starts_at: at("2021-12-08T17:45:00Z"),
        ends_at: at("2021-12-08T20:00:00Z"),
    }];
    // A new draft session, not yet anywhere sensible.
    let mut added = session(
        9,
        "Atelier 4",
        60,
        AttendanceMode::Virtual,
        "2021-12-09T10:00:00Z",
    );
    added.parts = vec![live(1)];
    problem.sessions.push(added);
    let options = montreal_and_paris();
    let (plan, released, _) = plan_of(propose(&problem, &options));
    let (violations, score) = evaluate(&problem, &options, &plan);
    assert_eq!(violations, vec![]);
    assert_eq!(
        released,
        vec![3],
        "Atelier 1's published slot no longer suits Wahba"
    );
    let moved: Vec<i64> = problem
        .sessions
        .iter()
        .zip(&plan)
        .filter(|(s, p)| s.current != **p)
        .map(|(s, _)| s.id)
        .collect();
    assert_eq!(moved, vec![3, 9]);
    assert_eq!(score.published_sessions_moved, 1);
    assert_eq!(score.people_updated, 40);
    assert!(plan[2].starts_at >= at("2021-12-08T17:45:00Z"));
}

#[test]
fn three_workshops_in_one_morning_and_two_rooms_are_explained() {
    use AttendanceMode::OnSite;
    let mut problem = izmir();
    problem.sessions = (1..=3)
        .map(|i| {
            let mut s = session(
                i,
                &format!("Workshop {i}"),
                90,
                OnSite,
                "2021-12-10T08:00:00Z",
            );
            s.parts = vec![live(i as usize)];
            s
        })
        .collect();
    problem.rules = SchedulingRules::default();
    problem.rooms.push(PlanRoom {
        id: 2,
        name: "Salle 2".into(),
        seats: None,
        available: Vec::new(),
    });
    // Each speaker only has the Montréal morning of 10 December (09:00-10:30 EST).
    for p in &mut problem.people {
        p.available = vec![Window {
            starts_at: at("2021-12-10T14:00:00Z"),
            ends_at: at("2021-12-10T15:30:00Z"),
        }];
    }
    let outcome = propose(&problem, &montreal_and_paris());
    let Outcome::Infeasible { rules, minimal, .. } = outcome else {
        panic!("three 90-minute workshops cannot share two rooms in one 90-minute window");
    };
    assert!(minimal);
    let kinds: Vec<RuleRef> = rules.iter().map(|r| r.rule.clone()).collect();
    assert!(kinds.contains(&RuleRef::RoomOnce), "{kinds:?}");
    for name in ["Valérie Plante", "Lamontagne", "Wahba"] {
        assert!(
            kinds.contains(&RuleRef::SpeakerAvailability {
                person: name.into()
            }),
            "{kinds:?}"
        );
    }
    assert!(
        !kinds.iter().any(|k| matches!(k, RuleRef::DayPlan { .. })),
        "{kinds:?}"
    );
    assert!(
        rules
            .iter()
            .all(|r| !r.message.is_empty() && !r.message_fr.is_empty())
    );
}

#[test]
fn evaluate_names_each_broken_rule() {
    let problem = izmir();
    let mut plan: Vec<Placement> = problem.sessions.iter().map(|s| s.current).collect();
    // The closing panel before the recital, at the same time as the plenary, on a rest day.
    plan[7].starts_at = at("2021-12-10T12:00:00Z");
    plan[2].starts_at = at("2021-12-09T13:00:00Z");
    let (violations, _) = evaluate(&problem, &ProposalOptions::default(), &plan);
    let rules: Vec<&RuleRef> = violations.iter().map(|v| &v.rule).collect();
    assert!(
        rules.contains(&&RuleRef::DayPlan { session_id: 3 }),
        "{rules:?}"
    );
    assert!(rules.contains(&&RuleRef::RoomOnce), "{rules:?}");
    assert!(
        rules.contains(&&RuleRef::PersonOnce {
            person: "Tunç Soyer".into()
        }),
        "{rules:?}"
    );
    assert!(
        rules.contains(&&RuleRef::LastOfEvent { session_id: 8 }),
        "{rules:?}"
    );
    let current: Vec<Placement> = problem.sessions.iter().map(|s| s.current).collect();
    assert_eq!(
        evaluate(&problem, &ProposalOptions::default(), &current).0,
        vec![]
    );
}

#[test]
fn minutes_outside_counts_each_local_day() {
    let toronto = ZoneHours {
        timezone: zone("America/Toronto"),
        from: NaiveTime::from_hms_opt(8, 0, 0).expect("a time"),
        to: NaiveTime::from_hms_opt(20, 0, 0).expect("a time"),
    };
    // 07:00-08:30 EST: one hour before the day starts.
    assert_eq!(
        minutes_outside(&toronto, at("2021-12-07T12:00:00Z"), 90),
        60
    );
    // 19:30-01:30 EST: half an hour inside, then past midnight.
    assert_eq!(
        minutes_outside(&toronto, at("2021-12-08T00:30:00Z"), 360),
        330
    );
    assert_eq!(minutes_outside(&toronto, at("2021-12-07T15:00:00Z"), 60), 0);
}

#[test]
fn the_day_plan_defaults_to_the_event_attendance() {
    let starts: NaiveDate = "2021-12-07".parse().expect("a date");
    let ends: NaiveDate = "2021-12-10".parse().expect("a date");
    let plan = day_plan(
        starts,
        ends,
        AttendanceMode::Hybrid,
        &[day("2021-12-09", DayAttendance::None)],
    )
    .expect("a plan");
    assert_eq!(plan.len(), 4);
    assert_eq!(plan[0].attendance, DayAttendance::Hybrid);
    assert_eq!(plan[2].attendance, DayAttendance::None);
    let outside = day_plan(
        starts,
        ends,
        AttendanceMode::Hybrid,
        &[day("2021-12-11", DayAttendance::None)],
    );
    assert_eq!(outside.map_err(|e| e.0), Err(0));
    let twice = [
        day("2021-12-08", DayAttendance::None),
        day("2021-12-08", DayAttendance::OnSite),
    ];
    assert_eq!(
        day_plan(starts, ends, AttendanceMode::Hybrid, &twice).map_err(|e| e.0),
        Err(1)
    );
}

#[test]
fn registrants_of_two_sessions_do_not_see_them_overlap() {
    let mut problem = izmir();
    problem.rules = SchedulingRules::default();
    // Two virtual workshops, each would prefer the same hour for its speakers.
    problem.sessions.truncate(5);
    problem.shared = vec![Shared {
        a: 3,
        b: 4,
        attendees: 25,
    }];
    let options = montreal_and_paris();
    let (plan, _, _) = plan_of(propose(&problem, &options));
    let (violations, score) = evaluate(&problem, &options, &plan);
    assert_eq!(violations, vec![]);
    assert_eq!(score.shared_attendee_overlaps, 0);
}

#[test]
fn generated_summits_get_a_plan_within_the_limit() {
    for size in [30, 60] {
        let problem = sample::generated(size, 7);
        let options = ProposalOptions {
            time_limit_seconds: 5,
            ..ProposalOptions::default()
        };
        let (plan, _, stats) = plan_of(propose(&problem, &options));
        let (violations, _) = evaluate(&problem, &options, &plan);
        assert_eq!(violations, vec![], "{size} sessions");
        assert!(stats.first_feasible_ms.is_some());
        assert!(matches!(
            stats.status,
            SearchStatus::Optimal | SearchStatus::TimeLimit
        ));
    }
}

#[test]
fn options_and_rules_refuse_bad_values_by_field() {
    let bad = ProposalOptions {
        grid_minutes: 7,
        ..ProposalOptions::default()
    };
    assert_eq!(bad.problem().map(|p| p.0), Some("grid_minutes".into()));
    let bad = ProposalOptions {
        time_limit_seconds: 0,
        ..ProposalOptions::default()
    };
    assert_eq!(
        bad.problem().map(|p| p.0),
        Some("time_limit_seconds".into())
    );
    let rules = SchedulingRules {
        ordering: vec![Ordering {
            before: 3,
            after: 3,
        }],
        ..SchedulingRules::default()
    };
    assert_eq!(
        rules.problem().map(|p| p.0),
        Some("ordering[0].after".into())
    );
    let json = r#"{"timezone": "America/Toronto", "from": "8h", "to": "20:00"}"#;
    assert!(serde_json::from_str::<ZoneHours>(json).is_err());
}

#[test]
fn fixed_sessions_stay_and_a_first_of_the_day_opens_it() {
    let mut problem = izmir();
    for s in &mut problem.sessions {
        s.current.starts_at = at("2021-12-09T00:00:00Z");
    }
    // The second dialogue opens its day; Atelier 3 is fixed, even on the rest day's slot.
    problem.sessions[4].current.starts_at = at("2021-12-08T16:15:00Z");
    problem.rules.first_of_day = vec![2];
    problem.rules.fixed_sessions = vec![5];
    let options = montreal_and_paris();
    let (plan, _, _) = plan_of(propose(&problem, &options));
    assert_eq!(evaluate(&problem, &options, &plan).0, vec![]);
    assert_eq!(plan[4], problem.sessions[4].current);
    let day_of_second = local_date(&problem, plan[1]);
    for (i, p) in plan.iter().enumerate() {
        if i != 1 && local_date(&problem, *p) == day_of_second {
            assert!(
                plan[1].starts_at <= p.starts_at,
                "session {} starts before the opener",
                i + 1
            );
        }
    }
    // Breaking the opener is reported by name.
    let mut broken = plan.clone();
    broken[1].starts_at = plan[0].starts_at + Duration::minutes(5);
    let rules: Vec<RuleRef> = evaluate(&problem, &options, &broken)
        .0
        .into_iter()
        .map(|v| v.rule)
        .collect();
    assert!(
        rules.contains(&RuleRef::FirstOfDay { session_id: 2 }),
        "{rules:?}"
    );
}
