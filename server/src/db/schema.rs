//! The diesel schema, shared by the SQLite and PostgreSQL backends (both migration trees create
//! the same tables with the same column types).

#![allow(missing_docs)]

diesel::table! {
    users (id) {
        id -> BigInt,
        username -> Text,
        password_hash -> Text,
        nickname -> Text,
        signature -> Text,
        provider -> Text,
        created_at -> BigInt,
        updated_at -> BigInt,
        avatar -> Nullable<Text>,
        presence -> Text,
        friend_code -> Nullable<Text>,
        banned_until -> Nullable<BigInt>,
        ban_reason -> Text,
        muted_until -> Nullable<BigInt>,
        kind -> Text,
        owner_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    admin_audit (id) {
        id -> BigInt,
        actor_id -> BigInt,
        actor_name -> Text,
        action -> Text,
        target_kind -> Text,
        target_id -> Nullable<BigInt>,
        target_name -> Text,
        detail -> Text,
        address -> Nullable<Text>,
        created_at -> BigInt,
    }
}

diesel::table! {
    roles (id) {
        id -> BigInt,
        key_name -> Text,
        name -> Text,
        created_at -> BigInt,
        description -> Text,
    }
}

diesel::table! {
    rights (id) {
        id -> BigInt,
        key_name -> Text,
        name -> Text,
        created_at -> BigInt,
    }
}

diesel::table! {
    user_roles (user_id, role_id) {
        user_id -> BigInt,
        role_id -> BigInt,
    }
}

diesel::table! {
    role_rights (role_id, right_id) {
        role_id -> BigInt,
        right_id -> BigInt,
    }
}

diesel::table! {
    sessions (id) {
        id -> BigInt,
        user_id -> BigInt,
        token_hash -> Text,
        created_at -> BigInt,
        last_seen_at -> BigInt,
        expires_at -> BigInt,
        user_agent -> Text,
        ip -> Nullable<Text>,
        lasting -> Bool,
        token_name -> Nullable<Text>,
        scopes -> Nullable<Text>,
    }
}

diesel::table! {
    settings (key_name) {
        key_name -> Text,
        value -> Text,
    }
}

diesel::table! {
    conversations (id) {
        id -> BigInt,
        kind -> Text,
        direct_key -> Nullable<Text>,
        last_seq -> BigInt,
        last_message_at -> Nullable<BigInt>,
        created_at -> BigInt,
    }
}

diesel::table! {
    conversation_members (conversation_id, user_id) {
        conversation_id -> BigInt,
        user_id -> BigInt,
        joined_at -> BigInt,
        read_seq -> BigInt,
        pinned -> Bool,
        muted -> Bool,
        role -> Text,
        muted_until -> Nullable<BigInt>,
        group_nickname -> Text,
    }
}

diesel::table! {
    chat_groups (id) {
        id -> BigInt,
        conversation_id -> BigInt,
        name -> Text,
        owner_id -> BigInt,
        introduction -> Text,
        notice -> Text,
        muted_all -> Bool,
        dissolved_at -> Nullable<BigInt>,
        created_at -> BigInt,
        avatar -> Nullable<Text>,
        listed -> Bool,
        status -> Text,
    }
}

diesel::table! {
    group_requests (id) {
        id -> BigInt,
        group_id -> BigInt,
        user_id -> BigInt,
        note -> Text,
        status -> Text,
        created_at -> BigInt,
        handled_at -> Nullable<BigInt>,
        handled_by -> Nullable<BigInt>,
    }
}

diesel::table! {
    contacts (owner_id, friend_id) {
        owner_id -> BigInt,
        friend_id -> BigInt,
        conversation_id -> BigInt,
        remark -> Text,
        created_at -> BigInt,
    }
}

diesel::table! {
    friend_requests (id) {
        id -> BigInt,
        from_id -> BigInt,
        to_id -> BigInt,
        note -> Text,
        status -> Text,
        created_at -> BigInt,
        handled_at -> Nullable<BigInt>,
    }
}

diesel::table! {
    blocks (owner_id, blocked_id) {
        owner_id -> BigInt,
        blocked_id -> BigInt,
        created_at -> BigInt,
    }
}

diesel::table! {
    messages (id) {
        id -> BigInt,
        conversation_id -> BigInt,
        seq -> BigInt,
        sender_id -> Nullable<BigInt>,
        client_msg_id -> Nullable<Text>,
        body -> Text,
        created_at -> BigInt,
    }
}

diesel::table! {
    media (id) {
        id -> Text,
        uploader_id -> BigInt,
        kind -> Text,
        mime -> Text,
        size -> BigInt,
        name -> Text,
        width -> Nullable<Integer>,
        height -> Nullable<Integer>,
        has_thumb -> Bool,
        public -> Bool,
        created_at -> BigInt,
    }
}

diesel::table! {
    media_refs (media_id, conversation_id) {
        media_id -> Text,
        conversation_id -> BigInt,
    }
}

diesel::table! {
    message_reactions (message_id, user_id, emoji) {
        message_id -> BigInt,
        user_id -> BigInt,
        emoji -> Text,
        created_at -> BigInt,
    }
}

diesel::table! {
    hidden_messages (user_id, message_id) {
        user_id -> BigInt,
        message_id -> BigInt,
        created_at -> BigInt,
    }
}

diesel::table! {
    message_mentions (message_id, user_id) {
        message_id -> BigInt,
        conversation_id -> BigInt,
        seq -> BigInt,
        user_id -> BigInt,
        sender_id -> BigInt,
    }
}

diesel::joinable!(media_refs -> media (media_id));
diesel::joinable!(media_refs -> conversations (conversation_id));
diesel::joinable!(user_roles -> users (user_id));
diesel::joinable!(conversation_members -> conversations (conversation_id));
diesel::joinable!(conversation_members -> users (user_id));
diesel::joinable!(messages -> conversations (conversation_id));
diesel::table! {
    group_invites (id) {
        id -> BigInt,
        group_id -> BigInt,
        code -> Text,
        created_by -> BigInt,
        created_at -> BigInt,
        expires_at -> BigInt,
        max_uses -> Nullable<BigInt>,
        uses -> BigInt,
        revoked_at -> Nullable<BigInt>,
    }
}

diesel::table! {
    reports (id) {
        id -> BigInt,
        reporter_id -> BigInt,
        target_kind -> Text,
        target_id -> BigInt,
        target_user_id -> Nullable<BigInt>,
        summary -> Text,
        reason -> Text,
        note -> Text,
        status -> Text,
        action -> Nullable<Text>,
        resolution_note -> Text,
        resolved_by -> Nullable<BigInt>,
        resolved_at -> Nullable<BigInt>,
        created_at -> BigInt,
    }
}
diesel::joinable!(group_requests -> chat_groups (group_id));
diesel::joinable!(group_invites -> chat_groups (group_id));
diesel::joinable!(user_roles -> roles (role_id));
diesel::joinable!(role_rights -> roles (role_id));
diesel::joinable!(role_rights -> rights (right_id));
diesel::joinable!(sessions -> users (user_id));

diesel::table! {
    invite_codes (id) {
        id -> BigInt,
        code -> Text,
        note -> Text,
        max_uses -> Nullable<BigInt>,
        uses -> BigInt,
        expires_at -> Nullable<BigInt>,
        revoked_at -> Nullable<BigInt>,
        created_by -> Nullable<BigInt>,
        created_at -> BigInt,
    }
}

diesel::table! {
    invite_code_uses (invite_id, user_id) {
        invite_id -> BigInt,
        user_id -> BigInt,
        used_at -> BigInt,
    }
}

diesel::joinable!(invite_code_uses -> invite_codes (invite_id));

diesel::table! {
    incoming_webhooks (id) {
        id -> BigInt,
        conversation_id -> BigInt,
        bot_id -> BigInt,
        name -> Text,
        token_hash -> Text,
        created_by -> Nullable<BigInt>,
        created_at -> BigInt,
    }
}

diesel::table! {
    bot_webhooks (bot_id) {
        bot_id -> BigInt,
        url -> Text,
        secret -> Text,
        created_at -> BigInt,
        updated_at -> BigInt,
        lease_owner -> Text,
        lease_until -> BigInt,
    }
}

diesel::table! {
    bot_webhook_cursors (bot_id, conversation_id) {
        bot_id -> BigInt,
        conversation_id -> BigInt,
        seq -> BigInt,
    }
}

diesel::table! {
    webhook_events (id) {
        id -> BigInt,
        bot_id -> BigInt,
        event -> Text,
        conversation_id -> BigInt,
        message_id -> BigInt,
        seq -> BigInt,
        created_at -> BigInt,
    }
}

diesel::table! {
    webhook_deliveries (id) {
        id -> BigInt,
        bot_id -> BigInt,
        delivery_id -> Text,
        event -> Text,
        conversation_id -> Nullable<BigInt>,
        message_id -> Nullable<BigInt>,
        payload -> Text,
        status -> Text,
        attempts -> Integer,
        last_status_code -> Nullable<Integer>,
        last_error -> Nullable<Text>,
        created_at -> BigInt,
        next_attempt_at -> BigInt,
        finished_at -> Nullable<BigInt>,
    }
}

diesel::table! {
    assistant_answers (id) {
        id -> BigInt,
        keywords -> Text,
        question -> Text,
        answer -> Text,
        created_at -> BigInt,
        updated_at -> BigInt,
    }
}

diesel::table! {
    user_identities (id) {
        id -> BigInt,
        user_id -> BigInt,
        provider -> Text,
        subject -> Text,
        login -> Text,
        created_at -> BigInt,
    }
}

diesel::table! {
    sign_in_states (state_hash) {
        state_hash -> Text,
        provider -> Text,
        pkce_verifier -> Text,
        nonce -> Text,
        redirect_uri -> Text,
        next_path -> Text,
        link_user_id -> Nullable<BigInt>,
        expires_at -> BigInt,
    }
}

diesel::allow_tables_to_appear_in_same_query!(
    assistant_answers,
    user_identities,
    sign_in_states,
    bot_webhooks,
    bot_webhook_cursors,
    webhook_deliveries,
    webhook_events,
    users,
    invite_codes,
    invite_code_uses,
    incoming_webhooks,
    reports,
    admin_audit,
    roles,
    rights,
    user_roles,
    role_rights,
    sessions,
    settings,
    conversations,
    conversation_members,
    contacts,
    friend_requests,
    blocks,
    messages,
    chat_groups,
    group_requests,
    group_invites,
    media,
    media_refs,
    message_reactions,
    hidden_messages,
    message_mentions,
);
