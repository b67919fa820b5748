-- The fingerprint of the playbook the warehouse holds.
SELECT max(fingerprint) FROM playbook_meta
