//! Message search on both databases: Chinese by characters and pairs, words by prefix, only the
//! caller's conversations, without recalled or hidden messages, edits re-indexed, highlights.

use serde_json::json;
use shared::AppError;
use shared::error::Invalid;
use shared::model::{Message, SearchHit};

use crate::harness::{Client, TestServer};

crate::on_both_backends!(
    search_finds_chinese_and_words_in_my_conversations_only,
    sends_are_indexed_once,
);

async fn search(c: &Client, body: serde_json::Value) -> Result<Vec<SearchHit>, (u16, AppError)> {
    c.call("search_messages", body).await
}

async fn texts(c: &Client, query: &str) -> Vec<String> {
    search(c, json!({ "query": query }))
        .await
        .unwrap()
        .into_iter()
        .map(|h| match h.message.body {
            shared::model::MessageBody::Text { text } => text,
            other => format!("{other:?}"),
        })
        .collect()
}

async fn search_finds_chinese_and_words_in_my_conversations_only(server: TestServer) {
    let alice = server.signed_up("alice").await;
    let bob = server.signed_up("bob").await;
    let carl = server.signed_up("carl").await;
    let dave = server.signed_up("dave").await;
    let conv = alice.befriend(&bob).await;
    let other = carl.befriend(&dave).await;
    let tomorrow = alice.send_text(conv, "a1", "明天下午开会").await.unwrap();
    alice
        .send_text(conv, "a2", "Hello World meeting")
        .await
        .unwrap();
    let line = alice.send_text(conv, "a3", "another line").await.unwrap();
    let bobs = bob.send_text(conv, "b1", "开会时间待定").await.unwrap();
    carl.send_text(other, "c1", "开会 secret").await.unwrap();

    // A pair of characters, newest first, only in alice's conversations, with highlights.
    let hits = search(&alice, json!({"query": "开会"})).await.unwrap();
    let found: Vec<i64> = hits.iter().map(|h| h.message.id.0).collect();
    assert_eq!(found, vec![bobs.id.0, tomorrow.id.0]);
    assert_eq!(hits[0].highlights, vec![(0, 2)]);
    assert_eq!(hits[1].highlights, vec![(4, 2)]);
    // One character finds too; a word by its beginning, case aside.
    assert_eq!(texts(&alice, "会").await, ["开会时间待定", "明天下午开会"]);
    let meet = search(&alice, json!({"query": "MEET"})).await.unwrap();
    assert_eq!(meet.len(), 1);
    assert_eq!(meet[0].highlights, vec![(12, 4)]);
    // Every word must match.
    assert_eq!(
        texts(&alice, "hello meeting").await,
        ["Hello World meeting"]
    );
    assert!(texts(&alice, "hello 开会").await.is_empty());
    // Carl finds only his own.
    assert_eq!(texts(&carl, "开会").await, ["开会 secret"]);
    assert!(texts(&carl, "明天").await.is_empty());

    // One conversation; paging with before_id.
    let page: Vec<SearchHit> = search(
        &alice,
        json!({"query": "开会", "conversation_id": conv, "limit": 1}),
    )
    .await
    .unwrap();
    assert_eq!(page.len(), 1);
    let next: Vec<SearchHit> = search(
        &alice,
        json!({"query": "开会", "conversation_id": conv, "before_id": page[0].message.id, "limit": 1}),
    )
    .await
    .unwrap();
    assert_eq!(next[0].message.id, tomorrow.id);
    assert_eq!(
        search(&alice, json!({"query": "开会", "conversation_id": other}))
            .await
            .unwrap_err(),
        (403, AppError::Forbidden)
    );

    // A recall takes the message out; an edit is found by its new text; "delete for me" hides
    // it from that user only.
    let _: Message = bob
        .call("recall_message", json!({"message_id": bobs.id}))
        .await
        .unwrap();
    assert_eq!(texts(&alice, "开会").await, ["明天下午开会"]);
    let _: Message = alice
        .call(
            "edit_message",
            json!({"message_id": line.id, "text": "周五开会"}),
        )
        .await
        .unwrap();
    assert_eq!(texts(&alice, "周五").await, ["周五开会"]);
    assert!(texts(&alice, "another").await.is_empty());
    alice
        .call::<()>("delete_message_for_me", json!({"message_id": tomorrow.id}))
        .await
        .unwrap();
    assert_eq!(texts(&alice, "开会").await, ["周五开会"]);
    assert_eq!(texts(&bob, "开会").await, ["周五开会", "明天下午开会"]);

    // Bad input changes nothing and says why.
    assert_eq!(
        search(&alice, json!({"query": "  "})).await.unwrap_err(),
        (422, AppError::invalid("query", Invalid::Required))
    );
    assert_eq!(
        search(&alice, json!({"query": "x".repeat(101)}))
            .await
            .unwrap_err(),
        (422, AppError::invalid("query", Invalid::TooLong))
    );
    assert_eq!(
        search(&alice, json!({"query": "开会", "limit": 51}))
            .await
            .unwrap_err(),
        (422, AppError::invalid("limit", Invalid::OutOfRange))
    );
    assert!(
        texts(&alice, "?!").await.is_empty(),
        "punctuation alone finds nothing"
    );
}

async fn sends_are_indexed_once(server: TestServer) {
    let alice = server.signed_up("alice").await;
    let bob = server.signed_up("bob").await;
    let conv = alice.befriend(&bob).await;
    // Everything so far (notices, greetings) is indexed by the indexer.
    server::search::catch_up(&server.db, 10_000).await.unwrap();
    let mut newest = 0;
    for i in 0..5 {
        newest = alice
            .send_text(conv, &format!("k{i}"), &format!("灯塔 lighthouse {i}"))
            .await
            .unwrap()
            .id
            .0;
    }
    let looked_at = server::search::catch_up(&server.db, 10_000).await.unwrap();
    let cursor = server::repo::settings::get(&server.db, "search_indexed_up_to")
        .await
        .unwrap();
    assert_eq!(cursor, Some(newest.to_string()), "the cursor is past them");
    // PostgreSQL indexes after the send (here or in the background task, whichever runs
    // first); SQLite's writer indexed them with the sends, so nobody looks at them again.
    if !server.is_postgres() {
        assert_eq!(looked_at, 0, "indexed with the sends");
    }
    assert_eq!(texts(&bob, "灯塔").await.len(), 5);
    assert_eq!(texts(&bob, "lighthouse 3").await, ["灯塔 lighthouse 3"]);
    // Nothing new: nothing looked at, the cursor stays.
    assert_eq!(
        server::search::catch_up(&server.db, 10_000).await.unwrap(),
        0
    );
}
