//! Typed ids: a user id can never be passed where a session id is expected.

use serde::{Deserialize, Serialize};

macro_rules! id_type {
    ($(#[$doc:meta] $name:ident),* $(,)?) => {$(
        #[$doc]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }
    )*};
}

id_type!(
    /// A user account.
    UserId,
    /// One logged-in device (a session).
    SessionId,
    /// A role (a named set of rights).
    RoleId,
    /// A right (one permission).
    RightId,
    /// A conversation (one per friendship, one per group).
    ConversationId,
    /// A message.
    MessageId,
    /// A friend request.
    FriendRequestId,
    /// A group chat.
    GroupId,
    /// A request to join a group.
    GroupRequestId,
    /// A group invite link.
    GroupInviteId,
);
