-- Modify "patients" table
ALTER TABLE "patients" ADD COLUMN "active" boolean NOT NULL DEFAULT true, ADD COLUMN "former_pms_id" character varying NOT NULL DEFAULT '';
-- Modify "pms_connections" table
ALTER TABLE "pms_connections" ADD COLUMN "cancel_status" character varying NOT NULL DEFAULT '', ADD COLUMN "appointment_statuses" jsonb NULL;
-- Create "sandbox_entries" table
CREATE TABLE "sandbox_entries" ("id" character varying NOT NULL, "created_at" timestamptz NOT NULL, "updated_at" timestamptz NOT NULL, "seq" bigint NOT NULL, "kind" character varying NOT NULL, "data" text NOT NULL, "practice_id" character varying NOT NULL, PRIMARY KEY ("id"), CONSTRAINT "sandbox_entries_practices_practice" FOREIGN KEY ("practice_id") REFERENCES "practices" ("id") ON UPDATE NO ACTION ON DELETE NO ACTION);
-- Create index "sandboxentry_practice_id" to table: "sandbox_entries"
CREATE INDEX "sandboxentry_practice_id" ON "sandbox_entries" ("practice_id");
-- Create index "sandboxentry_practice_id_seq" to table: "sandbox_entries"
CREATE UNIQUE INDEX "sandboxentry_practice_id_seq" ON "sandbox_entries" ("practice_id", "seq");
