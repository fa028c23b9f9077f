"""The demo program `seed_demo` builds: fixed accounts and teams, a generated cohort.

- `data`: the fixed data (demo logins, criteria, the demo teams, the pitch deck);
- `names`, `texts`, `phrases_*`: people, startup names and application texts
  in English, Russian and Kazakh, composed from phrase banks;
- `fixed`: what the demo must always have, built through the services;
- `cohort`, `reviews`: the generated call (applications, reviewers,
  assignments, submitted reviews), inserted in bulk;
- `bulk`: the insert path (COPY on PostgreSQL, `bulk_create` elsewhere);
- `build`: the order of it all, with progress.
"""
