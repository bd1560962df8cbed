"""MDT pages: thin views over mdt.queries (reads) and mdt.services (writes).

``lists`` (meetings, my cases, my actions, a hub's history), ``meetings`` (a meeting: running,
finishing, changing, cancelling, its agenda and letters), ``cases`` (a case and its outcome
screen) and ``put_forward`` (finding a child and putting the case forward).
"""
