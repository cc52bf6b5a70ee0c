//! A stored message read back by column name, for the batch statements written as SQL text.

use diesel::QueryableByName;
use diesel::sql_types::{BigInt, Nullable, Text};

use crate::repo::messages::MessageRow;

/// One row of `messages` with every column, in any order.
#[derive(QueryableByName)]
pub(super) struct ByName {
    #[diesel(sql_type = BigInt)]
    id: i64,
    #[diesel(sql_type = BigInt)]
    conversation_id: i64,
    #[diesel(sql_type = BigInt)]
    seq: i64,
    #[diesel(sql_type = Nullable<BigInt>)]
    sender_id: Option<i64>,
    #[diesel(sql_type = Nullable<Text>)]
    client_msg_id: Option<String>,
    #[diesel(sql_type = Text)]
    body: String,
    #[diesel(sql_type = BigInt)]
    created_at: i64,
}

impl From<ByName> for MessageRow {
    fn from(r: ByName) -> Self {
        (
            r.id,
            r.conversation_id,
            r.seq,
            r.sender_id,
            r.client_msg_id,
            r.body,
            r.created_at,
        )
    }
}
