//! Invite codes: while registration is `invite`, signing up needs one.

use serde::{Deserialize, Serialize};

use crate::ids::UserId;

/// Characters of an invite code (letters and digits: 71 bits).
pub const INVITE_CODE_LEN: usize = super::LINK_CODE_LEN;
/// Longest note an administrator keeps with a code.
pub const INVITE_NOTE_MAX: usize = 200;
/// Most uses one code may be given.
pub const INVITE_CODE_MAX_USES: u32 = 10_000;
/// Longest validity one code may be given, in hours (a year).
pub const INVITE_CODE_MAX_HOURS: u32 = 366 * 24;
/// Most codes one page of the list holds.
pub const INVITE_CODES_PAGE_MAX: u32 = 100;
/// Most codes that may be usable at once (beyond it, creating one answers `validation`).
pub const INVITE_CODES_ACTIVE_MAX: u32 = 1_000;

/// Where an invite code stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InviteStatus {
    /// It still admits new accounts.
    Active,
    /// Its time ran out.
    Expired,
    /// It was used as often as allowed.
    UsedUp,
    /// An administrator revoked it.
    Revoked,
}

impl InviteStatus {
    /// Its name on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Expired => "expired",
            Self::UsedUp => "used_up",
            Self::Revoked => "revoked",
        }
    }

    /// The status named `raw`.
    pub fn parse(raw: &str) -> Option<Self> {
        [Self::Active, Self::Expired, Self::UsedUp, Self::Revoked]
            .into_iter()
            .find(|s| s.as_str() == raw)
    }

    /// Where a code stands at `now`: revoked first, then used up, then expired.
    pub fn of(
        revoked_at: Option<i64>,
        uses: u32,
        max_uses: Option<u32>,
        expires_at: Option<i64>,
        now: i64,
    ) -> Self {
        if revoked_at.is_some() {
            Self::Revoked
        } else if max_uses.is_some_and(|max| uses >= max) {
            Self::UsedUp
        } else if expires_at.is_some_and(|at| at <= now) {
            Self::Expired
        } else {
            Self::Active
        }
    }
}

/// An account made with an invite code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InviteUse {
    /// The account.
    pub user_id: UserId,
    /// Its username.
    pub username: String,
    /// When it signed up.
    pub used_at: i64,
}

/// An invite code as the console shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InviteCode {
    /// Its id.
    pub id: i64,
    /// The code itself, to hand out.
    pub code: String,
    /// The sign-up page with the code filled in (`<origin>/signup?invite=<code>`).
    pub url: String,
    /// What the administrator noted (whom it is for).
    pub note: String,
    /// How many accounts it may make (`null`: no limit).
    pub max_uses: Option<u32>,
    /// How many it made.
    pub uses: u32,
    /// When it stops working (`null`: never).
    pub expires_at: Option<i64>,
    /// When it was revoked.
    pub revoked_at: Option<i64>,
    /// Where it stands now.
    pub status: InviteStatus,
    /// Who created it (`null` once that account is gone).
    pub created_by: Option<UserId>,
    /// Their username.
    pub created_by_name: String,
    /// When.
    pub created_at: i64,
    /// The latest accounts made with it, newest first (at most ten).
    pub used_by: Vec<InviteUse>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_stands_as_its_fields_say() {
        assert_eq!(
            InviteStatus::of(None, 0, None, None, 5),
            InviteStatus::Active
        );
        assert_eq!(
            InviteStatus::of(None, 3, Some(3), None, 5),
            InviteStatus::UsedUp
        );
        assert_eq!(
            InviteStatus::of(None, 2, Some(3), Some(5), 5),
            InviteStatus::Expired
        );
        assert_eq!(
            InviteStatus::of(None, 2, Some(3), Some(6), 5),
            InviteStatus::Active
        );
        assert_eq!(
            InviteStatus::of(Some(1), 0, None, None, 5),
            InviteStatus::Revoked
        );
        for s in [
            InviteStatus::Active,
            InviteStatus::Expired,
            InviteStatus::UsedUp,
            InviteStatus::Revoked,
        ] {
            assert_eq!(InviteStatus::parse(s.as_str()), Some(s));
        }
        assert_eq!(InviteStatus::parse("pending"), None);
    }
}
