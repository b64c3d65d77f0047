//! Where a session sits on one day's timetable: the programme builder draws each day as a grid of
//! quarter-hour rows in the event's zone, rooms side by side. Pure: given the day, the zone and
//! the sessions' instants, it says which rows each session covers and how other zones read it.

use chrono::{DateTime, NaiveDate, NaiveTime, Timelike, Utc};

use super::zone::{DisplayZone, Zone};

/// Minutes per row of the grid.
pub const ROW_MINUTES: u32 = 15;

/// The rows of one day: from `first_hour` for `rows` quarter-hours.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DayGrid {
    pub date: NaiveDate,
    pub first_hour: u32,
    pub rows: u32,
}

/// One session's place: grid rows are numbered from 1, as CSS grid lines are.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Placement {
    pub first_row: u32,
    pub rows: u32,
}

/// The local minutes since midnight of `day` at which `instant` falls, clamped to the day.
fn minutes_into(day: NaiveDate, zone: Zone, instant: DateTime<Utc>) -> i64 {
    let local = instant.with_timezone(&zone.tz()).naive_local();
    let midnight = day.and_time(NaiveTime::MIN);
    (local - midnight).num_minutes().clamp(0, 24 * 60)
}

impl DayGrid {
    /// The grid of `day` showing at least 08:00–20:00 and every session that starts that day.
    pub fn covering(day: NaiveDate, zone: Zone, spans: &[(DateTime<Utc>, DateTime<Utc>)]) -> Self {
        let mut first = 8 * 60;
        let mut last = 20 * 60;
        for (start, end) in spans {
            first = first.min(minutes_into(day, zone, *start));
            last = last.max(minutes_into(day, zone, *end));
        }
        let first_hour = (first / 60) as u32;
        let last_hour = ((last + 59) / 60).min(24) as u32;
        DayGrid {
            date: day,
            first_hour,
            rows: (last_hour - first_hour) * 60 / ROW_MINUTES,
        }
    }

    /// Where a session of that day goes; at least one row, never past the grid's end.
    pub fn place(&self, zone: Zone, start: DateTime<Utc>, end: DateTime<Utc>) -> Placement {
        let offset = i64::from(self.first_hour) * 60;
        let from = (minutes_into(self.date, zone, start) - offset).max(0) as u32;
        let to = (minutes_into(self.date, zone, end) - offset).max(0) as u32;
        let first_row = (from / ROW_MINUTES + 1).min(self.rows.max(1));
        let rows = to
            .saturating_sub(from)
            .div_ceil(ROW_MINUTES)
            .max(1)
            .min(self.rows + 1 - first_row);
        Placement { first_row, rows }
    }

    /// The hour labels down the side: ("09:00", row).
    pub fn hours(&self) -> Vec<(String, u32)> {
        let per_hour = 60 / ROW_MINUTES;
        (0..self.rows / per_hour)
            .map(|i| (format!("{:02}:00", self.first_hour + i), i * per_hour + 1))
            .collect()
    }

    /// The local time at the top of `row` (1-based), for a drop onto the grid.
    pub fn time_of_row(&self, row: u32) -> Option<NaiveTime> {
        let minutes = self.first_hour * 60 + row.checked_sub(1)? * ROW_MINUTES;
        NaiveTime::from_hms_opt(minutes / 60, minutes % 60, 0)
    }
}

/// "Brussels 09:00–10:30", with "(+1)" or "(−1)" when that zone reads another day than the
/// event's `day`; 24-hour clock, as a working document for organisers of any country.
pub fn zone_span_text(
    zone: &DisplayZone,
    day: NaiveDate,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> String {
    let tz = zone.timezone.tz();
    let (local_start, local_end) = (start.with_timezone(&tz), end.with_timezone(&tz));
    let shift = (local_start.date_naive() - day).num_days();
    let marker = match shift {
        0 => String::new(),
        n if n > 0 => format!(" (+{n})"),
        n => format!(" (\u{2212}{})", -n),
    };
    format!(
        "{} {:02}:{:02}\u{2013}{:02}:{:02}{marker}",
        zone.label,
        local_start.hour(),
        local_start.minute(),
        local_end.hour(),
        local_end.minute(),
    )
}

/// The local date and time of `instant` in `zone`, as the console's forms show them.
pub fn local_parts(zone: Zone, instant: DateTime<Utc>) -> (NaiveDate, String) {
    let local = instant.with_timezone(&zone.tz());
    (
        local.date_naive(),
        format!("{:02}:{:02}", local.hour(), local.minute()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn tunis() -> Zone {
        "Africa/Tunis".parse().unwrap()
    }

    fn at(hour: u32, minute: u32) -> DateTime<Utc> {
        // Tunis is UTC+1 all year.
        Utc.with_ymd_and_hms(2019, 6, 25, hour - 1, minute, 0)
            .unwrap()
    }

    #[test]
    fn the_grid_shows_the_working_day_and_reaches_out_for_early_or_late_sessions() {
        let day = NaiveDate::from_ymd_opt(2019, 6, 25).unwrap();
        let usual = DayGrid::covering(day, tunis(), &[(at(9, 0), at(10, 30))]);
        assert_eq!((usual.first_hour, usual.rows), (8, 48));
        let long = DayGrid::covering(
            day,
            tunis(),
            &[(at(7, 30), at(9, 0)), (at(20, 0), at(21, 15))],
        );
        assert_eq!((long.first_hour, long.rows), (7, 15 * 4));
    }

    #[test]
    fn a_session_covers_the_rows_of_its_quarter_hours() {
        let day = NaiveDate::from_ymd_opt(2019, 6, 25).unwrap();
        let grid = DayGrid::covering(day, tunis(), &[]);
        assert_eq!(
            grid.place(tunis(), at(9, 0), at(10, 30)),
            Placement {
                first_row: 5,
                rows: 6
            }
        );
        // Ten minutes still take a row; a start off the quarter rounds down.
        assert_eq!(
            grid.place(tunis(), at(9, 5), at(9, 15)),
            Placement {
                first_row: 5,
                rows: 1
            }
        );
        assert_eq!(grid.time_of_row(5), NaiveTime::from_hms_opt(9, 0, 0));
        assert_eq!(grid.time_of_row(0), None);
        assert_eq!(grid.hours()[1], ("09:00".to_owned(), 5));
    }

    #[test]
    fn other_zones_read_the_span_with_their_day_shift() {
        let day = NaiveDate::from_ymd_opt(2019, 6, 25).unwrap();
        let brussels = DisplayZone::named("Europe/Brussels".parse().unwrap());
        assert_eq!(
            zone_span_text(&brussels, day, at(9, 0), at(10, 30)),
            "Brussels 10:00\u{2013}11:30"
        );
        let montreal = DisplayZone {
            label: "Montréal".into(),
            ..DisplayZone::named("America/Toronto".parse().unwrap())
        };
        assert_eq!(
            zone_span_text(&montreal, day, at(3, 0), at(4, 0)),
            "Montréal 22:00\u{2013}23:00 (\u{2212}1)"
        );
    }
}
