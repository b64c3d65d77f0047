//! Accounts: the first administrator (made through the one-time setup link), sign-in tokens
//! for organisers (a bearer token for the API, the same token in the console's session cookie),
//! sign-out, password changes, and the accounts administrators create.

use crate::app::AppState;
use crate::domain::text::{Email, NewPassword, Title};
use crate::error::{AppError, AppResult};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewUser {
    pub email: Email,
    pub name: Title,
    /// At least 8 characters.
    #[schema(min_length = 8, max_length = 1000)]
    pub password: String,
    #[serde(default)]
    pub is_admin: bool,
}

#[derive(Serialize, ToSchema)]
pub struct UserView {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub is_admin: bool,
}

use chrono::{DateTime, Duration, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};

use crate::db::entities::{api_token, user};
use crate::security;
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Credentials {
    #[schema(example = "admin@convene.localhost")]
    pub email: String,
    pub password: String,
}

#[derive(Serialize, ToSchema)]
pub struct IssuedToken {
    pub token: String,
    pub expires_at: DateTime<Utc>,
}

/// Exchanges an organiser's email and password for a bearer token.
pub async fn issue_token(state: &AppState, credentials: Credentials) -> AppResult<IssuedToken> {
    let account = user::Entity::find()
        .filter(user::Column::Email.eq(credentials.email.trim().to_lowercase()))
        .one(&state.db.conn)
        .await?;
    // Verify against a throwaway hash when the account is unknown, so timing does not tell.
    let stored = account
        .as_ref()
        .map(|a| a.password_hash.clone())
        .unwrap_or_else(|| DUMMY_HASH.clone());
    let password = credentials.password;
    let valid = tokio::task::spawn_blocking(move || security::verify_password(&password, &stored))
        .await
        .map_err(|e| AppError::Internal(e.into()))?;
    let account = match account {
        Some(account) if valid => account,
        _ => return Err(AppError::Unauthorized("unknown email or wrong password")),
    };
    let token = security::new_token();
    let now = state.clock.now();
    let expires_at = now + Duration::hours(state.settings.token_ttl_hours);
    api_token::ActiveModel {
        user_id: Set(account.id),
        token_hash: Set(security::token_hash(&token)),
        expires_at: Set(expires_at),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&state.db.conn)
    .await?;
    Ok(IssuedToken { token, expires_at })
}

static DUMMY_HASH: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    security::hash_password("not anyone's password").unwrap_or_default()
});

/// Creates or updates an account; used at start-up for `CONVENE_ADMIN_*` and by the users API.
pub async fn upsert_account(
    state_db: &crate::db::Db,
    email: &str,
    name: &str,
    password: &str,
    is_admin: bool,
    now: DateTime<Utc>,
) -> anyhow::Result<user::Model> {
    let email = email.trim().to_lowercase();
    let password = password.to_owned();
    let hash = tokio::task::spawn_blocking(move || security::hash_password(&password)).await??;
    let txn = state_db.begin_write().await?;
    let existing = user::Entity::find()
        .filter(user::Column::Email.eq(&email))
        .one(&*txn)
        .await?;
    let saved = match existing {
        Some(found) => {
            let mut active: user::ActiveModel = found.into();
            active.password_hash = Set(hash);
            active.is_admin = Set(is_admin);
            active.update(&*txn).await?
        }
        None => {
            user::ActiveModel {
                email: Set(email),
                name: Set(name.to_owned()),
                password_hash: Set(hash),
                is_admin: Set(is_admin),
                created_at: Set(now),
                ..Default::default()
            }
            .insert(&*txn)
            .await?
        }
    };
    txn.commit().await?;
    Ok(saved)
}

/// An administrator creates an account.
pub async fn create_user(state: &AppState, input: NewUser) -> AppResult<UserView> {
    check_password("password", &input.password)?;
    let taken = user::Entity::find()
        .filter(user::Column::Email.eq(input.email.normalized()))
        .one(&state.db.conn)
        .await?;
    if taken.is_some() {
        return Err(AppError::conflict(
            "email",
            "an account with this email already exists",
        ));
    }
    let saved = upsert_account(
        &state.db,
        input.email.as_str(),
        &input.name.into_inner(),
        &input.password,
        input.is_admin,
        state.clock.now(),
    )
    .await?;
    Ok(UserView {
        id: saved.id,
        email: saved.email,
        name: saved.name,
        is_admin: saved.is_admin,
    })
}

