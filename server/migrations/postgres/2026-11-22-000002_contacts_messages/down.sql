DROP TABLE messages; DROP TABLE blocks; DROP TABLE friend_requests; DROP TABLE contacts; DROP TABLE conversation_members; DROP TABLE conversations;
