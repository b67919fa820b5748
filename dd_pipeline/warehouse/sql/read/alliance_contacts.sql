-- The accepted ties of a deal as reported (contacts.csv and the questionnaires' "Your contacts" sheets).
SELECT person_id, contact_id, contact_organization, frequency, importance, close
FROM alliance_contacts WHERE deal_id = ? ORDER BY source_file, source_row
