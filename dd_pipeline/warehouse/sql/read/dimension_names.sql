-- The name of every dimension of the playbook.
SELECT dimension_id, name FROM playbook_dimensions
