//! Signing in through the OpenID Connect provider: starting a sign-in, and finishing one
//! (the provider's answer checked by `sso::provider`): the role from the group claim, the
//! account found by the provider's subject or created at the first sign-in, the session
//! started as a local sign-in's is, every outcome audited.
//!
//! Logs name the account at most, never the provider's claims.

use crate::domain::{DisplayName, UserName};
use crate::error::WebError;
use crate::service::audit;
use crate::service::session::{random_token, sha256_hex};
use crate::sso::account_name;
use crate::sso::provider::{Provider, SsoError};
use crate::state::AppState;
use hearth_model::Role;
use hearth_store::{ExternalOutcome, ExternalSignIn, SessionRecord};

/// What finishing a single sign-on came to.
pub(crate) enum SsoSignIn {
    /// Signed in: the session cookie's token and the role.
    Started { token: String, role: Role },
    /// The provider vouched for the person, but none of their groups has a Hearth role.
    NoRole,
    /// The person's Hearth account has been switched off.
    Inactive,
    /// A first sign-in whose account name is another account's.
    NameTaken(String),
    /// The callback could not be used (unknown, replayed, expired, wrong state, the
    /// provider's error or unreachable provider): the sign-in must start again.
    Failed,
}

/// The provider, or 404 when single sign-on is off.
pub(crate) fn provider(state: &AppState) -> Result<&Provider, WebError> {
    state.sso().ok_or(WebError::NotFound)
}

/// Starts a sign-in: where to send the browser, and the key it must bring back. `None` when
/// the provider cannot be reached (logged).
pub(crate) async fn begin(state: &AppState) -> Result<Option<(String, String)>, WebError> {
    match provider(state)?.begin(state.now()).await {
        Ok(started) => Ok(Some(started)),
        Err(e) => {
            tracing::warn!(error = %e, "single sign-on could not start");
            Ok(None)
        }
    }
}

/// The provider's error for the sign-in started under `key` (e.g. the person cancelled):
/// the sign-in is forgotten, and the failure audited.
pub(crate) async fn provider_error(
    state: &AppState,
    key: Option<&str>,
    error: &str,
    client_ip: &str,
) -> Result<(), WebError> {
    let p = provider(state)?;
    if let Some(key) = key {
        p.abandon(key);
    }
    let error: String = error
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
        .take(40)
        .collect();
    tracing::info!(error = %error, "single sign-on: the provider answered with an error");
    audit::record_anonymous_failure(state, "-", client_ip, "single sign-on failed").await
}

/// Finishes the sign-in started under `key` with the provider's `code` and `state`.
pub(crate) async fn finish(
    state: &AppState,
    key: Option<&str>,
    returned_state: &str,
    code: &str,
    client_ip: &str,
) -> Result<SsoSignIn, WebError> {
    let p = provider(state)?;
    let now = state.now();
    let verified = match key {
        None => Err(SsoError::UnknownAttempt),
        Some(key) => p.finish(key, returned_state, code, now).await,
    };
    let verified = match verified {
        Ok(v) => v,
        Err(e) => {
            tracing::warn!(error = %e, "single sign-on failed");
            audit::record_anonymous_failure(state, "-", client_ip, "single sign-on failed").await?;
            return Ok(SsoSignIn::Failed);
        }
    };
    let name = account_name(verified.preferred_username.as_deref(), &verified.subject);
    let name = UserName::parse(&name)
        .map(|n| n.as_str().to_string())
        .unwrap_or_else(|_| account_name(None, &verified.subject));
    let Some(role) = p.config().roles.role_for(&verified.groups) else {
        tracing::info!("single sign-on refused: no group with a Hearth role");
        audit::record_anonymous_failure(
            state,
            &name,
            client_ip,
            "single sign-on refused: no group with a Hearth role",
        )
        .await?;
        return Ok(SsoSignIn::NoRole);
    };
    let display_name = verified
        .name
        .as_deref()
        .and_then(|n| DisplayName::parse(n).ok())
        .map(|n| n.as_str().to_string())
        .unwrap_or_else(|| name.clone());
    let token = random_token();
    let sign_in = ExternalSignIn {
        issuer: verified.issuer,
        subject: verified.subject,
        user_name: name.clone(),
        display_name,
        role,
        session: SessionRecord {
            token_sha256: sha256_hex(&token),
            user_id: 0,
            csrf_token: random_token(),
            created_at: now,
            last_seen_at: now,
        },
    };
    let outcome = state
        .store()
        .run(move |s| s.external_sign_in(&sign_in, now))
        .await?;
    match outcome {
        ExternalOutcome::Started {
            user,
            created,
            previous_role,
        } => {
            if created {
                audit::record_for_account(
                    state,
                    &user,
                    client_ip,
                    "account created by single sign-on",
                    format!("role: {}", role.label()),
                )
                .await?;
            }
            if let Some(before) = previous_role {
                audit::record_for_account(
                    state,
                    &user,
                    client_ip,
                    "role changed by single sign-on",
                    format!("from {} to {}", before.label(), role.label()),
                )
                .await?;
            }
            if created || previous_role.is_some() {
                state.caches().cases_changed();
            }
            audit::record_anonymous(
                state,
                &user.user_name,
                client_ip,
                "sign in (single sign-on)",
                ("user", user.id.to_string()),
            )
            .await?;
            tracing::info!(user = %user.user_name, created, "signed in through single sign-on");
            Ok(SsoSignIn::Started { token, role })
        }
        ExternalOutcome::Inactive(user) => {
            audit::record_anonymous_failure(
                state,
                &user.user_name,
                client_ip,
                "single sign-on refused: account switched off",
            )
            .await?;
            Ok(SsoSignIn::Inactive)
        }
        ExternalOutcome::NameTaken => {
            tracing::warn!(user = %name, "single sign-on refused: the account name is taken");
            audit::record_anonymous_failure(
                state,
                &name,
                client_ip,
                "single sign-on refused: account name taken",
            )
            .await?;
            Ok(SsoSignIn::NameTaken(name))
        }
    }
}
