-- Drop index "call_twilio_call_sid" from table: "calls"
DROP INDEX "call_twilio_call_sid";
-- Modify "calls" table
ALTER TABLE "calls" ALTER COLUMN "vapi_call_id" DROP NOT NULL, ALTER COLUMN "twilio_call_sid" DROP NOT NULL, ALTER COLUMN "twilio_call_sid" DROP DEFAULT, ADD COLUMN "called_number" character varying NOT NULL DEFAULT '', ADD COLUMN "route" character varying NULL, ADD COLUMN "answered_by" character varying NULL;
-- Create index "call_practice_id_twilio_call_sid" to table: "calls"
CREATE INDEX "call_practice_id_twilio_call_sid" ON "calls" ("practice_id", "twilio_call_sid");
-- Modify "phone_numbers" table
ALTER TABLE "phone_numbers" ADD COLUMN "front_desk_ring_seconds" bigint NOT NULL DEFAULT 20;
