-- The deal's launch plan, in the order of its dates.
SELECT * FROM launch_tasks WHERE deal_id = ? ORDER BY start_date, task_id
