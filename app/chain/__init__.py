"""Each group's tamper-evident record: decisions, amendments and every time someone
was told something, chained by SHA-256 in the order they were recorded.

This is the ground floor: it knows how to chain and check entries, not what they
mean. The domains that own the records (decisions, notices) say what each entry
covers, and `app.decisions.chain` checks a whole group's chain.
"""
