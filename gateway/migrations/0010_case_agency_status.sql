-- Where a referred case stands at the agency (contracts.stations.AgencyStatus), from the agency's replies.
ALTER TABLE cs_cases ADD COLUMN IF NOT EXISTS agency_status text;
