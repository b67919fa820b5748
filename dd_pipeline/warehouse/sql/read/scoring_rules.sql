-- The playbook's scoring rules (band limits, confidence settings) by name.
SELECT name, value FROM playbook_rules
