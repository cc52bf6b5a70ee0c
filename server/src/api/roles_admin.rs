//! Roles as the admin console edits them: create, change the rights of, delete roles. Each
//! change is
//! one unit of work with its audit entry; once committed, every cached session on every node
//! is looked up afresh, and holders left without `login` are signed out.

use serde_json::json;
use shared::api::Caller;
use shared::error::Invalid;
use shared::ids::UserId;
use shared::model::RoleInfo;
use shared::rights::{self, BUILTIN_ROLES, ROLE_ADMIN};
use shared::{AppError, validate};

use super::Api;
use super::moderation::{Audited, record};
use crate::cache::Invalidation;
use crate::db::{Conn, Failure};
use crate::repo::{rbac, roles as repo};
use crate::time::now_ms;

/// Most rights one role may list.
const MAX_RIGHTS: usize = 64;
/// Longest role description, in characters.
const DESCRIPTION_MAX: usize = 200;

/// A role key as given: trimmed, lower-cased, 2–32 characters of `a-z 0-9 _ -`.
fn role_key(raw: &str) -> Result<String, AppError> {
    let key = raw.trim().to_ascii_lowercase();
    let len = key.chars().count();
    if len < 2 {
        return Err(AppError::invalid("name", Invalid::TooShort));
    }
    if len > 32 {
        return Err(AppError::invalid("name", Invalid::TooLong));
    }
    if !key
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '_' | '-'))
    {
        return Err(AppError::invalid("name", Invalid::BadCharacters));
    }
    Ok(key)
}

/// The rights listed, deduplicated and sorted (≤ 64).
fn right_list(rights: &[String]) -> Result<Vec<String>, AppError> {
    if rights.len() > MAX_RIGHTS {
        return Err(AppError::invalid("rights", Invalid::TooLong));
    }
    let mut keys: Vec<String> = rights.iter().map(|r| r.trim().to_owned()).collect();
    keys.sort();
    keys.dedup();
    Ok(keys)
}

/// The ids of `keys`, every one of which must exist (`validation` on `rights`).
async fn right_ids(tx: &mut Conn<'_>, keys: &[String]) -> Result<Vec<i64>, Failure> {
    let found = repo::right_ids(tx, keys).await?;
    if found.len() != keys.len() {
        return Err(AppError::invalid("rights", Invalid::Unknown).into());
    }
    Ok(found.into_iter().map(|(id, _)| id).collect())
}

/// Refuses a change that leaves nobody holding `admin` (run after the change, in its unit of
/// work, so the refusal rolls it back).
async fn check_admins_remain(tx: &mut Conn<'_>) -> Result<(), Failure> {
    if repo::admin_count(tx, now_ms()).await? == 0 {
        return Err(AppError::Forbidden.into());
    }
    Ok(())
}

impl Api {
    /// After a committed change to a role held by `holders`: every session is looked up
    /// afresh on every node, and holders who can no longer log in are signed out.
    async fn role_changed(&self, holders: &[i64]) -> Result<(), AppError> {
        self.state.hub.invalidate(Invalidation::AllSessions);
        for holder in holders {
            let user = UserId(*holder);
            let rights = rbac::rights_of(&self.state.db, user).await?;
            if !rights.iter().any(|r| r == rights::LOGIN) {
                self.state.hub.close_user_except(user, None);
            }
        }
        Ok(())
    }

    /// The role `key` as listed.
    async fn role_info(&self, key: &str) -> Result<RoleInfo, AppError> {
        rbac::list_roles(&self.state.db)
            .await?
            .into_iter()
            .find(|r| r.key == key)
            .ok_or(AppError::NotFound)
    }

