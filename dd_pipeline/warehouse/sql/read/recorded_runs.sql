-- Which of the given runs are recorded in the history, and for which deal.
SELECT deal_id, run_id FROM run_history WHERE run_id IN (SELECT unnest(?))
