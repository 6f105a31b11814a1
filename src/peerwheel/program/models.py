"""The rollout program's records: its stage and scope, gates, champions, buddies.

The program-sessions part (cohorts, promptathons, show-and-tell) keeps its models in its own
module; this one holds the core of the rollout.
"""
