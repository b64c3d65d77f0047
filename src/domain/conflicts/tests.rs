//! The conflict rules on small programmes, one story each.

mod rules {
    use super::super::*;

    fn at(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

    fn event() -> EventFacts {
        EventFacts {
            starts_on: "2021-12-07".parse().unwrap(),
            ends_on: "2021-12-10".parse().unwrap(),
            zone: "Europe/Istanbul".parse().unwrap(),
        }
    }

    fn hall() -> RoomFacts {
        RoomFacts {
            id: 1,
            name: "Hall".into(),
            capacity: Some(100),
            available: vec![],
        }
    }

    fn session(id: i64, start: &str, end: &str, room: Option<RoomFacts>) -> SessionFacts {
        SessionFacts {
            id,
            title: format!("S{id}"),
            starts_at: at(start),
            ends_at: at(end),
            attendance: AttendanceMode::OnSite,
            room,
            has_link: false,
            capacity: None,
        }
    }

    fn slot(
        session_id: i64,
        speaker_id: i64,
        person: &str,
        zone: &str,
        contribution: Contribution,
    ) -> SlotFacts {
        SlotFacts {
            session_id,
            speaker_id,
            person: person.into(),
            name: person.into(),
            role: Role::Panelist,
            contribution,
            status: ParticipantStatus::Confirmed,
            zone: zone.parse().unwrap(),
            available: vec![],
        }
    }

    fn kinds(found: &[Conflict]) -> Vec<ConflictKind> {
        found.iter().map(|c| c.kind).collect()
    }

    #[test]
    fn a_clean_programme_has_no_conflict() {
        let sessions = [
            session(
                1,
                "2021-12-10T11:30:00Z",
                "2021-12-10T12:00:00Z",
                Some(hall()),
            ),
            session(
                2,
                "2021-12-10T12:00:00Z",
                "2021-12-10T13:00:00Z",
                Some(hall()),
            ),
        ];
        let slots = [
            slot(1, 1, "a", "Europe/Istanbul", Contribution::Live),
            slot(2, 1, "a", "Europe/Istanbul", Contribution::Live),
        ];
        assert!(find_conflicts(&event(), &sessions, &slots, &[]).is_empty());
    }

    #[test]
    fn rooms_people_links_and_dates_are_checked() {
        let mut online = session(3, "2021-12-07T13:00:00Z", "2021-12-07T14:30:00Z", None);
        online.attendance = AttendanceMode::Virtual;
        let mut big = session(
            4,
            "2021-12-11T10:00:00Z",
            "2021-12-11T11:00:00Z",
            Some(hall()),
        );
        big.capacity = Some(500);
        let sessions = [
            session(
                1,
                "2021-12-10T11:00:00Z",
                "2021-12-10T12:00:00Z",
                Some(hall()),
            ),
            session(
                2,
                "2021-12-10T11:30:00Z",
                "2021-12-10T12:30:00Z",
                Some(hall()),
            ),
            online,
            big,
            session(5, "2021-12-09T10:00:00Z", "2021-12-09T11:00:00Z", None),
        ];
        let slots = [
            slot(1, 1, "a", "Europe/Istanbul", Contribution::Live),
            slot(2, 1, "a", "Europe/Istanbul", Contribution::Live),
        ];
        let found = find_conflicts(&event(), &sessions, &slots, &[]);
        let kinds = kinds(&found);
        for expected in [
            ConflictKind::RoomDoubleBooked,
            ConflictKind::SpeakerOverlap,
            ConflictKind::VirtualWithoutLink,
            ConflictKind::OutsideEventDates,
            ConflictKind::CapacityExceedsRoom,
            ConflictKind::OnSiteWithoutRoom,
        ] {
            assert!(
                kinds.contains(&expected),
                "{expected:?} missing from {kinds:?}"
            );
        }
        assert!(found.iter().all(|c| c.severity == Severity::Error));
        assert!(
            found
                .iter()
                .all(|c| !c.message_fr.is_empty() && !c.message_en.is_empty())
        );
    }

    #[test]
    fn speakers_get_warnings_for_nights_two_roles_declines_and_short_transitions() {
        let side = RoomFacts {
            id: 2,
            name: "Side room".into(),
            capacity: None,
            available: vec![],
        };
        let sessions = [
            session(
                1,
                "2021-12-08T16:15:00Z",
                "2021-12-08T17:30:00Z",
                Some(hall()),
            ),
            session(
                2,
                "2021-12-08T17:35:00Z",
                "2021-12-08T18:00:00Z",
                Some(side),
            ),
        ];
        let mut declined = slot(2, 3, "c", "Europe/Paris", Contribution::Live);
        declined.status = ParticipantStatus::Declined;
        let slots = [
            // 16:15 UTC is 1:15 in Tokyo.
            slot(1, 1, "tokyo", "Asia/Tokyo", Contribution::Remote),
            slot(1, 2, "b", "Europe/Paris", Contribution::Live),
            slot(1, 2, "b", "Europe/Paris", Contribution::Live),
            slot(2, 2, "b", "Europe/Paris", Contribution::Live),
            declined,
            // A video message recorded beforehand is never a night-time problem.
            slot(1, 4, "recorded", "Asia/Tokyo", Contribution::PreRecorded),
        ];
        let found = find_conflicts(&event(), &sessions, &slots, &[]);
        let kinds = kinds(&found);
        assert_eq!(
            kinds
                .iter()
                .filter(|k| **k == ConflictKind::LiveRemoteAtNight)
                .count(),
            1
        );
        assert!(kinds.contains(&ConflictKind::TwoRolesAtOnce));
        assert!(kinds.contains(&ConflictKind::DeclinedStillListed));
        assert!(kinds.contains(&ConflictKind::NoTransitionTime));
        assert!(
            found.iter().all(|c| c.severity == Severity::Warning),
            "{found:?}"
        );
    }

    #[test]
    fn a_person_speaking_elsewhere_at_the_same_time_clashes() {
        let sessions = [session(
            1,
            "2021-12-10T11:00:00Z",
            "2021-12-10T12:00:00Z",
            Some(hall()),
        )];
        let slots = [slot(
            1,
            1,
            "mayor@example.org",
            "Europe/Istanbul",
            Contribution::Live,
        )];
        let elsewhere = [Elsewhere {
            person: "mayor@example.org".into(),
            event_title: "Intercultural cities".into(),
            title: "Keynote".into(),
            starts_at: at("2021-12-10T11:30:00Z"),
            ends_at: at("2021-12-10T12:30:00Z"),
        }];
        let found = find_conflicts(&event(), &sessions, &slots, &elsewhere);
        assert_eq!(kinds(&found), [ConflictKind::SpeakerOverlap]);
        assert!(found[0].message_en.contains("Intercultural cities"));
    }
}

mod availability {
    use super::super::*;

