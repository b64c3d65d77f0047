//! Getting in and out: the first-run setup link, sign-in, sign-out and the password change.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use axum_csrf::CsrfToken;
use axum_extra::extract::cookie::CookieJar;
use minijinja::context;

use super::{
    Form, Frame, Problems, SignedIn, as_api_input, console_language, done, ended_session_cookie,
    query_value, render_page, session_cookie, with_cookies, word,
};
use crate::app::accounts::{
    Credentials, FirstAdministrator, PasswordChange, change_password, create_first_administrator,
    issue_token, revoke_token,
};
use crate::domain::text::UiLanguage;
use crate::error::{AppError, AppResult};
use crate::http::HttpState;
use crate::http::extract::{ApiPath, ClientAddress};

/// Where to go after signing in: only a console path of ours, never another site.
fn safe_next(next: &str) -> &str {
    let ours = next.starts_with("/admin") && !next.starts_with("//") && !next.contains('\\');
    if ours { next } else { "/admin" }
}

fn anonymous_frame<'a>(lang: UiLanguage, path: &'a str, csrf: &'a CsrfToken) -> Frame<'a> {
    Frame {
        lang,
        path,
        user: None,
        event: None,
        section: "",
        csrf,
    }
}

fn language_cookie(cookie: Option<axum_extra::extract::cookie::Cookie<'static>>) -> CookieJar {
    match cookie {
        Some(cookie) => CookieJar::new().add(cookie),
        None => CookieJar::new(),
    }
}

pub async fn setup_page(
    State(state): State<HttpState>,
    ApiPath(token): ApiPath<String>,
    uri: Uri,
    headers: HeaderMap,
    csrf: CsrfToken,
) -> AppResult<Response> {
    if !state.first_run.accepts(&token) {
        return Err(AppError::Gone(
            "this setup link has been used or has expired; sign in at /admin/login",
        ));
    }
    let (lang, chosen) = console_language(uri.query(), &headers, None);
    let path = format!("/admin/setup/{token}");
    let response = render_page(
        "console/setup.html",
        anonymous_frame(lang, &path, &csrf),
        &Problems::default(),
        None,
        context! { form => context! {}, action => &path },
    )?;
    Ok((language_cookie(chosen), csrf, response).into_response())
}

pub async fn setup_form(
    State(state): State<HttpState>,
    ApiPath(token): ApiPath<String>,
    headers: HeaderMap,
    csrf: CsrfToken,
    body: Bytes,
) -> AppResult<Response> {
    let form = Form::read(&body)?;
    let (lang, _) = console_language(None, &headers, None);
    let path = format!("/admin/setup/{token}");
    let outcome = if !form.csrf_ok(&csrf) {
        Err(Ok(Problems::stale_form(lang)))
    } else {
        let input = as_api_input::<FirstAdministrator>(serde_json::json!({
            "name": form.get("name"), "email": form.get("email"), "password": form.get("password"),
        }));
        match input {
            Ok(input) => create_first_administrator(&state, &token, input)
                .await
                .map_err(Problems::of),
            Err(error) => Err(Problems::of(error)),
        }
    };
    match outcome {
        Ok(account) => {
            let mut query = form_urlencoded::Serializer::new(String::new());
            query.append_pair("email", &account.email);
            query.append_pair("done", "setup_done");
            Ok(Redirect::to(&format!("/admin/login?{}", query.finish())).into_response())
        }
        Err(problems) => {
            let problems = problems?;
            let response = render_page(
                "console/setup.html",
                anonymous_frame(lang, &path, &csrf),
                &problems,
                None,
                context! { form => form.shown(), action => &path },
            )?;
            Ok((csrf, response).into_response())
        }
    }
}

pub async fn login_page(uri: Uri, headers: HeaderMap, csrf: CsrfToken) -> AppResult<Response> {
    let (lang, chosen) = console_language(uri.query(), &headers, None);
    let next = query_value(&uri, "next").unwrap_or_default();
    let email = query_value(&uri, "email").unwrap_or_default();
    let done_key = query_value(&uri, "done");
    let response = render_page(
        "console/login.html",
        anonymous_frame(lang, "/admin/login", &csrf),
        &Problems::default(),
        done_key.as_deref(),
        context! { form => context! { email => email }, next => safe_next(&next) },
    )?;
    Ok((language_cookie(chosen), csrf, response).into_response())
}

/// Signs in with the API's use case and its rate limit; the token goes into the session cookie.
pub async fn login_form(
    State(state): State<HttpState>,
    ClientAddress(client): ClientAddress,
    headers: HeaderMap,
    csrf: CsrfToken,
    body: Bytes,
) -> AppResult<Response> {
    let form = Form::read(&body)?;
    let (lang, _) = console_language(None, &headers, None);
    let next = safe_next(form.get("next")).to_owned();
    let refused = |problems: Problems| -> AppResult<Response> {
        let response = render_page(
            "console/login.html",
            anonymous_frame(lang, "/admin/login", &csrf),
            &problems,
            None,
            context! { form => context! { email => form.get("email") }, next => &next },
        )?;
        Ok((csrf.clone(), response).into_response())
    };
    if !form.csrf_ok(&csrf) {
        return refused(Problems::stale_form(lang));
    }
    // Past the limit this is the 429 page, like the API's 429.
    state.limit_sign_in(client, form.get("email"))?;
    let credentials = Credentials {
        email: form.get("email").to_owned(),
        password: form.get("password").to_owned(),
    };
    match issue_token(&state, credentials).await {
        Ok(issued) => {
            let jar = CookieJar::new().add(session_cookie(issued.token, &state.settings));
            Ok((jar, Redirect::to(&next)).into_response())
        }
        Err(AppError::Unauthorized(_)) => refused(Problems::notice(word(lang, "login_failed"))),
        Err(other) => Err(other),
    }
}

