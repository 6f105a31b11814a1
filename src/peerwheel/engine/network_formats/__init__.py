"""Pure readers for the files that say who is connected to whom.

- `ties`: the collaboration network (`peerwheel import ties`): two person columns, an optional
  weight and an optional source (email, chat, meetings); a Viva Insights person-to-person query
  is read as it comes.
- `influence_events`: events from other tools (`peerwheel import influence-events`):
  `source_id, target_id, kind, occurred_at`.

Each reads and checks the file's shape and returns its rows with every problem (file, line,
column); ids stay text: matching them to people (employee id, email, identity map) and writing
are the apps' (`usage.ties_import`, `hub.events_import`). No Django here.
"""

from __future__ import annotations

from ._problems import MAX_LISTED, Problems

__all__ = ["MAX_LISTED", "Problems"]
