//! `GET /events/{slug}`: the published programme, in the event's zones and the reader's own.

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum_extra::extract::CookieJar;
use minijinja::context;
use serde::Serialize;

use super::{Viewer, ViewerQuery, ZONE_NAMES, page, render, words};
use crate::app::programme::{ProgrammeSession, build_programme};
use crate::db::columns::stored_json;
use crate::db::queries;
use crate::domain::format::{day_label, zoned_times};
use crate::domain::zone::DisplayZone;
use crate::error::AppResult;
use crate::http::HttpState;
use crate::http::extract::{ApiPath, ApiQuery};

#[derive(Serialize)]
struct PageDay {
    label: String,
    sessions: Vec<PageSession>,
}

#[derive(Serialize)]
struct PageSession {
    session: ProgrammeSession,
    /// The session in the reader's zone, when they have one.
    viewer_time: Option<String>,
}

pub async fn programme_page(
    State(state): State<HttpState>,
    ApiPath(slug): ApiPath<String>,
    ApiQuery(query): ApiQuery<ViewerQuery>,
    jar: CookieJar,
) -> AppResult<Response> {
    let event = queries::event_by_slug(&state.db.conn, &slug).await?;
    let (viewer, jar) = Viewer::resolve(&query, jar, &event.default_language);
    let lang = viewer.lang;
    let programme = build_programme(&state, &slug, &[], Some(lang)).await?;
    let own = viewer.zone.map(DisplayZone::named);
    let days: Vec<PageDay> = programme
        .days
        .into_iter()
        .map(|day| PageDay {
            label: day.label,
            sessions: day
                .sessions
                .into_iter()
                .map(|session| PageSession {
                    viewer_time: own.as_ref().map(|zone| {
                        zoned_times(zone, session.starts_at, session.ends_at, lang).text
                    }),
                    session,
                })
                .collect(),
        })
        .collect();
    let questions: Vec<String> = stored_json(&event.questions, "events.questions")?;
    let documents: serde_json::Value = event.documents.clone();
    let feed_path = format!("/api/v1/events/{slug}/calendar.ics");
    let public = &state.settings.public_url;
    let webcal_url = format!(
        "webcal://{}{feed_path}",
        public
            .trim_start_matches("https://")
            .trim_start_matches("http://")
    );
    let html = render(
        "programme.html",
        context! {
            lang => lang.code(), t => words(lang), languages => viewer.language_links(&format!("/events/{slug}")),
            event_title => &event.title, slug => &slug, description => &event.description,
            dates => format!("{} – {}", day_label(event.starts_on, lang), day_label(event.ends_on, lang)),
            venue => &event.venue, questions => questions, documents => documents,
            chosen => if viewer.chosen { "true" } else { "false" },
            viewer_zone => viewer.zone.map(|z| z.name()).unwrap_or_default(),
            zone_names => &*ZONE_NAMES, days => days,
            feed_url => feed_path, webcal_url => webcal_url,
        },
    )?;
    Ok((jar, page(html)).into_response())
}
