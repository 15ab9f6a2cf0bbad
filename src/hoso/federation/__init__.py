"""One national dossier (issue 14): the node's signed outbox and the national hub's registry."""
