DROP TABLE invite_code_uses;
DROP TABLE invite_codes;
