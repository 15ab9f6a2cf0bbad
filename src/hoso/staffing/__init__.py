"""Staffing (biên chế) and job positions (vị trí việc làm): the quotas a unit is given, the
people counted against them, the positions it defines (R-NATIONAL, R-JOB-POSITION).

The models stay in `hoso.orgs` (they belong to the organization); this package stands above
`orgs` and `people` because a quota means nothing without the people counted against it.
"""
