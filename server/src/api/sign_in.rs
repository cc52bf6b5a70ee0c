//! Accounts behind outside sign-in: finding the user a provider's account is linked to,
//! making a new one on a first sign-in (a unique username, the nickname and picture from the
//! profile), linking and unlinking. The browser's round trip is `http::sign_in`.

use shared::AppError;
use shared::ids::UserId;
use shared::model::{Registration, SignInMethods};
use shared::{rights, validate};

use super::Api;
use crate::db::Failure;
use crate::repo::{identities, rbac, users};
use crate::sign_in::Profile;
use crate::time::now_ms;

/// Longest provider subject stored (GitHub's are numbers; OIDC allows 255 characters).
pub const SUBJECT_MAX: usize = 255;
/// Longest login kept from a profile.
const LOGIN_MAX: usize = 100;
/// Usernames tried (`name`, `name-2`, …) before a random suffix is used.
const NAME_TRIES: u32 = 20;

/// A username made from a provider's handle: lower-case, characters outside `a-z0-9_.-`
/// replaced by `-`, starting with a letter or digit, 3–24 characters (room for a suffix) (`<provider>-user` when
/// nothing usable is left).
pub fn username_base(login: &str, provider: &str) -> String {
    let mapped: String = login
        .trim()
        .to_ascii_lowercase()
        .chars()
        .map(|c| {
            if c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '_' | '.' | '-') {
                c
            } else {
                '-'
            }
        })
        .collect();
    let trimmed: String = mapped
        .trim_start_matches(|c: char| !c.is_ascii_alphanumeric())
        .chars()
        .take(validate::USERNAME_MAX - 8)
        .collect();
    let trimmed = trimmed.trim_end_matches('-').to_owned();
    if trimmed.len() >= validate::USERNAME_MIN {
        trimmed
    } else if trimmed.is_empty() {
        format!("{provider}-user")
    } else {
        format!("{trimmed}-{provider}")
    }
}

/// The profile with its fields bounded; `None` when it names no account.
pub fn bounded(profile: Profile) -> Option<Profile> {
    if profile.subject.is_empty() || profile.subject.len() > SUBJECT_MAX {
        return None;
    }
    let login: String = profile.login.trim().chars().take(LOGIN_MAX).collect();
    Some(Profile {
        login: if login.is_empty() {
            profile.subject.clone()
        } else {
            login
        },
        name: profile
            .name
            .map(|n| n.trim().chars().take(validate::NICKNAME_MAX).collect()),
        avatar_url: profile.avatar_url.filter(|u| u.len() <= 2048),
        subject: profile.subject,
    })
}

impl Api {
    /// The user `profile` at `provider` signs in as: the one it is linked to (if they may log
    /// in), else a new account while registration is open.
    pub(crate) async fn sign_in_with(
        &self,
        caller: &shared::api::Caller,
        provider: &str,
        profile: &Profile,
    ) -> Result<UserId, AppError> {
        let db = &self.state.db;
        let found = crate::db_conn!(db, |conn| identities::find_user(
            conn,
            provider,
            &profile.subject
        )
        .await)?;
        if let Some(user) = found {
            let (_, rights) = rbac::roles_and_rights(db, user).await?;
            if !rights.iter().any(|r| r == rights::LOGIN) {
                return Err(AppError::AccountDisabled);
            }
            return Ok(user);
        }
        match self.registration().await? {
            Registration::Open => self.state.limits.check_signup(caller.ip)?,
            Registration::Invite => return Err(AppError::InviteRequired),
            Registration::Closed => return Err(AppError::RegistrationClosed),
        }
        let user = self.do_create_from_profile(provider, profile).await?;
        if let Some(url) = &profile.avatar_url {
            self.import_picture(user, url).await;
        }
        Ok(user)
    }

    /// A free username for `base`: itself, `base-2` … `base-20`, else with a random suffix.
    async fn free_username(&self, base: &str) -> Result<String, AppError> {
        for n in 1..=NAME_TRIES {
            let name = if n == 1 {
                base.to_owned()
            } else {
                format!("{base}-{n}")
            };
            if users::id_by_username(&self.state.db, &name)
                .await?
                .is_none()
            {
                return Ok(name);
            }
        }
        Ok(format!("{base}-{:06x}", rand::random::<u32>() & 0xff_ffff))
    }

