-- The assistant's question-and-answer table, kept by administrators. keywords: one per line.
CREATE TABLE assistant_answers (
    id BIGSERIAL PRIMARY KEY,
    keywords TEXT NOT NULL,
    question TEXT NOT NULL,
    answer TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

-- A first table, in both languages, for administrators to edit.
INSERT INTO assistant_answers (keywords, question, answer, created_at, updated_at) VALUES
('add friend
add a friend
加好友
添加好友', 'How do I add a friend?', 'Open Contacts › Add friend, search for their username and send a request; they appear in your contacts once they accept. You can also share your QR code from Me › My QR code.
在“通讯录 › 添加朋友”里搜索对方的用户名并发送好友申请，对方通过后就会出现在通讯录中。也可以在“我 › 我的二维码”分享你的二维码。', 0, 0),
('create group
new group
group chat
建群
创建群聊
群聊', 'How do I start a group chat?', 'In Contacts, tap New group chat, give the group a name and pick friends. Owners and admins can share an invite link from the group page.
在“通讯录”里点“发起群聊”，填写群名称并选择好友。群主和管理员可以在群页面分享邀请链接。', 0, 0),
('recall
undo
unsend
撤回', 'Can I take back a message?', 'Long-press your message and choose Recall, within two minutes of sending it (your administrator may set another limit).
长按你发出的消息并选择“撤回”，发送两分钟内可以撤回（管理员可能设置了其他时限）。', 0, 0),
('password
密码
忘记密码', 'How do I change my password?', 'On the Me page, open Change password. If you forgot it, ask an administrator to reset it.
在“我”页面打开“修改密码”修改。忘记密码时请联系管理员重置。', 0, 0);
