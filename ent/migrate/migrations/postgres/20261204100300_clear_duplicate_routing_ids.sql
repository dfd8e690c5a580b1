-- Written by hand, before the migration that makes routing ids unique. An id
-- held by more than one row cannot say which practice it belongs to, so it is
-- cleared on every row that holds it: calls on it reach no practice (Vapi
-- uses the number's fallback destination) until `frontdesk vapi sync` learns
-- it again for the practice Vapi has it for. An empty id means "not known yet".
UPDATE phone_numbers SET vapi_phone_number_id = '' WHERE vapi_phone_number_id IN (SELECT vapi_phone_number_id FROM phone_numbers WHERE vapi_phone_number_id <> '' GROUP BY vapi_phone_number_id HAVING COUNT(*) > 1);
UPDATE phone_numbers SET twilio_sid = '' WHERE twilio_sid IN (SELECT twilio_sid FROM phone_numbers WHERE twilio_sid <> '' GROUP BY twilio_sid HAVING COUNT(*) > 1);
UPDATE agents SET vapi_assistant_id = '' WHERE vapi_assistant_id IN (SELECT vapi_assistant_id FROM agents WHERE vapi_assistant_id <> '' GROUP BY vapi_assistant_id HAVING COUNT(*) > 1);
