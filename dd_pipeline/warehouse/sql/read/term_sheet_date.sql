-- The date the deal's term sheet was signed.
SELECT term_sheet_date FROM deals WHERE deal_id = ?
