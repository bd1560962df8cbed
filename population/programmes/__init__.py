"""Population health programmes: registers with care processes, worklists, care events,
exclusions and hospital events (docs/population-framework.md, "Programmes")."""
