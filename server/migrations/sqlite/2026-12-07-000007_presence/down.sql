ALTER TABLE users DROP COLUMN presence;
