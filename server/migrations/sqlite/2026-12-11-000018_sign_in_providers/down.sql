DROP TABLE sign_in_states;
DROP TABLE user_identities;
