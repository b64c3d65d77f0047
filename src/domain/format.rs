//! Printing times as programmes do, per language and zone:
//! French `Izmir: 16h-17h30 TRT (UTC+3)`, English `Paris: 2:00–3:30 PM CET (UTC+1)`.

use chrono::{DateTime, FixedOffset, Locale, NaiveDate, Offset, TimeZone, Timelike, Utc};
use chrono_tz::OffsetName;
use serde::Serialize;

use super::text::UiLanguage;
use super::zone::{DisplayZone, Zone};

/// One zone's reading of a start and end, ready to print.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ZonedTimes {
    pub label: String,
    pub timezone: String,
    /// Local start, RFC 3339 with the zone's offset.
    pub starts_at: DateTime<FixedOffset>,
    pub ends_at: DateTime<FixedOffset>,
    /// Letters only ("CET", or the event's override such as "TRT"); absent where the tz database
    /// has only a number.
    pub abbreviation: Option<String>,
    /// "UTC+3", "UTC+5:30", "UTC-3:30".
    pub utc_offset: String,
    /// Days between the local start date and the local end date (1 when crossing midnight).
    pub end_day_offset: i64,
    pub text: String,
}

/// "UTC+3", "UTC-5", "UTC+5:30", "UTC+13", "UTC+0".
pub fn utc_offset_text(offset: FixedOffset) -> String {
    let seconds = offset.local_minus_utc();
    let sign = if seconds < 0 { '-' } else { '+' };
    let minutes = seconds.abs() / 60;
    match minutes % 60 {
        0 => format!("UTC{sign}{}", minutes / 60),
        rest => format!("UTC{sign}{}:{rest:02}", minutes / 60),
    }
}

/// The abbreviation to print at `instant` in `zone`: the override, else the tz database's own
/// unless it is only a number ("+03"), which the UTC offset already says better.
pub fn abbreviation(zone: Zone, instant: DateTime<Utc>, override_: Option<&str>) -> Option<String> {
    if let Some(chosen) = override_ {
        return Some(chosen.to_owned());
    }
    let local = instant.with_timezone(&zone.tz());
    let name = local.offset().abbreviation()?;
    name.chars()
        .all(|c| c.is_ascii_alphabetic())
        .then(|| name.to_owned())
}

/// "16h", "17h30", "0h05".
fn french_clock(hour: u32, minute: u32) -> String {
    if minute == 0 {
        format!("{hour}h")
    } else {
        format!("{hour}h{minute:02}")
    }
}

/// ("2:00", "PM").
fn english_clock(hour: u32, minute: u32) -> (String, &'static str) {
    let meridiem = if hour < 12 { "AM" } else { "PM" };
    let twelve = match hour % 12 {
        0 => 12,
        h => h,
    };
    (format!("{twelve}:{minute:02}"), meridiem)
}

/// A single local time: "16h" / "4:00 PM".
pub fn clock_text<T: Timelike>(time: &T, lang: UiLanguage) -> String {
    match lang {
        UiLanguage::Fr => french_clock(time.hour(), time.minute()),
        UiLanguage::En => {
            let (clock, meridiem) = english_clock(time.hour(), time.minute());
            format!("{clock} {meridiem}")
        }
    }
}

/// "16h-17h30" / "2:00–3:30 PM" / "11:30 AM–1:00 PM".
pub fn range_text<T: Timelike>(start: &T, end: &T, lang: UiLanguage) -> String {
    match lang {
        UiLanguage::Fr => format!(
            "{}-{}",
            french_clock(start.hour(), start.minute()),
            french_clock(end.hour(), end.minute())
        ),
        UiLanguage::En => {
            let (from, from_meridiem) = english_clock(start.hour(), start.minute());
            let (to, to_meridiem) = english_clock(end.hour(), end.minute());
            if from_meridiem == to_meridiem {
                format!("{from}–{to} {to_meridiem}")
            } else {
                format!("{from} {from_meridiem}–{to} {to_meridiem}")
            }
        }
    }
}

/// " (+1 j)" / " (+1 day)" when the end falls on a later local day.
fn day_marker(days: i64, lang: UiLanguage) -> String {
    match (days, lang) {
        (0, _) => String::new(),
        (d, UiLanguage::Fr) => format!(" (+{d} j)"),
        (1, UiLanguage::En) => " (+1 day)".to_owned(),
        (d, UiLanguage::En) => format!(" (+{d} days)"),
    }
}

