-- The deal's launch tasks now (meetings left out).
SELECT task_id, title, start_date, end_date, origin FROM launch_tasks WHERE deal_id = ? AND kind = 'task'
