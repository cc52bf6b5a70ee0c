//! The system settings: what the console reads and changes (each change one unit of work with
//! its audit entry), what anyone may read before signing in, and the values the server itself
//! applies (registration, the role of new accounts, the recall window, the upload limit).

use serde_json::json;
use shared::api::Caller;
use shared::api::admin::SettingsChange;
use shared::error::Invalid;
use shared::model::{
    AdminSettings, DEFAULT_SITE_NAME, LOGIN_NOTICE_MAX, RECALL_WINDOW_MAX_SECS, Registration,
    SITE_NAME_MAX, SiteInfo,
};
use shared::{AppError, rights, validate};

use super::Api;
use super::moderation::{Audited, record};
use crate::db::Failure;
use crate::repo::moderation::{role_ids, roles_grant_admin};
use crate::repo::settings::{self as repo, get_string, get_u64};

/// A mebibyte.
const MIB: u64 = 1024 * 1024;

impl Api {
    /// The settings as stored, the server's configuration where unset.
    pub(crate) async fn settings_now(&self) -> Result<AdminSettings, AppError> {
        let db = &self.state.db;
        let config = &self.state.config;
        let registration = self.registration().await?;
        let ceiling = (config.media.max_upload / MIB).max(1);
        Ok(AdminSettings {
            registration: registration.as_str().to_owned(),
            site_name: get_string(db, repo::SITE_NAME)
                .await?
                .unwrap_or_else(|| DEFAULT_SITE_NAME.to_owned()),
            max_upload_mib: get_u64(db, repo::MAX_UPLOAD_MIB)
                .await?
                .unwrap_or(ceiling)
                .min(ceiling),
            max_upload_mib_limit: ceiling,
            recall_window_s: get_u64(db, repo::RECALL_WINDOW_S)
                .await?
                .unwrap_or(config.recall_window.as_secs()),
            default_role: get_string(db, repo::DEFAULT_ROLE)
                .await?
                .unwrap_or_else(|| rights::ROLE_USER.to_owned()),
            login_notice: get_string(db, repo::LOGIN_NOTICE)
                .await?
                .unwrap_or_default(),
        })
    }

    /// `site_info`.
    pub(crate) async fn do_site_info(&self) -> Result<SiteInfo, AppError> {
        let s = self.settings_now().await?;
        Ok(SiteInfo {
            site_name: s.site_name,
            login_notice: s.login_notice,
            registration: s.registration,
            recall_window_s: s.recall_window_s,
            max_upload_mib: s.max_upload_mib,
            sign_in_providers: self.state.sign_in.config.providers(),
        })
    }

    /// Who may sign up now: the setting, else the older open/closed switch, else open.
    pub(crate) async fn registration(&self) -> Result<Registration, AppError> {
        let db = &self.state.db;
        if let Some(mode) = get_string(db, repo::REGISTRATION)
            .await?
            .as_deref()
            .and_then(Registration::parse)
        {
            return Ok(mode);
        }
        Ok(
            if repo::get_bool(db, repo::REGISTRATION_OPEN, true).await? {
                Registration::Open
            } else {
                Registration::Closed
            },
        )
    }

    /// The recall window now, in milliseconds.
    pub(crate) async fn recall_window_ms(&self) -> Result<i64, AppError> {
        let ms = match get_u64(&self.state.db, repo::RECALL_WINDOW_S).await? {
            Some(secs) => u128::from(secs) * 1000,
            None => self.state.config.recall_window.as_millis(),
        };
        Ok(i64::try_from(ms).unwrap_or(i64::MAX))
    }

    /// The largest upload now, in bytes (never above the configured ceiling).
    pub(crate) async fn max_upload_bytes(&self) -> Result<u64, AppError> {
        let ceiling = self.state.config.media.max_upload;
        Ok(get_u64(&self.state.db, repo::MAX_UPLOAD_MIB)
            .await?
            .map_or(ceiling, |mib| mib.saturating_mul(MIB).min(ceiling)))
    }

