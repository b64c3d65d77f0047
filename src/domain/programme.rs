//! Assembling a programme for a reader: which zones each session is printed in, days grouped in
//! the reader's first zone, and speakers grouped under their role headings.

use chrono::{DateTime, NaiveDate, Utc};

use super::vocab::AttendanceMode;
use super::zone::{DisplayZone, Zone, ZonePrinting};

/// The zones a programme is printed in, for one reader.
#[derive(Clone, Debug)]
pub struct ZonePlan {
    zones: Vec<DisplayZone>,
    venue: DisplayZone,
    /// The reader named zones: print every session in exactly those.
    explicit: bool,
    /// How a display zone that does not say is printed: on-site events print every zone for
    /// every session; other events print the far zones for sessions followed from afar.
    default_printing: ZonePrinting,
}

impl ZonePlan {
    /// `requested` empty means "the event's display zones". A requested zone that the event also
    /// displays keeps the event's label and abbreviation ("Paris", "TRT").
    pub fn new(
        display_zones: &[DisplayZone],
        home: Zone,
        requested: &[Zone],
        event_attendance: AttendanceMode,
    ) -> Self {
        let venue = display_zones
            .iter()
            .find(|z| z.timezone == home)
            .cloned()
            .unwrap_or_else(|| DisplayZone::named(home));
        let explicit = !requested.is_empty();
        let zones = if explicit {
            let mut chosen: Vec<DisplayZone> = Vec::new();
            for zone in requested {
                if !chosen.iter().any(|c| c.timezone == *zone) {
                    chosen.push(
                        display_zones
                            .iter()
                            .find(|d| d.timezone == *zone)
                            .cloned()
                            .unwrap_or_else(|| DisplayZone::named(*zone)),
                    );
                }
            }
            chosen
        } else if display_zones.is_empty() {
            vec![venue.clone()]
        } else {
            display_zones.to_vec()
        };
        ZonePlan {
            zones,
            venue,
            explicit,
            default_printing: if event_attendance == AttendanceMode::OnSite {
                ZonePrinting::EverySession
            } else {
                ZonePrinting::FollowedFromAfar
            },
        }
    }

    pub fn zones(&self) -> &[DisplayZone] {
        &self.zones
    }

    /// The zones one session is printed in. As the printed Izmir programme does, an on-site
    /// session that nobody follows from afar is shown in the venue's zone alone, unless a zone
    /// says it is printed for every session (the default of on-site events) or the reader named
    /// zones. A zone equal to the venue's is printed once.
    pub fn zones_for(&self, attendance: AttendanceMode, streamed: bool) -> Vec<&DisplayZone> {
        if self.explicit {
            return self.zones.iter().collect();
        }
        let from_afar = attendance != AttendanceMode::OnSite || streamed;
        let mut printed: Vec<&DisplayZone> = Vec::new();
        for zone in &self.zones {
            let wanted = zone.timezone == self.venue.timezone
                || from_afar
                || zone.print.unwrap_or(self.default_printing) == ZonePrinting::EverySession;
            if wanted && !printed.iter().any(|p| p.timezone == zone.timezone) {
                printed.push(zone);
            }
        }
        if printed.is_empty() {
            printed.push(&self.venue);
        }
        printed
    }

    /// Days are those of the first zone the reader asked for (or the event's first zone).
    pub fn day_zone(&self) -> Zone {
        self.zones
            .first()
            .map_or(self.venue.timezone, |z| z.timezone)
    }

    pub fn local_day(&self, instant: DateTime<Utc>) -> NaiveDate {
        instant.with_timezone(&self.day_zone().tz()).date_naive()
    }
}

/// Splits time-ordered items into runs sharing a key, keeping order: days of sessions, or
/// role headings of speakers.
pub fn group_runs<T, K: PartialEq>(items: Vec<T>, key: impl Fn(&T) -> K) -> Vec<(K, Vec<T>)> {
    let mut groups: Vec<(K, Vec<T>)> = Vec::new();
    for item in items {
        let k = key(&item);
        match groups.last_mut() {
            Some((last, members)) if *last == k => members.push(item),
            _ => groups.push((k, vec![item])),
        }
    }
    groups
}

#[cfg(test)]
mod tests {
    use super::*;