/// Signs out: the token is revoked, so the cookie is worthless even if it was copied.
pub async fn logout_form(
    State(state): State<HttpState>,
    jar: CookieJar,
    csrf: CsrfToken,
    body: Bytes,
) -> AppResult<Response> {
    let form = Form::read(&body)?;
    if !form.csrf_ok(&csrf) {
        return Err(AppError::Forbidden(
            "the form had expired; go back, reload the page and sign out again",
        ));
    }
    if let Some(token) = jar.get(super::SESSION_COOKIE) {
        revoke_token(&state, token.value()).await?;
    }
    let jar = jar
        .add(ended_session_cookie())
        .remove(ended_session_cookie());
    Ok((jar, Redirect::to("/admin/login?done=signed_out")).into_response())
}

pub async fn password_page(user: SignedIn, uri: Uri, csrf: CsrfToken) -> AppResult<Response> {
    let done_key = query_value(&uri, "done");
    let response = render_page(
        "console/password.html",
        Frame {
            lang: user.lang,
            path: "/admin/password",
            user: Some(&user),
            event: None,
            section: "password",
            csrf: &csrf,
        },
        &Problems::default(),
        done_key.as_deref(),
        context! {},
    )?;
    Ok(with_cookies(Some(&user), csrf, response))
}

pub async fn password_form(
    State(state): State<HttpState>,
    user: SignedIn,
    csrf: CsrfToken,
    body: Bytes,
) -> AppResult<Response> {
    let form = Form::read(&body)?;
    let problems = if !form.csrf_ok(&csrf) {
        Problems::stale_form(user.lang)
    } else {
        let changed = match as_api_input::<PasswordChange>(serde_json::json!({
            "current_password": form.get("current_password"), "new_password": form.get("new_password"),
        })) {
            Ok(change) => change_password(&state, user.account.id, Some(&user.token), change).await,
            Err(error) => Err(error),
        };
        match changed {
            Ok(()) => return Ok(done("/admin/password", "password_changed")),
            Err(error) => Problems::of(error)?,
        }
    };
    let response = render_page(
        "console/password.html",
        Frame {
            lang: user.lang,
            path: "/admin/password",
            user: Some(&user),
            event: None,
            section: "password",
            csrf: &csrf,
        },
        &problems,
        None,
        context! {},
    )?;
    Ok(with_cookies(Some(&user), csrf, response))
}

/// A co-organiser's emailed link: they choose their password, then sign in.
pub async fn welcome_page(
    State(state): State<HttpState>,
    ApiPath(token): ApiPath<String>,
    uri: Uri,
    headers: HeaderMap,
    csrf: CsrfToken,
) -> AppResult<Response> {
    let account = crate::app::accounts::welcome_link(&state, &token).await?;
    let (lang, chosen) = console_language(uri.query(), &headers, None);
    let path = format!("/admin/welcome/{token}");
    let response = render_page(
        "console/welcome.html",
        anonymous_frame(lang, &path, &csrf),
        &Problems::default(),
        None,
        context! { name => &account.name, email => &account.email, action => &path },
    )?;
    Ok((language_cookie(chosen), csrf, response).into_response())
}

pub async fn welcome_form(
    State(state): State<HttpState>,
    ApiPath(token): ApiPath<String>,
    headers: HeaderMap,
    csrf: CsrfToken,
    body: Bytes,
) -> AppResult<Response> {
    let form = Form::read(&body)?;
    let (lang, _) = console_language(None, &headers, None);
    let account = crate::app::accounts::welcome_link(&state, &token).await?;
    let path = format!("/admin/welcome/{token}");
    let problems = if !form.csrf_ok(&csrf) {
        Problems::stale_form(lang)
    } else {
        let set = match as_api_input::<crate::app::accounts::WelcomePassword>(serde_json::json!({
            "password": form.get("password"),
        })) {
            Ok(input) => crate::app::accounts::accept_welcome(&state, &token, input.password).await,
            Err(error) => Err(error),
        };
        match set {
            Ok(account) => {
                let mut query = form_urlencoded::Serializer::new(String::new());
                query.append_pair("email", &account.email);
                query.append_pair("done", "password_set");
                return Ok(
                    Redirect::to(&format!("/admin/login?{}", query.finish())).into_response()
                );
            }
            Err(error) => Problems::of(error)?,
        }
    };
    let response = render_page(
        "console/welcome.html",
        anonymous_frame(lang, &path, &csrf),
        &problems,
        None,
        context! { name => &account.name, email => &account.email, action => &path },
    )?;
    Ok((csrf, response).into_response())
}
