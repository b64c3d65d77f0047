//! Time tools: a public converter (`/api/v1/time/convert`) and the organisers' cross-zone slot
//! finder (`/api/v1/scheduling/slots`), both over the pure `domain` time code.

use axum::Json;
use axum::extract::State;
use chrono::{DateTime, Duration, FixedOffset, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::db::queries;
use crate::domain::format::{abbreviation, instant_text, utc_offset_text};
use crate::domain::local_time::TimeInput;
use crate::domain::slots::{DailyWindow, SlotRequest, SlotZone, find_slots};
use crate::domain::text::UiLanguage;
use crate::domain::zone::{DisplayZone, Zone};
use crate::error::{AppError, AppResult, FieldErrors};
use crate::http::HttpState;
use crate::http::auth::Organiser;
use crate::http::extract::ApiQuery;

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ConvertQuery {
    /// An instant with offset, or a local date-time read in `from`.
    pub at: TimeInput,
    pub from: Option<Zone>,
    /// Target zones (repeatable).
    #[serde(default)]
    pub to: Vec<Zone>,
    pub lang: Option<UiLanguage>,
}

#[derive(Serialize, ToSchema)]
pub struct Converted {
    pub instant: DateTime<Utc>,
    pub from: Option<ZoneReading>,
    pub to: Vec<ZoneReading>,
}

#[derive(Serialize, ToSchema)]
pub struct ZoneReading {
    pub label: String,
    pub timezone: String,
    pub local: DateTime<FixedOffset>,
    pub abbreviation: Option<String>,
    pub utc_offset: String,
    pub text: String,
}

fn reading(zone: Zone, instant: DateTime<Utc>, lang: UiLanguage) -> ZoneReading {
    let display = DisplayZone::named(zone);
    let local = instant.with_timezone(&zone.tz()).fixed_offset();
    ZoneReading {
        label: display.label.clone(),
        timezone: zone.name().to_owned(),
        local,
        abbreviation: abbreviation(zone, instant, None),
        utc_offset: utc_offset_text(*local.offset()),
        text: instant_text(&display, instant, lang),
    }
}

#[utoipa::path(get, path = "/api/v1/time/convert", tag = "time", params(ConvertQuery),
    responses((status = 200, body = Converted), (status = 422, body = crate::error::Problem)))]