    fn display() -> Vec<DisplayZone> {
        vec![
            DisplayZone {
                label: "Izmir".into(),
                timezone: "Europe/Istanbul".parse().unwrap(),
                abbreviation: Some("TRT".into()),
                print: None,
            },
            DisplayZone {
                label: "Paris".into(),
                timezone: "Europe/Paris".parse().unwrap(),
                abbreviation: None,
                print: None,
            },
            DisplayZone {
                label: "Montréal".into(),
                timezone: "America/Toronto".parse().unwrap(),
                abbreviation: None,
                print: None,
            },
        ]
    }

    fn istanbul() -> Zone {
        "Europe/Istanbul".parse().unwrap()
    }

    #[test]
    fn on_site_sessions_print_the_venue_zone_only_by_default() {
        let plan = ZonePlan::new(&display(), istanbul(), &[], AttendanceMode::Hybrid);
        assert_eq!(plan.zones_for(AttendanceMode::Virtual, false).len(), 3);
        let on_site = plan.zones_for(AttendanceMode::OnSite, false);
        assert_eq!(on_site.len(), 1);
        assert_eq!(on_site[0].abbreviation.as_deref(), Some("TRT"));
    }

    #[test]
    fn an_on_site_event_prints_its_far_zones_for_every_session() {
        let sfax: Zone = "Africa/Tunis".parse().unwrap();
        let zones = vec![
            DisplayZone {
                label: "Sfax".into(),
                ..DisplayZone::named(sfax)
            },
            DisplayZone {
                label: "Bruxelles".into(),
                ..DisplayZone::named("Europe/Brussels".parse().unwrap())
            },
            // The venue's zone twice is printed once.
            DisplayZone {
                label: "Sfax (bis)".into(),
                ..DisplayZone::named(sfax)
            },
        ];
        let on_site = ZonePlan::new(&zones, sfax, &[], AttendanceMode::OnSite);
        let labels: Vec<&str> = on_site
            .zones_for(AttendanceMode::OnSite, false)
            .iter()
            .map(|z| z.label.as_str())
            .collect();
        assert_eq!(labels, ["Sfax", "Bruxelles"]);
        // A hybrid event keeps far zones for sessions followed from afar, unless told otherwise.
        let hybrid = ZonePlan::new(&zones, sfax, &[], AttendanceMode::Hybrid);
        assert_eq!(hybrid.zones_for(AttendanceMode::OnSite, false).len(), 1);
        assert_eq!(hybrid.zones_for(AttendanceMode::OnSite, true).len(), 2);
        let mut every = zones.clone();
        every[1].print = Some(ZonePrinting::EverySession);
        let told = ZonePlan::new(&every, sfax, &[], AttendanceMode::Hybrid);
        assert_eq!(told.zones_for(AttendanceMode::OnSite, false).len(), 2);
    }

    #[test]
    fn named_zones_apply_to_every_session_and_keep_known_labels() {
        let plan = ZonePlan::new(
            &display(),
            istanbul(),
            &[
                "Asia/Tokyo".parse().unwrap(),
                "Europe/Paris".parse().unwrap(),
            ],
            AttendanceMode::Hybrid,
        );
        let labels: Vec<&str> = plan
            .zones_for(AttendanceMode::OnSite, false)
            .iter()
            .map(|z| z.label.as_str())
            .collect();
        assert_eq!(labels, ["Tokyo", "Paris"]);
        assert_eq!(plan.day_zone().name(), "Asia/Tokyo");
    }

    #[test]
    fn days_follow_the_first_zone() {
        let late: DateTime<Utc> = "2021-12-07T16:00:00Z".parse().unwrap();
        let tokyo = ZonePlan::new(
            &display(),
            istanbul(),
            &["Asia/Tokyo".parse().unwrap()],
            AttendanceMode::Hybrid,
        );
        assert_eq!(tokyo.local_day(late).to_string(), "2021-12-08");
        let default = ZonePlan::new(&display(), istanbul(), &[], AttendanceMode::Hybrid);
        assert_eq!(default.local_day(late).to_string(), "2021-12-07");
    }

    #[test]
    fn runs_keep_order_and_split_on_change() {
        let groups = group_runs(
            vec![
                ("opening", 1),
                ("opening", 2),
                ("moderator", 3),
                ("opening", 4),
            ],
            |p| p.0,
        );
        let keys: Vec<&str> = groups.iter().map(|g| g.0).collect();
        assert_eq!(keys, ["opening", "moderator", "opening"]);
        assert_eq!(groups[0].1.len(), 2);
    }
}