    /// Creates the account and its link in one unit of work. A username taken in between
    /// (another sign-up raced it) is tried again with a random suffix.
    async fn do_create_from_profile(
        &self,
        provider: &str,
        profile: &Profile,
    ) -> Result<UserId, AppError> {
        let base = username_base(&profile.login, provider);
        let nickname = profile
            .name
            .as_deref()
            .and_then(|n| validate::nickname(n).ok())
            .or_else(|| validate::nickname(&profile.login).ok());
        let role = self.default_role().await?;
        let mut username = self.free_username(&base).await?;
        for attempt in 0..2 {
            let nickname = nickname.clone().unwrap_or_else(|| username.clone());
            let now = now_ms();
            let made = crate::db_transaction!(&self.state.db, |tx| {
                let user =
                    users::create_from_in(tx, &username, "", &nickname, provider, &role, now)
                        .await
                        .map_err(|e| e.unique_as(AppError::UsernameTaken))?;
                identities::link(tx, user, provider, &profile.subject, &profile.login, now)
                    .await
                    .map_err(|e| e.unique_as(AppError::IdentityTaken))?;
                Ok::<_, Failure>(user)
            });
            match made {
                Ok(user) => {
                    tracing::info!(user = %user, %username, provider, "signed up with a provider");
                    return Ok(user);
                }
                Err(Failure::Refused(AppError::UsernameTaken)) if attempt == 0 => {
                    username = format!("{base}-{:06x}", rand::random::<u32>() & 0xff_ffff);
                }
                Err(e) => return Err(e.into()),
            }
        }
        Err(AppError::UsernameTaken)
    }

    /// Brings the profile picture at `url` in as `user`'s avatar; a picture that cannot be had
    /// leaves the account without one.
    async fn import_picture(&self, user: UserId, url: &str) {
        let Some(bytes) = self.state.sign_in.picture(url).await else {
            tracing::info!(user = %user, "profile picture not fetched");
            return;
        };
        let row = match self.state.media.accept_picture(bytes, user).await {
            Ok(row) => row,
            Err(e) => {
                tracing::info!(user = %user, error = %e, "profile picture not accepted");
                return;
            }
        };
        let db = &self.state.db;
        if let Err(e) = crate::repo::media::insert(db, &row).await {
            tracing::warn!(error = %e, "recording a profile picture failed");
            self.state.media.discard(&row.id, row.has_thumb).await;
            return;
        }
        let id = row.id.clone();
        let set = crate::db_transaction!(db, |tx| {
            crate::repo::media::make_public(tx, &id).await?;
            crate::repo::media::set_user_avatar(tx, user, Some(&id)).await?;
            Ok::<_, Failure>(())
        });
        if let Err(e) = set {
            tracing::warn!(error = ?e, "setting a profile picture failed");
        }
    }

    /// Links `profile` at `provider` to `user`. Linking the same account again changes
    /// nothing; an account linked to someone else, or a second one at the same provider, is
    /// `identity_taken`.
    pub(crate) async fn do_link_identity(
        &self,
        user: UserId,
        provider: &str,
        profile: &Profile,
    ) -> Result<(), AppError> {
        let now = now_ms();
        crate::db_transaction!(&self.state.db, |tx| {
            match identities::find_user(tx, provider, &profile.subject).await? {
                Some(owner) if owner == user => return Ok(()),
                Some(_) => return Err(AppError::IdentityTaken.into()),
                None => {}
            }
            identities::link(tx, user, provider, &profile.subject, &profile.login, now)
                .await
                .map_err(|e| e.unique_as(AppError::IdentityTaken))?;
            Ok::<_, Failure>(())
        })?;
        tracing::info!(user = %user, provider, "outside account linked");
        Ok(())
    }

    /// How `user` can sign in, with the providers this server offers.
    pub(crate) async fn sign_in_methods(&self, user: UserId) -> Result<SignInMethods, AppError> {
        let (has_password, linked) =
            crate::db_conn!(&self.state.db, |conn| identities::methods(conn, user).await)?;
        Ok(SignInMethods {
            has_password,
            linked,
            providers: self.state.sign_in.config.providers(),
        })
    }

    /// `unlink_sign_in`: removes the link unless it is the last way to sign in.
    pub(crate) async fn do_unlink_sign_in(
        &self,
        user: UserId,
        provider: &str,
    ) -> Result<SignInMethods, AppError> {
        if provider.len() > 16 {
            return Err(AppError::NotFound);
        }
        crate::db_transaction!(&self.state.db, |tx| {
            let (has_password, linked) = identities::methods(tx, user).await?;
            if !linked.iter().any(|l| l.provider == provider) {
                return Err(AppError::NotFound.into());
            }
            if !has_password && linked.len() <= 1 {
                return Err(AppError::LastSignInMethod.into());
            }
            identities::unlink(tx, user, provider).await?;
            Ok::<_, Failure>(())
        })?;
        tracing::info!(user = %user, provider, "outside account unlinked");
        self.sign_in_methods(user).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_from_handles() {
        assert_eq!(username_base("Octo-Cat", "github"), "octo-cat");
        assert_eq!(username_base("jane doe", "oidc"), "jane-doe");
        assert_eq!(username_base("__x", "github"), "x-github");
        assert_eq!(username_base("李雷", "oidc"), "oidc-user");
        assert_eq!(username_base("ab", "oidc"), "ab-oidc");
        let long = username_base(&"a".repeat(60), "github");
        assert!(validate::username(&long).is_ok(), "{long}");
        assert!(
            long.len() + 7 <= validate::USERNAME_MAX,
            "room for a suffix"
        );
        for raw in ["Octo-Cat", "jane doe", "__x", "李雷", "ab", "a.b_c", "-9-"] {
            let name = username_base(raw, "github");
            assert!(validate::username(&name).is_ok(), "{raw} gave {name}");
        }
    }
}
