-- The fingerprint of the accepted inputs of a deal, and of the playbook in the warehouse.
SELECT d.input_fingerprint, (SELECT max(fingerprint) FROM playbook_meta) FROM deals d WHERE d.deal_id = ?
