-- A recorded run's launch tasks (meetings left out).
SELECT task_id, title, start_date, end_date, origin FROM history_tasks
WHERE run_id = ? AND deal_id = ? AND kind = 'task'
