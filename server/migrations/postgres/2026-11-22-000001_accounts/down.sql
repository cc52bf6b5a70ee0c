DROP TABLE settings; DROP TABLE sessions; DROP TABLE role_rights; DROP TABLE user_roles; DROP TABLE rights; DROP TABLE roles; DROP TABLE users;
