-- The accepted people of a deal (people.csv and the questionnaires' "About you" sheets): what the network step reads.
SELECT person_id, organization, level, function, alliance_role, name, named, status
FROM alliance_people WHERE deal_id = ? ORDER BY person_id
