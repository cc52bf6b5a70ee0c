//! Read receipts and typing: derived from the read cursors already stored, announced with
//! cheap, throttled hints (see [`crate::realtime::hints`]).

use shared::AppError;
use shared::event::ServerEvent;
use shared::ids::{ConversationId, MessageId, UserId};
use shared::model::{MessageReaders, RECEIPTS_MAX_MEMBERS, ReadReceipts};

use super::Api;
use crate::realtime::hints::Hint;
use crate::repo::messages as repo;

/// A cursor jump longer than this only hints the senders of its newest messages.
const HINT_SPAN_MAX: i64 = 1000;

impl Api {
    /// The other members' read cursors, ascending (none for a group over the receipts limit).
    pub(crate) async fn read_receipts(
        &self,
        me: UserId,
        conversation: ConversationId,
    ) -> Result<ReadReceipts, AppError> {
        let access = self.access_conversation(me, conversation).await?;
        if access.member_ids().len() > RECEIPTS_MAX_MEMBERS {
            return Ok(ReadReceipts::default());
        }
        let mut cursors: Vec<i64> = repo::read_cursors(&self.state.db, conversation)
            .await?
            .into_iter()
            .filter(|(user, _)| *user != me.0)
            .map(|(_, seq)| seq)
            .collect();
        cursors.sort_unstable();
        Ok(ReadReceipts { cursors })
    }

    /// Who read the caller's message `id` and who has not.
    pub(crate) async fn message_readers(
        &self,
        me: UserId,
        id: MessageId,
    ) -> Result<MessageReaders, AppError> {
        let message = crate::repo::message_actions::find(&self.state.db, id)
            .await?
            .ok_or(AppError::NotFound)?;
        let access = match self.access_conversation(me, message.conversation_id).await {
            Ok(access) => access,
            Err(AppError::Forbidden) => return Err(AppError::NotFound),
            Err(e) => return Err(e),
        };
        if message.sender_id != Some(me) {
            return Err(AppError::Forbidden);
        }
        if access.member_ids().len() > RECEIPTS_MAX_MEMBERS {
            return Ok(MessageReaders {
                read: Vec::new(),
                unread: Vec::new(),
            });
        }
        let mut readers = MessageReaders {
            read: Vec::new(),
            unread: Vec::new(),
        };
        let mut cursors = repo::read_cursors(&self.state.db, message.conversation_id).await?;
        cursors.sort_unstable();
        for (user, seq) in cursors {
            if user == me.0 {
                continue;
            }
            if seq >= message.seq {
                readers.read.push(UserId(user));
            } else {
                readers.unread.push(UserId(user));
            }
        }
        Ok(readers)
    }

    /// Passes a typing notice to the other side of a direct chat (throttled; groups have none).
    pub(crate) async fn typing(
        &self,
        me: UserId,
        conversation: ConversationId,
    ) -> Result<(), AppError> {
        let access = self.access_conversation(me, conversation).await?;
        if !access.is_direct() {
            return Err(AppError::Forbidden);
        }
        if !self.state.hints.typing(me, conversation) {
            return Ok(());
        }
        let others: Vec<UserId> = access
            .member_ids()
            .iter()
            .copied()
            .filter(|u| *u != me)
            .collect();
        self.state.hub.send_to(
            &others,
            &ServerEvent::Typing {
                conversation_id: conversation,
                user_id: me,
            },
        );
        Ok(())
    }

    /// After `reader` read `from + 1 ..= to`, hints the senders of those messages (throttled
    /// and coalesced per sender and conversation) to refetch the receipts.
    pub(crate) async fn hint_receipts(
        &self,
        conversation: ConversationId,
        reader: UserId,
        from: i64,
        to: i64,
    ) {
        let from = from.max(to - HINT_SPAN_MAX);
        let senders =
            match repo::senders_between(&self.state.db, conversation, reader, from, to).await {
                Ok(senders) => senders,
                Err(e) => {
                    tracing::warn!(error = %e, "read receipts: senders not loaded; no hint sent");
                    return;
                }
            };
        let event = ServerEvent::ReadReceipts {
            conversation_id: conversation,
        };
        for sender in senders {
            match self.state.hints.receipt(sender, conversation) {
                Hint::Now => self.state.hub.send_to(&[sender], &event),
                Hint::After(delay) => {
                    let state = self.state.clone();
                    let event = event.clone();
                    tokio::spawn(async move {
                        tokio::time::sleep(delay).await;
                        state.hints.receipt_sent(sender, conversation);
                        state.hub.send_to(&[sender], &event);
                    });
                }
                Hint::Covered => {}
            }
        }
    }
}
