//! Finding meeting times that suit several zones: every candidate start within the date range,
//! kept when each zone sees it inside its acceptable window, ranked by how far the least
//! comfortable zone is pushed outside its comfortable hours.

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Timelike, Utc};

use super::local_time::resolve_local;
use super::zone::DisplayZone;

/// A daily span of local time, such as 08:00–20:00.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DailyWindow {
    pub start: NaiveTime,
    pub end: NaiveTime,
}

impl DailyWindow {
    pub fn parse(text: &str) -> Result<Self, String> {
        let (start, end) = text
            .split_once('-')
            .ok_or_else(|| format!("'{text}' is not a window like 08:00-20:00"))?;
        let read = |t: &str| {
            NaiveTime::parse_from_str(t.trim(), "%H:%M")
                .map_err(|_| format!("'{t}' is not a time like 08:00"))
        };
        let end_time = if end.trim() == "24:00" {
            NaiveTime::MIN
        } else {
            read(end)?
        };
        let window = DailyWindow {
            start: read(start)?,
            end: end_time,
        };
        if window.end != NaiveTime::MIN && window.end <= window.start {
            return Err(format!(
                "the window '{text}' must end after it starts, on the same day"
            ));
        }
        Ok(window)
    }

    fn end_minutes(self) -> u32 {
        if self.end == NaiveTime::MIN {
            24 * 60
        } else {
            minutes_of(self.end)
        }
    }

    pub fn text(self) -> String {
        let end = if self.end == NaiveTime::MIN {
            "24:00".to_owned()
        } else {
            self.end.format("%H:%M").to_string()
        };
        format!("{}-{end}", self.start.format("%H:%M"))
    }
}

fn minutes_of(time: NaiveTime) -> u32 {
    time.hour() * 60 + time.minute()
}

pub struct SlotZone {
    pub zone: DisplayZone,
    pub window: DailyWindow,
}

