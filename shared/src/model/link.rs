//! Links that bring someone into Parley: a user's add-friend link and group invite links,
//! each with a QR code that a phone's camera opens.

use serde::{Deserialize, Serialize};

use crate::ids::{GroupId, GroupInviteId, UserId};
use crate::model::GroupCard;

/// Characters in a link's secret code.
pub const LINK_CODE_LEN: usize = 12;
/// Longest code a lookup accepts (anything longer is refused unread).
pub const LINK_CODE_MAX: usize = 64;
/// Longest life of a group invite link, in hours (30 days).
pub const INVITE_MAX_HOURS: u32 = 720;
/// Life of a group invite link when none is asked for, in hours (7 days).
pub const INVITE_DEFAULT_HOURS: u32 = 168;
/// Most uses an invite link may allow.
pub const INVITE_MAX_USES: u32 = 10_000;
/// Most live invite links a group keeps: creating one more revokes the oldest.
pub const INVITE_MAX_ACTIVE: usize = 20;

/// Whether `code` has the shape of a link code (letters and digits, bounded); lookups refuse
/// anything else before touching the database.
pub fn is_link_code(code: &str) -> bool {
    !code.is_empty()
        && code.len() <= LINK_CODE_MAX
        && code.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// The caller's own add-friend link (`/add/<code>`): whoever opens it sees the caller's profile
/// and may ask to become a friend. Resetting it makes the previous link answer `not_found`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FriendLink {
    /// The link's secret part.
    pub code: String,
    /// The full address to share.
    pub url: String,
    /// The address as a QR code: an SVG document.
    pub qr_svg: String,
}

/// A group invite link (`/join/<code>`) as the group's owner and admins see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupInvite {
    /// The invite.
    pub id: GroupInviteId,
    /// The group it joins.
    pub group_id: GroupId,
    /// The link's secret part.
    pub code: String,
    /// The full address to share.
    pub url: String,
    /// The address as a QR code: an SVG document.
    pub qr_svg: String,
    /// Who made it.
    pub created_by: UserId,
    /// Their nickname.
    pub creator_name: String,
    /// Made at.
    pub created_at: i64,
    /// Stops working at (epoch ms).
    pub expires_at: i64,
    /// How many people may join through it (`null`: no limit before it expires).
    pub max_uses: Option<u32>,
    /// How many have joined through it.
    pub uses: u32,
}

/// What an invite link shows before its reader joins.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitePreview {
    /// The link's code.
    pub code: String,
    /// The group.
    pub group: GroupCard,
    /// Who shared the link.
    pub inviter_name: String,
    /// Stops working at (epoch ms).
    pub expires_at: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn link_codes_are_bounded_letters_and_digits() {
        assert!(is_link_code("aZ09aZ09aZ09"));
        assert!(!is_link_code(""));
        assert!(!is_link_code("abc/def"));
        assert!(!is_link_code("abc def"));
        assert!(!is_link_code("简体"));
        assert!(!is_link_code(&"a".repeat(LINK_CODE_MAX + 1)));
    }
}