pub async fn convert(ApiQuery(query): ApiQuery<ConvertQuery>) -> AppResult<Json<Converted>> {
    let lang = query.lang.unwrap_or(UiLanguage::En);
    let instant = match (query.at, query.from) {
        (TimeInput::Local(_), None) => {
            return Err(AppError::invalid(
                "from",
                "a local time needs the zone it was read in",
            ));
        }
        (at, Some(zone)) => at
            .resolve(zone)
            .map_err(|e| AppError::invalid("at", e.to_string()))?,
        (at @ TimeInput::Instant(_), None) => at
            .resolve(Zone::from(chrono_tz::UTC))
            .map_err(|e| AppError::invalid("at", e.to_string()))?,
    };
    if query.to.len() > 50 {
        return Err(AppError::invalid("to", "at most 50 zones at once"));
    }
    Ok(Json(Converted {
        instant,
        from: query.from.map(|zone| reading(zone, instant, lang)),
        to: query
            .to
            .iter()
            .map(|zone| reading(*zone, instant, lang))
            .collect(),
    }))
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SlotQuery {
    /// Participant zones (repeatable), optionally with their own window: `America/Toronto@07:00-19:00`.
    #[serde(default)]
    #[param(value_type = Vec<String>, example = "Europe/Istanbul")]
    pub tz: Vec<String>,
    /// Take the zones of this event's speakers too.
    pub event: Option<String>,
    /// First day, in the first zone.
    pub from: NaiveDate,
    /// Last day (default: `from`).
    pub to: Option<NaiveDate>,
    /// Minutes.
    pub duration: i64,
    /// Acceptable local hours for every zone without its own (default 08:00-20:00).
    pub window: Option<String>,
    /// Hours nobody minds (default 09:00-17:00); minutes outside lower the score.
    pub comfort: Option<String>,
    /// Minutes between candidate starts (default 15).
    pub step: Option<i64>,
    /// How many slots to return (default 10, at most 100).
    pub limit: Option<usize>,
    pub lang: Option<UiLanguage>,
}

#[derive(Serialize, ToSchema)]
pub struct SlotAnswer {
    pub duration_minutes: i64,
    pub zones: Vec<SlotZoneView>,
    pub slots: Vec<SlotView>,
    /// Why there is no slot, when there is none.
    pub reason: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct SlotZoneView {
    pub label: String,
    pub timezone: String,
    pub window: String,
}

#[derive(Serialize, ToSchema)]
pub struct SlotView {
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    /// 100: everyone inside comfortable hours; lower: someone is stretched.
    pub score: u32,
    pub times: Vec<SlotTime>,
}

#[derive(Serialize, ToSchema)]
pub struct SlotTime {
    pub label: String,
    pub timezone: String,
    pub local_start: DateTime<FixedOffset>,
    pub local_end: DateTime<FixedOffset>,
    pub minutes_outside_comfort: i64,
    pub text: String,
}

#[utoipa::path(get, path = "/api/v1/scheduling/slots", tag = "time", params(SlotQuery), security(("bearer" = [])),
    responses((status = 200, body = SlotAnswer), (status = 401, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn find_meeting_slots(
    State(state): State<HttpState>,
    _organiser: Organiser,
    ApiQuery(query): ApiQuery<SlotQuery>,
) -> AppResult<Json<SlotAnswer>> {
    let mut errors = FieldErrors::default();
    let default_window = errors.check(
        "window",
        DailyWindow::parse(query.window.as_deref().unwrap_or("08:00-20:00")),
    );
    let comfort = errors.check(
        "comfort",
        DailyWindow::parse(query.comfort.as_deref().unwrap_or("09:00-17:00")),
    );
    let to = query.to.unwrap_or(query.from);
    if to < query.from {
        errors.add("to", "must not be before from");
    } else if (to - query.from).num_days() > 31 {
        errors.add("to", "search at most 31 days at once");
    }
    if !(5..=24 * 60).contains(&query.duration) {
        errors.add("duration", "must be between 5 and 1440 minutes");
    }
    let step = query.step.unwrap_or(15);
    if ![5, 10, 15, 30, 60].contains(&step) {
        errors.add("step", "must be 5, 10, 15, 30 or 60 minutes");
    }
    let mut zones: Vec<SlotZone> = Vec::new();
    for (index, entry) in query.tz.iter().enumerate() {
        let (name, window) = match entry.split_once('@') {
            Some((name, window)) => (
                name,
                errors.check(&format!("tz[{index}]"), DailyWindow::parse(window)),
            ),
            None => (entry.as_str(), default_window),
        };
        if let (Some(zone), Some(window)) = (
            errors.check(&format!("tz[{index}]"), name.parse::<Zone>()),
            window,
        ) {
            zones.push(SlotZone {
                zone: DisplayZone::named(zone),
                window,
            });
        }
    }
    if let (Some(slug), Some(window)) = (&query.event, default_window) {
        let event = queries::event_by_slug(&state.db.conn, slug).await?;
        for speaker in queries::speakers_of_event(&state.db.conn, event.id).await? {
            let zone: Zone = speaker.timezone;
            match zones.iter_mut().find(|z| z.zone.timezone == zone) {
                Some(existing) => {
                    if let Some(city) = speaker
                        .city
                        .filter(|c| !existing.zone.label.contains(c.as_str()))
                    {
                        existing.zone.label = format!("{}, {city}", existing.zone.label);
                    }
                }
                None => zones.push(SlotZone {
                    zone: DisplayZone {
                        label: speaker.city.unwrap_or_else(|| zone.city_label()),
                        timezone: zone,
                        abbreviation: None,
                        print: None,
                    },
                    window,
                }),
            }
        }
    }
    if zones.is_empty() {
        errors.add(
            "tz",
            "name at least one zone (tz=Europe/Paris) or an event whose speakers to consider",
        );
    } else if zones.len() > 24 {
        errors.add("tz", "at most 24 zones at once");
    }
    errors.into_result()?;
    let comfort = comfort.unwrap_or(
        DailyWindow::parse("09:00-17:00").map_err(|e| AppError::Internal(anyhow::anyhow!(e)))?,
    );
    let lang = query.lang.unwrap_or(UiLanguage::En);
    let request = SlotRequest {
        zones,
        from: query.from,
        to,
        duration: Duration::minutes(query.duration),
        step: Duration::minutes(step),
        comfort,
    };
    let search = find_slots(&request, query.limit.unwrap_or(10).clamp(1, 100));

    let reason = search.slots.is_empty().then(|| {
        let windows: Vec<String> = request.zones.iter().map(|z| format!("{} {}", z.zone.label, z.window.text())).collect();
        format!(
            "no {}-minute slot between {} and {to} keeps every zone within its window ({}); the longest time all of them share is {} minutes",
            query.duration,
            query.from,
            windows.join(", "),
            search.longest_common_minutes
        )
    });
    let slots = search
        .slots
        .into_iter()
        .map(|slot| SlotView {
            starts_at: slot.starts_at,
            ends_at: slot.ends_at,
            score: slot.score,
            times: request
                .zones
                .iter()
                .zip(slot.fits)
                .map(|(zone, fit)| SlotTime {
                    label: zone.zone.label.clone(),
                    timezone: zone.zone.timezone.name().to_owned(),
                    text: crate::domain::format::zoned_times(
                        &zone.zone,
                        slot.starts_at,
                        slot.ends_at,
                        lang,
                    )
                    .text,
                    local_start: fit.local_start,
                    local_end: fit.local_end,
                    minutes_outside_comfort: fit.minutes_outside_comfort,
                })
                .collect(),
        })
        .collect();
    Ok(Json(SlotAnswer {
        duration_minutes: query.duration,
        zones: request
            .zones
            .iter()
            .map(|z| SlotZoneView {
                label: z.zone.label.clone(),
                timezone: z.zone.timezone.name().to_owned(),
                window: z.window.text(),
            })
            .collect(),
        slots,
        reason,
    }))
}