    fn at(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

    #[test]
    fn a_speaker_or_room_scheduled_outside_their_windows_is_an_error() {
        let morning = Window {
            starts_at: at("2021-12-10T06:00:00Z"),
            ends_at: at("2021-12-10T10:00:00Z"),
        };
        let hall = RoomFacts {
            id: 1,
            name: "Hall".into(),
            capacity: None,
            available: vec![morning],
        };
        let sessions = [SessionFacts {
            id: 1,
            title: "Afternoon".into(),
            starts_at: at("2021-12-10T11:00:00Z"),
            ends_at: at("2021-12-10T12:00:00Z"),
            attendance: AttendanceMode::OnSite,
            room: Some(hall),
            has_link: false,
            capacity: None,
        }];
        let slots = [SlotFacts {
            session_id: 1,
            speaker_id: 7,
            person: "mayor".into(),
            name: "Mayor".into(),
            role: Role::Opening,
            contribution: Contribution::Live,
            status: ParticipantStatus::Confirmed,
            zone: "Europe/Istanbul".parse().unwrap(),
            available: vec![morning],
        }];
        let event = EventFacts {
            starts_on: "2021-12-07".parse().unwrap(),
            ends_on: "2021-12-10".parse().unwrap(),
            zone: "Europe/Istanbul".parse().unwrap(),
        };
        let found = find_conflicts(&event, &sessions, &slots, &[]);
        let kinds: Vec<_> = found.iter().map(|c| c.kind).collect();
        assert_eq!(
            kinds,
            [
                ConflictKind::RoomUnavailable,
                ConflictKind::OutsideAvailability
            ]
        );
        assert!(found.iter().all(|c| c.severity == Severity::Error));
        assert_eq!(found[1].speaker_ids, [7]);
    }
}
