-- Drop index "call_vapi_call_id" from table: "calls"
DROP INDEX "call_vapi_call_id";
-- Modify "calls" table
ALTER TABLE "calls" ADD COLUMN "stereo_recording_url" character varying NOT NULL DEFAULT '', ADD COLUMN "success_evaluation" text NOT NULL DEFAULT '', ADD COLUMN "structured_data" jsonb NULL, ADD COLUMN "cost_breakdown" jsonb NULL;
-- Create index "call_practice_id_vapi_call_id" to table: "calls"
CREATE UNIQUE INDEX "call_practice_id_vapi_call_id" ON "calls" ("practice_id", "vapi_call_id");
-- Create index "call_twilio_call_sid" to table: "calls"
CREATE INDEX "call_twilio_call_sid" ON "calls" ("twilio_call_sid");