    /// `admin_create_role`.
    pub(crate) async fn do_admin_create_role(
        &self,
        caller: &Caller,
        name: String,
        description: Option<String>,
        rights: Vec<String>,
    ) -> Result<RoleInfo, AppError> {
        caller.require(rights::ADMIN)?;
        let key = role_key(&name)?;
        let description = validate::text(
            "description",
            description.as_deref().unwrap_or(""),
            DESCRIPTION_MAX,
            false,
        )?;
        let rights = right_list(&rights)?;
        crate::db_transaction!(&self.state.db, |tx| {
            if repo::id_of(tx, &key).await?.is_some() {
                return Err(AppError::invalid("name", Invalid::Taken).into());
            }
            let ids = right_ids(tx, &rights).await?;
            let role = repo::insert(tx, &key, &description, now_ms())
                .await
                .map_err(|e| {
                    Failure::Refused(e.unique_as(AppError::invalid("name", Invalid::Taken)))
                })?;
            repo::set_rights(tx, role, &ids).await?;
            record(
                tx,
                caller,
                Audited {
                    action: "create_role",
                    target_kind: "role",
                    target_id: Some(role),
                    target_name: &key,
                    detail: json!({"after": {"rights": rights, "description": description}}),
                },
            )
            .await?;
            Ok::<_, Failure>(())
        })?;
        tracing::info!(role = %key, "role created");
        self.role_info(&key).await
    }

    /// `admin_update_role`.
    pub(crate) async fn do_admin_update_role(
        &self,
        caller: &Caller,
        role: String,
        description: Option<String>,
        rights: Vec<String>,
    ) -> Result<RoleInfo, AppError> {
        caller.require(rights::ADMIN)?;
        let key = role.trim().to_ascii_lowercase();
        let description = description
            .map(|d| validate::text("description", &d, DESCRIPTION_MAX, false))
            .transpose()?;
        let rights = right_list(&rights)?;
        let holders = crate::db_transaction!(&self.state.db, |tx| {
            let id = repo::id_of(tx, &key).await?.ok_or(AppError::NotFound)?;
            let ids = right_ids(tx, &rights).await?;
            // The administrators' role keeps every right.
            if key == ROLE_ADMIN && ids.len() < rbac::right_count(tx).await? {
                return Err(AppError::Forbidden.into());
            }
            let before = repo::rights_of_role(tx, id).await?;
            repo::set_rights(tx, id, &ids).await?;
            if let Some(d) = &description {
                repo::set_description(tx, id, d).await?;
            }
            check_admins_remain(tx).await?;
            record(
                tx,
                caller,
                Audited {
                    action: "update_role",
                    target_kind: "role",
                    target_id: Some(id),
                    target_name: &key,
                    detail: json!({"before": before, "after": rights, "description": description}),
                },
            )
            .await?;
            Ok::<_, Failure>(repo::holders(tx, id).await?)
        })?;
        self.role_changed(&holders).await?;
        self.role_info(&key).await
    }

    /// `admin_delete_role`.
    pub(crate) async fn do_admin_delete_role(
        &self,
        caller: &Caller,
        role: String,
    ) -> Result<(), AppError> {
        caller.require(rights::ADMIN)?;
        let key = role.trim().to_ascii_lowercase();
        let holders = crate::db_transaction!(&self.state.db, |tx| {
            let id = repo::id_of(tx, &key).await?.ok_or(AppError::NotFound)?;
            if BUILTIN_ROLES.iter().any(|(k, ..)| *k == key) {
                return Err(AppError::Forbidden.into());
            }
            let holders = repo::holders(tx, id).await?;
            let before = repo::rights_of_role(tx, id).await?;
            repo::delete(tx, id).await?;
            check_admins_remain(tx).await?;
            record(
                tx,
                caller,
                Audited {
                    action: "delete_role",
                    target_kind: "role",
                    target_id: Some(id),
                    target_name: &key,
                    detail: json!({"before": {"rights": before, "holders": holders.len()}}),
                },
            )
            .await?;
            Ok::<_, Failure>(holders)
        })?;
        tracing::info!(role = %key, holders = holders.len(), "role deleted");
        self.role_changed(&holders).await
    }
}
