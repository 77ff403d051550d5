"""Comments members write under things the group discusses (an upcoming decision, a
priority): one table, one way to post and one way to list them, for every domain."""