/// The one-time setup link printed when the database holds no account: only its hash is kept,
/// in memory, and it is forgotten once the first administrator exists.
#[derive(Default)]
pub struct FirstRun {
    token_hash: std::sync::Mutex<Option<String>>,
}

impl FirstRun {
    /// A new token when no account exists yet (the plain token, to print once); `None` otherwise.
    pub async fn prepare(&self, db: &crate::db::Db) -> AppResult<Option<String>> {
        use sea_orm::PaginatorTrait;
        if user::Entity::find().count(&db.conn).await? > 0 {
            return Ok(None);
        }
        let token = security::new_token();
        *self.lock() = Some(security::token_hash(&token));
        Ok(Some(token))
    }

    /// Whether `token` is the setup token still waiting to be used.
    pub fn accepts(&self, token: &str) -> bool {
        self.lock().as_deref().is_some_and(|expected| {
            security::secret_matches(expected, &security::token_hash(token))
        })
    }

    fn forget(&self) {
        *self.lock() = None;
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<String>> {
        // A poisoned lock still holds a valid Option: a panic elsewhere cannot leave it half-set.
        self.token_hash.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FirstAdministrator {
    pub name: Title,
    pub email: Email,
    pub password: NewPassword,
}

/// Creates the first administrator through the setup link. Refused (410) once any account
/// exists or when the token is not the one printed at start, so the link works exactly once.
pub async fn create_first_administrator(
    state: &AppState,
    token: &str,
    input: FirstAdministrator,
) -> AppResult<UserView> {
    use sea_orm::PaginatorTrait;
    if !state.first_run.accepts(token) {
        return Err(AppError::Gone(
            "this setup link has been used or has expired; sign in at /admin/login",
        ));
    }
    let password = input.password.into_inner();
    let hash = tokio::task::spawn_blocking(move || security::hash_password(&password))
        .await
        .map_err(|e| AppError::Internal(e.into()))?
        .map_err(AppError::Internal)?;
    let txn = state.db.begin_write().await?;
    // Checked again inside the write transaction: two browsers racing on the link make one account.
    if user::Entity::find().count(&*txn).await? > 0 {
        state.first_run.forget();
        return Err(AppError::Gone(
            "an administrator already exists; sign in at /admin/login",
        ));
    }
    let saved = user::ActiveModel {
        email: Set(input.email.normalized()),
        name: Set(input.name.into_inner()),
        password_hash: Set(hash),
        is_admin: Set(true),
        created_at: Set(state.clock.now()),
        ..Default::default()
    }
    .insert(&*txn)
    .await?;
    txn.commit().await?;
    state.first_run.forget();
    Ok(UserView {
        id: saved.id,
        email: saved.email,
        name: saved.name,
        is_admin: saved.is_admin,
    })
}

fn check_password(field: &str, password: &str) -> AppResult<()> {
    if (8..=1000).contains(&password.chars().count()) {
        Ok(())
    } else {
        Err(AppError::invalid(
            field,
            "must be 8 to 1000 characters long",
        ))
    }
}

/// The account a sign-in token belongs to, while the token is valid.
pub enum TokenOwner {
    Valid(user::Model),
    Expired,
    Unknown,
}

pub async fn owner_of_token(state: &AppState, token: &str) -> AppResult<TokenOwner> {
    let found = api_token::Entity::find()
        .filter(api_token::Column::TokenHash.eq(security::token_hash(token)))
        .find_also_related(user::Entity)
        .one(&state.db.conn)
        .await?;
    Ok(match found {
        Some((token, Some(account))) if token.expires_at > state.clock.now() => {
            TokenOwner::Valid(account)
        }
        Some(_) => TokenOwner::Expired,
        None => TokenOwner::Unknown,
    })
}

/// Signing out: the token stops working at once, wherever it was copied.
pub async fn revoke_token(state: &AppState, token: &str) -> AppResult<()> {
    api_token::Entity::delete_many()
        .filter(api_token::Column::TokenHash.eq(security::token_hash(token)))
        .exec(&state.db.conn)
        .await?;
    Ok(())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PasswordChange {
    pub current_password: String,
    pub new_password: NewPassword,
}

/// Changes an account's password after checking the current one; every other sign-in of the
/// account is revoked, so a stolen session does not outlive the change.
pub async fn change_password(
    state: &AppState,
    user_id: i64,
    keep_token: Option<&str>,
    change: PasswordChange,
) -> AppResult<()> {
    let account = user::Entity::find_by_id(user_id)
        .one(&state.db.conn)
        .await?
        .ok_or(AppError::NotFound("account"))?;
    let stored = account.password_hash.clone();
    let current = change.current_password;
    let new_password = change.new_password.into_inner();
    let (valid, hash) = tokio::task::spawn_blocking(move || {
        let valid = security::verify_password(&current, &stored);
        (valid, valid.then(|| security::hash_password(&new_password)))
    })
    .await
    .map_err(|e| AppError::Internal(e.into()))?;
    if !valid {
        return Err(AppError::invalid(
            "current_password",
            "is not this account's password",
        ));
    }
    let hash = hash
        .transpose()
        .map_err(AppError::Internal)?
        .ok_or_else(|| {
            AppError::Internal(anyhow::anyhow!("no hash for a verified password change"))
        })?;
    let txn = state.db.begin_write().await?;
    let mut active: user::ActiveModel = account.into();
    active.password_hash = Set(hash);
    active.update(&*txn).await?;
    let mut others = api_token::Entity::delete_many().filter(api_token::Column::UserId.eq(user_id));
    if let Some(kept) = keep_token {
        others = others.filter(api_token::Column::TokenHash.ne(security::token_hash(kept)));
    }
    others.exec(&*txn).await?;
    txn.commit().await?;
    Ok(())
}

/// How long a co-organiser's link to set their password works.
const WELCOME_VALIDITY: Duration = Duration::days(7);

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewCoOrganiser {
    pub name: Title,
    pub email: Email,
}

/// What inviting a co-organiser did.
pub struct CoOrganiserInvited {
    pub email: String,
    /// A new account, whose owner sets their password through the emailed link; otherwise an
    /// existing account was only given the event.
    pub new_account: bool,
}

/// Makes someone an organiser of `event` and emails them: a new account gets a one-time link
/// to set its password (`/admin/welcome/{token}`, 7 days), an existing one a sign-in link. The
/// account, the organiser row and the email are written in one transaction.
pub async fn invite_co_organiser(
    state: &AppState,
    event: &crate::db::entities::event::Model,
    inviter: &user::Model,
    input: NewCoOrganiser,
) -> AppResult<CoOrganiserInvited> {
    use crate::db::entities::{account_link, event_organiser};
    let now = state.clock.now();
    let email = input.email.normalized();
    // Nobody will ever know this password: the account is unusable until its owner sets one.
    let placeholder = security::new_token();
    let hash = tokio::task::spawn_blocking(move || security::hash_password(&placeholder))
        .await
        .map_err(|e| AppError::Internal(e.into()))?
        .map_err(AppError::Internal)?;
    let txn = state.db.begin_write().await?;
    let existing = user::Entity::find()
        .filter(user::Column::Email.eq(&email))
        .one(&*txn)
        .await?;
    let (account, new_account) = match existing {
        Some(account) => (account, false),
        None => (
            user::ActiveModel {
                email: Set(email.clone()),
                name: Set(input.name.into_inner()),
                password_hash: Set(hash),
                is_admin: Set(false),
                created_at: Set(now),
                ..Default::default()
            }
            .insert(&*txn)
            .await?,
            true,
        ),
    };
    if event_organiser::Entity::find_by_id((event.id, account.id))
        .one(&*txn)
        .await?
        .is_none()
    {
        event_organiser::ActiveModel {
            event_id: Set(event.id),
            user_id: Set(account.id),
        }
        .insert(&*txn)
        .await?;
    }
    let base = &state.settings.public_url;
    let (link, key) = if new_account {
        let token = security::new_token();
        account_link::ActiveModel {
            user_id: Set(account.id),
            token_hash: Set(security::token_hash(&token)),
            expires_at: Set(now + WELCOME_VALIDITY),
            used_at: Set(None),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(&*txn)
        .await?;
        (format!("{base}/admin/welcome/{token}"), token)
    } else {
        (
            format!("{base}/admin/events/{}", event.slug),
            security::new_token(),
        )
    };
    let organiser = crate::app::notification::organiser_of(state, event);
    let to = crate::domain::calendar::Party {
        email: account.email.clone(),
        name: account.name.clone(),
    };
    let subject = format!(
        "You are invited to organise {} / Invitation à organiser {}",
        event.title, event.title
    );
    let text = format!(
        "{inviter} invites you to organise \"{title}\" with Convene.\r\n\
         {what_en}\r\n{link}\r\n\r\n\
         {inviter} vous invite à organiser « {title} » avec Convene.\r\n\
         {what_fr}\r\n{link}\r\n",
        inviter = inviter.name,
        title = event.title,
        what_en = if new_account {
            "Choose your password here (the link works once, for 7 days):"
        } else {
            "Sign in with your usual account to see it:"
        },
        what_fr = if new_account {
            "Choisissez votre mot de passe ici (le lien sert une fois, pendant 7 jours) :"
        } else {
            "Connectez-vous avec votre compte habituel pour le voir :"
        },
    );
    let composed = crate::mail::compose::plain_email(&organiser, &to, &subject, text)
        .map_err(AppError::Internal)?;
    crate::mail::outbox::enqueue(
        &*txn,
        crate::mail::outbox::NewMail {
            // The token's hash keys the email: a second invitation is a second email.
            dedup_key: format!("co-organiser-{}-{}", event.id, security::token_hash(&key)),
            event_id: Some(event.id),
            kind: "notice",
            sender: organiser.email.clone(),
            recipient: account.email.clone(),
            subject: composed.subject,
            message: composed.message,
        },
        now,
    )
    .await?;
    txn.commit().await?;
    state.mail_queued();
    Ok(CoOrganiserInvited {
        email: account.email,
        new_account,
    })
}

/// Whether `token` is a co-organiser's unused, unexpired link; the account's name if so.
pub async fn welcome_link(state: &AppState, token: &str) -> AppResult<user::Model> {
    use crate::db::entities::account_link;
    let link = account_link::Entity::find()
        .filter(account_link::Column::TokenHash.eq(security::token_hash(token)))
        .one(&state.db.conn)
        .await?
        .filter(|l| l.used_at.is_none() && l.expires_at > state.clock.now())
        .ok_or(AppError::Gone(
            "this link has been used or has expired; ask the organiser who invited you for a new one",
        ))?;
    user::Entity::find_by_id(link.user_id)
        .one(&state.db.conn)
        .await?
        .ok_or(AppError::Gone("this account no longer exists"))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WelcomePassword {
    pub password: NewPassword,
}

/// The co-organiser sets their password through their link, which is then spent.
pub async fn accept_welcome(
    state: &AppState,
    token: &str,
    password: NewPassword,
) -> AppResult<user::Model> {
    use crate::db::entities::account_link;
    let account = welcome_link(state, token).await?;
    let password = password.into_inner();
    let hash = tokio::task::spawn_blocking(move || security::hash_password(&password))
        .await
        .map_err(|e| AppError::Internal(e.into()))?
        .map_err(AppError::Internal)?;
    let now = state.clock.now();
    let txn = state.db.begin_write().await?;
    // Spent inside the transaction: two submissions racing on one link set one password.
    let spent = account_link::Entity::update_many()
        .col_expr(
            account_link::Column::UsedAt,
            sea_orm::sea_query::Expr::value(Some(now)),
        )
        .filter(account_link::Column::TokenHash.eq(security::token_hash(token)))
        .filter(account_link::Column::UsedAt.is_null())
        .exec(&*txn)
        .await?;
    if spent.rows_affected != 1 {
        return Err(AppError::Gone("this link has been used"));
    }
    let mut active: user::ActiveModel = account.clone().into();
    active.password_hash = Set(hash);
    let saved = active.update(&*txn).await?;
    txn.commit().await?;
    Ok(saved)
}