/// How `zone` reads the span from `start` to `end`, with the ready-to-print line.
pub fn zoned_times(
    zone: &DisplayZone,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    lang: UiLanguage,
) -> ZonedTimes {
    let tz = zone.timezone.tz();
    let (local_start, local_end) = (start.with_timezone(&tz), end.with_timezone(&tz));
    let (start_offset, end_offset) = (local_start.offset().fix(), local_end.offset().fix());
    let override_ = zone.abbreviation.as_deref();
    let (start_abbr, end_abbr) = (
        abbreviation(zone.timezone, start, override_),
        abbreviation(zone.timezone, end, override_),
    );
    let end_day_offset = (local_end.date_naive() - local_start.date_naive()).num_days();

    // A session that spans a daylight-saving change shows both readings: "CET→CEST (UTC+1→UTC+2)".
    let utc_offset = if start_offset == end_offset {
        utc_offset_text(start_offset)
    } else {
        format!(
            "{}→{}",
            utc_offset_text(start_offset),
            utc_offset_text(end_offset)
        )
    };
    let abbreviation = match (&start_abbr, &end_abbr) {
        (Some(a), Some(b)) if a != b => Some(format!("{a}→{b}")),
        (Some(a), _) => Some(a.clone()),
        _ => None,
    };
    let range = range_text(&local_start, &local_end, lang);
    let marker = day_marker(end_day_offset, lang);
    let text = match &abbreviation {
        Some(abbr) => format!("{}: {range}{marker} {abbr} ({utc_offset})", zone.label),
        None => format!("{}: {range}{marker} ({utc_offset})", zone.label),
    };
    ZonedTimes {
        label: zone.label.clone(),
        timezone: zone.timezone.name().to_owned(),
        starts_at: local_start.fixed_offset(),
        ends_at: local_end.fixed_offset(),
        abbreviation,
        utc_offset,
        end_day_offset,
        text,
    }
}

/// A span as `zone` reads it, with its local date: "Toronto: Tuesday 7 December 2021,
/// 8:00–9:30 AM EST (UTC-5)". For lines read without the programme's day headings around them
/// (emails, a speaker's or registrant's page), where a time alone could be any day.
pub fn dated_times_text(
    zone: &DisplayZone,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    lang: UiLanguage,
) -> String {
    let times = zoned_times(zone, start, end, lang);
    let date = day_label(times.starts_at.date_naive(), lang);
    let rest = times
        .text
        .strip_prefix(&format!("{}: ", zone.label))
        .unwrap_or(&times.text);
    format!("{}: {date}, {rest}", zone.label)
}

/// One instant as a zone reads it: "Paris: mardi 7 décembre 2021, 14h CET (UTC+1)".
pub fn instant_text(zone: &DisplayZone, instant: DateTime<Utc>, lang: UiLanguage) -> String {
    let local = instant.with_timezone(&zone.timezone.tz());
    let offset = utc_offset_text(local.offset().fix());
    let clock = clock_text(&local, lang);
    let date = day_label(local.date_naive(), lang);
    match abbreviation(zone.timezone, instant, zone.abbreviation.as_deref()) {
        Some(abbr) => format!("{}: {date}, {clock} {abbr} ({offset})", zone.label),
        None => format!("{}: {date}, {clock} ({offset})", zone.label),
    }
}