pub struct SlotRequest {
    pub zones: Vec<SlotZone>,
    /// Read in the first zone.
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub duration: Duration,
    pub step: Duration,
    /// Hours nobody minds; minutes outside them count against a slot.
    pub comfort: DailyWindow,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ZoneFit {
    pub local_start: chrono::DateTime<chrono::FixedOffset>,
    pub local_end: chrono::DateTime<chrono::FixedOffset>,
    pub minutes_outside_comfort: i64,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Slot {
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub fits: Vec<ZoneFit>,
    /// 100 when every zone is inside its comfortable hours, 0 when all are wholly outside.
    pub score: u32,
}

pub struct SlotSearch {
    pub slots: Vec<Slot>,
    /// The longest span, in minutes, during which every zone was inside its window.
    pub longest_common_minutes: i64,
}

/// Minutes of `[start, end)` (local, same day) outside `comfort`.
fn outside(start: u32, end: u32, comfort: DailyWindow) -> i64 {
    let (low, high) = (minutes_of(comfort.start), comfort.end_minutes());
    let inside = end.min(high).saturating_sub(start.max(low));
    i64::from(end - start) - i64::from(inside)
}

/// Where a span falls for one zone, or `None` when it leaves the zone's window.
fn fit(
    zone: &SlotZone,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    comfort: DailyWindow,
) -> Option<ZoneFit> {
    let tz = zone.zone.timezone.tz();
    let (local_start, local_end) = (start.with_timezone(&tz), end.with_timezone(&tz));
    let start_minutes = minutes_of(local_start.time());
    let same_day = local_end.date_naive() == local_start.date_naive();
    let end_minutes = if same_day {
        minutes_of(local_end.time())
    } else if local_end.date_naive() == local_start.date_naive().succ_opt()?
        && local_end.time() == NaiveTime::MIN
    {
        24 * 60
    } else {
        return None;
    };
    // The local clock may jump inside the span (DST); the window test uses wall-clock readings.
    if start_minutes < minutes_of(zone.window.start)
        || end_minutes > zone.window.end_minutes()
        || end_minutes <= start_minutes
    {
        return None;
    }
    Some(ZoneFit {
        local_start: local_start.fixed_offset(),
        local_end: local_end.fixed_offset(),
        minutes_outside_comfort: outside(start_minutes, end_minutes, comfort),
    })
}

pub fn find_slots(request: &SlotRequest, limit: usize) -> SlotSearch {
    let Some(first) = request.zones.first() else {
        return SlotSearch {
            slots: vec![],
            longest_common_minutes: 0,
        };
    };
    let day_start = |date: NaiveDate| {
        let midnight = date.and_hms_opt(0, 0, 0).unwrap_or_default();
        // Midnight may not exist (some zones change clocks at 00:00); start an hour later then.
        resolve_local(midnight, first.zone.timezone)
            .or_else(|_| resolve_local(midnight + Duration::hours(1), first.zone.timezone))
            .unwrap_or_else(|_| midnight.and_utc())
    };
    let range_start = day_start(request.from);
    let range_end = request
        .to
        .succ_opt()
        .map_or(range_start + Duration::days(1), day_start);

    let mut slots = Vec::new();
    let (mut run, mut longest) = (0i64, 0i64);
    let mut start = range_start;
    while start < range_end {
        let end = start + request.duration;
        let fits: Option<Vec<ZoneFit>> = request
            .zones
            .iter()
            .map(|z| fit(z, start, end, request.comfort))
            .collect();
        if let Some(fits) = fits {
            let duration_minutes = request.duration.num_minutes().max(1);
            let total: i64 = fits.iter().map(|f| f.minutes_outside_comfort).sum();
            let worst_share = total as f64 / (duration_minutes * fits.len() as i64) as f64;
            let score = (100.0 * (1.0 - worst_share)).round().clamp(0.0, 100.0) as u32;
            slots.push(Slot {
                starts_at: start,
                ends_at: end,
                fits,
                score,
            });
        }
        // The longest common window is measured step by step, independent of the duration.
        let granule: Option<Vec<ZoneFit>> = request
            .zones
            .iter()
            .map(|z| fit(z, start, start + request.step, request.comfort))
            .collect();
        run = if granule.is_some() {
            run + request.step.num_minutes()
        } else {
            0
        };
        longest = longest.max(run);
        start += request.step;
    }
    // Fairest first: the least comfortable zone's strain, then everyone's, then the earliest.
    slots.sort_by_key(|slot| {
        let worst = slot
            .fits
            .iter()
            .map(|f| f.minutes_outside_comfort)
            .max()
            .unwrap_or(0);
        let total: i64 = slot.fits.iter().map(|f| f.minutes_outside_comfort).sum();
        (worst, total, slot.starts_at)
    });
    slots.truncate(limit);
    SlotSearch {
        slots,
        longest_common_minutes: longest,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn zone(label: &str, name: &str) -> SlotZone {
        SlotZone {
            zone: DisplayZone {
                label: label.into(),
                timezone: name.parse().unwrap(),
                abbreviation: None,
                print: None,
            },
            window: DailyWindow::parse("08:00-20:00").unwrap(),
        }
    }

    fn request(zones: Vec<SlotZone>, date: &str, minutes: i64) -> SlotRequest {
        let date: NaiveDate = date.parse().unwrap();
        SlotRequest {
            zones,
            from: date,
            to: date,
            duration: Duration::minutes(minutes),
            step: Duration::minutes(15),
            comfort: DailyWindow::parse("09:00-17:00").unwrap(),
        }
    }

    #[test]
    fn izmir_paris_montreal_can_meet_at_four_in_izmir() {
        let zones = vec![
            zone("Izmir", "Europe/Istanbul"),
            zone("Paris", "Europe/Paris"),
            zone("Montréal", "America/Toronto"),
        ];
        let search = find_slots(&request(zones, "2021-12-07", 90), 1000);
        let starts: Vec<String> = search
            .slots
            .iter()
            .map(|s| s.starts_at.to_rfc3339())
            .collect();
        assert!(
            starts.contains(&"2021-12-07T13:00:00+00:00".to_owned()),
            "{starts:?}"
        );
        for slot in &search.slots {
            assert!(
                slot.fits[2].local_start.time() >= NaiveTime::from_hms_opt(8, 0, 0).unwrap(),
                "Montréal before 8:00: {slot:?}"
            );
            assert!(slot.fits[0].local_end.time() <= NaiveTime::from_hms_opt(20, 0, 0).unwrap());
        }
        // Izmir 16:00-17:30 is 8:00-9:30 in Montréal: the last 90 minutes of Izmir's window, the first of Montréal's.
        assert_eq!(search.slots.len(), 11);
    }

    #[test]
    fn tokyo_and_honolulu_cannot_meet_in_office_hours_and_are_told_why() {
        let zones = vec![
            zone("Tokyo", "Asia/Tokyo"),
            zone("Honolulu", "Pacific/Honolulu"),
            zone("Paris", "Europe/Paris"),
        ];
        let search = find_slots(&request(zones, "2021-12-07", 60), 10);
        assert!(search.slots.is_empty());
        assert_eq!(search.longest_common_minutes, 0);
    }

    #[test]
    fn comfortable_slots_rank_first() {
        let zones = vec![
            zone("Paris", "Europe/Paris"),
            zone("London", "Europe/London"),
        ];
        let search = find_slots(&request(zones, "2021-12-07", 60), 3);
        assert_eq!(search.slots[0].score, 100);
        assert_eq!(
            search.slots[0].fits[1].local_start.time(),
            NaiveTime::from_hms_opt(9, 0, 0).unwrap()
        );
    }

    #[test]
    fn windows_are_read_strictly() {
        assert!(DailyWindow::parse("20:00-08:00").is_err());
        assert!(DailyWindow::parse("8h-20h").is_err());
        assert_eq!(
            DailyWindow::parse("07:30-24:00").unwrap().text(),
            "07:30-24:00"
        );
    }
}
