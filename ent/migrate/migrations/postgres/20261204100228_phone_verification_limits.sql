-- Modify "calls" table
ALTER TABLE "calls" ADD COLUMN "failed_verifications" bigint NOT NULL DEFAULT 0;
-- Modify "patients" table
ALTER TABLE "patients" ADD COLUMN "phone_verify_failures" bigint NOT NULL DEFAULT 0, ADD COLUMN "phone_verify_window_start" timestamptz NULL, ADD COLUMN "phone_verify_locked_until" timestamptz NULL;
