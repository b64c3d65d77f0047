//! Schedule files in the console: upload a frab `schedule.xml` or `schedule.json`, see the dry
//! run (what would be created or changed, or every problem with its line) before anything is
//! written, then import; and the exports to download. The upload waits between the two steps
//! in `HttpState::pending_imports`, under a random key only this organiser's next form knows.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Multipart, State};
use axum::response::Response;
use axum_csrf::CsrfToken;
use minijinja::context;

use super::done_key;
use super::{EventConsole, Form, Frame, Problems, render_page, with_cookies};
use crate::app::exchange::{ImportReport, import_schedule, read_schedule};
use crate::error::{AppError, AppResult};
use crate::http::HttpState;
use crate::http::state::PendingImport;

fn files_page_view(
    console: &EventConsole,
    csrf: &CsrfToken,
    problems: &Problems,
    done: Option<&str>,
    report: Option<&ImportReport>,
    pending: Option<(&str, &str)>,
) -> AppResult<Response> {
    let event = &console.event;
    let path = format!("/admin/events/{}/files", event.slug);
    render_page(
        "console/files.html",
        Frame {
            lang: console.user.lang,
            path: &path,
            user: Some(&console.user),
            event: Some(event),
            section: "files",
            csrf,
        },
        problems,
        done,
        context! {
            action => &path, report => report,
            pending => pending.map(|(key, name)| context! { key, name }),
            xml => format!("/api/v1/events/{}/schedule.xml", event.slug),
            json => format!("/api/v1/events/{}/schedule.json", event.slug),
        },
    )
}

pub async fn files_page(
    console: EventConsole,
    uri: axum::http::Uri,
    csrf: CsrfToken,
) -> AppResult<Response> {
    let response = files_page_view(
        &console,
        &csrf,
        &Problems::default(),
        done_key(&uri).as_deref(),
        None,
        None,
    )?;
    Ok(with_cookies(Some(&console.user), csrf, response))
}

/// The file's media type: what the browser said, else its name's ending.
fn media_type(declared: Option<&str>, name: &str) -> String {
    match declared {
        Some(kind) if kind.contains("xml") || kind.contains("json") => kind.to_owned(),
        _ if name.to_lowercase().ends_with(".xml") => "application/xml".into(),
        _ if name.to_lowercase().ends_with(".json") => "application/json".into(),
        _ => declared.unwrap_or_default().to_owned(),
    }
}

/// Reads the upload form: its CSRF token and the file.
async fn read_upload(
    mut multipart: Multipart,
) -> AppResult<(String, Option<(String, String, Bytes)>)> {
    let mut token = String::new();
    let mut file = None;
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|e| AppError::BadRequest(format!("unreadable upload: {e}")))?
    {
        match field.name() {
            Some("authenticity_token") => {
                token = field
                    .text()
                    .await
                    .map_err(|e| AppError::BadRequest(format!("unreadable upload: {e}")))?;
            }
            Some("schedule") => {
                let name = field.file_name().unwrap_or("schedule").to_owned();
                let kind = media_type(field.content_type(), &name);
                let bytes = field.bytes().await.map_err(|e| {
                    AppError::PayloadTooLarge(format!("the file could not be read whole: {e}"))
                })?;
                if !bytes.is_empty() {
                    file = Some((name, kind, bytes));
                }
            }
            _ => {}
        }
    }
    Ok((token, file))
}

/// The dry run: nothing is written; the file waits for the organiser's confirmation.
pub async fn upload_form(
    State(state): State<HttpState>,
    console: EventConsole,
    csrf: CsrfToken,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> AppResult<Response> {
    let multipart = multipart.map_err(|e| {
        AppError::BadRequest(format!(
            "send the file as a multipart/form-data upload: {}",
            e.body_text()
        ))
    })?;
    let (token, file) = read_upload(multipart).await?;
    let lang = console.user.lang;
    if csrf.verify(&token).is_err() {
        let response = files_page_view(
            &console,
            &csrf,
            &Problems::stale_form(lang),
            None,
            None,
            None,
        )?;
        return Ok(with_cookies(Some(&console.user), csrf, response));
    }
    let Some((name, kind, bytes)) = file else {
        let problems = Problems::of(AppError::invalid(
            "schedule",
            match lang {
                crate::domain::text::UiLanguage::Fr => {
                    "choisissez un fichier schedule.xml ou schedule.json"
                }
                crate::domain::text::UiLanguage::En => {
                    "choose a schedule.xml or schedule.json file"
                }
            },
        ))?;
        let response = files_page_view(&console, &csrf, &problems, None, None, None)?;
        return Ok(with_cookies(Some(&console.user), csrf, response));
    };
    let tried = async {
        let schedule = read_schedule(&kind, bytes.clone(), console.event.timezone).await?;
        import_schedule(&state, &console.event, schedule, true, &|_, _| {}).await
    }
    .await;
    let response = match tried {
        Ok(report) => {
            let key = crate::security::new_token();
            state
                .pending_imports
                .insert(
                    key.clone(),
                    Arc::new(PendingImport {
                        event_id: console.event.id,
                        user_id: console.user.account.id,
                        file_name: name.clone(),
                        content_type: kind,
                        bytes,
                    }),
                )
                .await;
            files_page_view(
                &console,
                &csrf,
                &Problems::default(),
                None,
                Some(&report),
                Some((&key, &name)),
            )?
        }
        Err(error) => {
            let problems = Problems::of(match error {
                AppError::UnsupportedMediaType(reason) => AppError::invalid("schedule", reason),
                other => other,
            })?;
            files_page_view(&console, &csrf, &problems, None, None, None)?
        }
    };
    Ok(with_cookies(Some(&console.user), csrf, response))
}

/// The import itself, of the file the dry run read.
pub async fn import_form(
    State(state): State<HttpState>,
    console: EventConsole,
    csrf: CsrfToken,
    body: Bytes,
) -> AppResult<Response> {
    let form = Form::read(&body)?;
    if !form.csrf_ok(&csrf) {
        let response = files_page_view(
            &console,
            &csrf,
            &Problems::stale_form(console.user.lang),
            None,
            None,
            None,
        )?;
        return Ok(with_cookies(Some(&console.user), csrf, response));
    }
    let key = form.get("upload").to_owned();
    let pending = state
        .pending_imports
        .get(&key)
        .await
        .filter(|p| p.event_id == console.event.id && p.user_id == console.user.account.id)
        .ok_or(AppError::Gone(
            "this upload is no longer kept (half an hour, or the server restarted); upload the file again",
        ))?;
    let schedule = read_schedule(
        &pending.content_type,
        pending.bytes.clone(),
        console.event.timezone,
    )
    .await?;
    let report = import_schedule(&state, &console.event, schedule, false, &|_, _| {}).await?;
    state.pending_imports.invalidate(&key).await;
    let response = files_page_view(
        &console,
        &csrf,
        &Problems::default(),
        Some("imported"),
        Some(&report),
        None,
    )?;
    Ok(with_cookies(Some(&console.user), csrf, response))
}
