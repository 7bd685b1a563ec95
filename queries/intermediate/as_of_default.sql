-- as_of_default: the as-of date used when none is given: the latest kept event date inside the
-- export's span (int_event_span), so an event with a mistyped date never moves it.
-- Grain: one row.
-- Columns: as_of (DATE, NULL when there is no kept event)
select span_end as as_of from int_event_span
