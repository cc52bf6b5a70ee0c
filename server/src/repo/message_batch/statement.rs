//! The batch statements written as SQL text: statements diesel prepares once per connection,
//! and the stored message read back by column name.

use diesel::QueryableByName;
use diesel::sql_types::{BigInt, Nullable, Text};

use crate::repo::messages::MessageRow;

/// Declares a statement of fixed SQL text with its bound values as a type of its own:
/// `Name<'a> on Backend, "text", bind: SqlType = RustType, "text", …`, a bind between each
/// two pieces of text.
///
/// Diesel keeps a prepared statement per connection for a query type with a static id, which
/// the type gets; a `diesel::sql_query` is never kept, so its text would be parsed (and on
/// PostgreSQL prepared in an extra round trip) every time it runs. The statement loads rows by
/// column name (`QueryableByName`).
macro_rules! fixed_statement {
    (
        $(#[$doc:meta])*
        $name:ident<$lt:lifetime> on $backend:ty,
        $first:literal $(, $field:ident : $st:ty = $rust:ty, $piece:literal)* $(,)?
    ) => {
        $(#[$doc])*
        pub(super) struct $name<$lt> {
            $(pub(super) $field: $rust,)*
        }

        impl diesel::query_builder::QueryId for $name<'_> {
            type QueryId = $name<'static>;
            const HAS_STATIC_QUERY_ID: bool = true;
        }

        impl diesel::query_builder::Query for $name<'_> {
            type SqlType = diesel::sql_types::Untyped;
        }

        impl diesel::query_builder::QueryFragment<$backend> for $name<'_> {
            fn walk_ast<'b>(
                &'b self,
                mut out: diesel::query_builder::AstPass<'_, 'b, $backend>,
            ) -> diesel::QueryResult<()> {
                out.push_sql($first);
                $(
                    out.push_bind_param::<$st, _>(&self.$field)?;
                    out.push_sql($piece);
                )*
                Ok(())
            }
        }
    };
}
pub(super) use fixed_statement;

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
