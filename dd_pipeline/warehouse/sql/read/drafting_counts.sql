-- Mitigations selected, high findings uncovered, clauses drafted, launch tasks and milestones of a deal.
SELECT (SELECT count(DISTINCT mitigation_id) FROM mitigation_matches
        WHERE deal_id = $1 AND status = 'selected'),
       (SELECT count(*) FROM uncovered_gaps WHERE deal_id = $1),
       (SELECT count(*) FROM clauses WHERE deal_id = $1),
       (SELECT count(*) FILTER (WHERE kind = 'task') FROM launch_tasks WHERE deal_id = $1),
       (SELECT count(*) FILTER (WHERE milestone) FROM launch_tasks WHERE deal_id = $1)