    /// The role new accounts get: the setting while that role exists, else `user`.
    pub(crate) async fn default_role(&self) -> Result<String, AppError> {
        let Some(role) = get_string(&self.state.db, repo::DEFAULT_ROLE).await? else {
            return Ok(rights::ROLE_USER.to_owned());
        };
        let found = crate::db_conn!(&self.state.db, |conn| role_ids(
            conn,
            std::slice::from_ref(&role)
        )
        .await)?;
        Ok(if found.is_empty() {
            rights::ROLE_USER.to_owned()
        } else {
            role
        })
    }

    /// `admin_get_settings`.
    pub(crate) async fn do_admin_get_settings(
        &self,
        caller: &Caller,
    ) -> Result<AdminSettings, AppError> {
        caller.require(rights::ADMIN)?;
        self.settings_now().await
    }

    /// `admin_update_settings`: every value checked before anything is written, then the
    /// changed ones written with one audit entry.
    pub(crate) async fn do_admin_update_settings(
        &self,
        caller: &Caller,
        change: SettingsChange,
    ) -> Result<AdminSettings, AppError> {
        caller.require(rights::ADMIN)?;
        let before = self.settings_now().await?;
        let mut writes: Vec<(&'static str, String)> = Vec::new();
        if let Some(raw) = change.registration.as_deref() {
            let mode = Registration::parse(raw)
                .ok_or_else(|| AppError::invalid("registration", Invalid::OutOfRange))?;
            writes.push((repo::REGISTRATION, json!(mode.as_str()).to_string()));
        }
        if let Some(name) = &change.site_name {
            let name = validate::text("site_name", name, SITE_NAME_MAX, true)?;
            if name.contains('\n') {
                return Err(AppError::invalid("site_name", Invalid::BadCharacters));
            }
            writes.push((repo::SITE_NAME, json!(name).to_string()));
        }
        if let Some(mib) = change.max_upload_mib {
            if !(1..=before.max_upload_mib_limit).contains(&mib) {
                return Err(AppError::invalid("max_upload_mib", Invalid::OutOfRange));
            }
            writes.push((repo::MAX_UPLOAD_MIB, mib.to_string()));
        }
        if let Some(secs) = change.recall_window_s {
            if secs > RECALL_WINDOW_MAX_SECS {
                return Err(AppError::invalid("recall_window_s", Invalid::OutOfRange));
            }
            writes.push((repo::RECALL_WINDOW_S, secs.to_string()));
        }
        if let Some(notice) = &change.login_notice {
            let notice = validate::text("login_notice", notice, LOGIN_NOTICE_MAX, false)?;
            writes.push((repo::LOGIN_NOTICE, json!(notice).to_string()));
        }
        let role = match &change.default_role {
            Some(role) if role.len() > 32 => {
                return Err(AppError::invalid("default_role", Invalid::TooLong));
            }
            other => other.clone(),
        };
        if writes.is_empty() && role.is_none() {
            return Ok(before);
        }
        crate::db_transaction!(&self.state.db, |tx| {
            if let Some(role) = &role {
                // An existing role that does not make every newcomer an administrator.
                let ids = role_ids(tx, std::slice::from_ref(role)).await?;
                let ids: Vec<i64> = ids.iter().map(|(id, _)| *id).collect();
                if ids.is_empty() {
                    return Err(AppError::invalid("default_role", Invalid::Unknown).into());
                }
                if roles_grant_admin(tx, &ids).await? {
                    return Err(AppError::invalid("default_role", Invalid::OutOfRange).into());
                }
                repo::set_in(tx, repo::DEFAULT_ROLE, &json!(role).to_string()).await?;
            }
            for (key, value) in &writes {
                repo::set_in(tx, key, value).await?;
            }
            let after = json!({
                "registration": change.registration,
                "site_name": change.site_name,
                "max_upload_mib": change.max_upload_mib,
                "recall_window_s": change.recall_window_s,
                "default_role": change.default_role,
                "login_notice": change.login_notice,
            });
            record(
                tx,
                caller,
                Audited {
                    action: "update_settings",
                    target_kind: "settings",
                    target_id: None,
                    target_name: "settings",
                    detail: json!({"before": before, "after": after}),
                },
            )
            .await?;
            Ok::<_, Failure>(())
        })?;
        tracing::info!("settings changed");
        self.settings_now().await
    }
}