/// "mardi 7 décembre 2021" / "Tuesday 7 December 2021".
pub fn day_label(date: NaiveDate, lang: UiLanguage) -> String {
    let locale = match lang {
        UiLanguage::Fr => Locale::fr_FR,
        UiLanguage::En => Locale::en_GB,
    };
    // NaiveDate has no localized formatting; a UTC midnight of that date formats the same day.
    let midnight = Utc.from_utc_datetime(&date.and_hms_opt(0, 0, 0).unwrap_or_default());
    midnight
        .format_localized("%A %-d %B %Y", locale)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use UiLanguage::{En, Fr};

    fn zone(label: &str, name: &str, abbreviation: Option<&str>) -> DisplayZone {
        DisplayZone {
            label: label.into(),
            timezone: name.parse().unwrap(),
            abbreviation: abbreviation.map(Into::into),
            print: None,
        }
    }

    fn at(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

    fn line(zone: &DisplayZone, start: &str, end: &str, lang: UiLanguage) -> String {
        zoned_times(zone, at(start), at(end), lang).text
    }

    #[test]
    fn french_lines_follow_the_izmir_programme() {
        let (start, end) = ("2021-12-07T13:00:00Z", "2021-12-07T14:30:00Z");
        assert_eq!(
            line(
                &zone("Izmir", "Europe/Istanbul", Some("TRT")),
                start,
                end,
                Fr
            ),
            "Izmir: 16h-17h30 TRT (UTC+3)"
        );
        assert_eq!(
            line(&zone("Paris", "Europe/Paris", None), start, end, Fr),
            "Paris: 14h-15h30 CET (UTC+1)"
        );
        assert_eq!(
            line(&zone("Montréal", "America/Toronto", None), start, end, Fr),
            "Montréal: 8h-9h30 EST (UTC-5)"
        );
        assert_eq!(
            line(
                &zone("Paris", "Europe/Paris", None),
                "2021-12-07T14:45:00Z",
                "2021-12-07T16:00:00Z",
                Fr
            ),
            "Paris: 15h45-17h CET (UTC+1)"
        );
    }

    #[test]
    fn english_lines_use_twelve_hour_clocks() {
        let paris = zone("Paris", "Europe/Paris", None);
        assert_eq!(
            line(&paris, "2021-12-07T13:00:00Z", "2021-12-07T14:30:00Z", En),
            "Paris: 2:00–3:30 PM CET (UTC+1)"
        );
        assert_eq!(
            line(&paris, "2021-12-07T10:30:00Z", "2021-12-07T12:00:00Z", En),
            "Paris: 11:30 AM–1:00 PM CET (UTC+1)"
        );
        assert_eq!(
            line(&paris, "2021-12-06T23:00:00Z", "2021-12-07T00:30:00Z", En),
            "Paris: 12:00–1:30 AM CET (UTC+1)"
        );
    }

    #[test]
    fn numeric_abbreviations_are_left_out_unless_overridden() {
        let istanbul = zone("Izmir", "Europe/Istanbul", None);
        assert_eq!(
            line(
                &istanbul,
                "2021-12-07T13:00:00Z",
                "2021-12-07T14:30:00Z",
                Fr
            ),
            "Izmir: 16h-17h30 (UTC+3)"
        );
    }

    #[test]
    fn half_and_quarter_hour_and_far_zones_print_their_minutes() {
        let (start, end) = ("2021-12-07T13:00:00Z", "2021-12-07T14:30:00Z");
        assert_eq!(
            line(&zone("Delhi", "Asia/Kolkata", None), start, end, Fr),
            "Delhi: 18h30-20h IST (UTC+5:30)"
        );
        assert_eq!(
            line(&zone("Kathmandu", "Asia/Kathmandu", None), start, end, Fr),
            "Kathmandu: 18h45-20h15 (UTC+5:45)"
        );
        assert_eq!(
            line(
                &zone("St. John's", "America/St_Johns", None),
                start,
                end,
                Fr
            ),
            "St. John's: 9h30-11h NST (UTC-3:30)"
        );
        assert_eq!(
            line(&zone("Apia", "Pacific/Apia", None), start, end, Fr),
            "Apia: 2h-3h30 (UTC+13)"
        );
        assert_eq!(
            line(
                &zone("Kiritimati", "Pacific/Kiritimati", None),
                start,
                end,
                En
            ),
            "Kiritimati: 3:00–4:30 AM (UTC+14)"
        );
        assert_eq!(
            line(
                &zone("Tongatapu", "Pacific/Tongatapu", None),
                start,
                end,
                En
            ),
            "Tongatapu: 2:00–3:30 AM (UTC+13)"
        );
    }

    #[test]
    fn crossing_midnight_is_marked_on_the_end() {
        let tokyo = zone("Tokyo", "Asia/Tokyo", None);
        let paris = zone("Paris", "Europe/Paris", None);
        let (start, end) = ("2021-12-07T14:30:00Z", "2021-12-07T16:00:00Z");
        assert_eq!(
            line(&tokyo, start, end, Fr),
            "Tokyo: 23h30-1h (+1 j) JST (UTC+9)"
        );
        assert_eq!(
            line(&tokyo, start, end, En),
            "Tokyo: 11:30 PM–1:00 AM (+1 day) JST (UTC+9)"
        );
        assert_eq!(line(&paris, start, end, Fr), "Paris: 15h30-17h CET (UTC+1)");
        assert_eq!(
            zoned_times(&tokyo, at(start), at(end), Fr).end_day_offset,
            1
        );
    }

    #[test]
    fn apia_is_a_day_ahead_since_it_crossed_the_date_line() {
        let apia = zone("Apia", "Pacific/Apia", None);
        let times = zoned_times(
            &apia,
            at("2021-12-07T13:00:00Z"),
            at("2021-12-07T14:30:00Z"),
            Fr,
        );
        assert_eq!(times.starts_at.date_naive().to_string(), "2021-12-08");
        // Before 30 December 2011 Samoa was on the other side of the date line.
        let before = zoned_times(
            &apia,
            at("2011-12-01T13:00:00Z"),
            at("2011-12-01T14:30:00Z"),
            Fr,
        );
        assert_eq!(before.starts_at.date_naive().to_string(), "2011-12-01");
        assert_eq!(before.utc_offset, "UTC-10");
    }

    #[test]
    fn a_session_over_a_dst_change_shows_both_offsets() {
        let paris = zone("Paris", "Europe/Paris", None);
        let line = line(&paris, "2026-03-29T00:30:00Z", "2026-03-29T01:30:00Z", Fr);
        assert_eq!(line, "Paris: 1h30-3h30 CET→CEST (UTC+1→UTC+2)");
    }

    #[test]
    fn offsets_print_signs_hours_and_minutes() {
        let offset = |s: i32| utc_offset_text(FixedOffset::east_opt(s).unwrap());
        assert_eq!(offset(3 * 3600), "UTC+3");
        assert_eq!(offset(-5 * 3600), "UTC-5");
        assert_eq!(offset(-(3 * 3600 + 1800)), "UTC-3:30");
        assert_eq!(offset(0), "UTC+0");
    }

    #[test]
    fn day_labels_are_localized() {
        let date = NaiveDate::from_ymd_opt(2021, 12, 7).unwrap();
        assert_eq!(day_label(date, Fr), "mardi 7 décembre 2021");
        assert_eq!(day_label(date, En), "Tuesday 7 December 2021");
    }
}
